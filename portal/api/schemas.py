"""marshmallow schemas of the API: what goes out (and the few things that come in)."""

from __future__ import annotations

from marshmallow import fields, validate

from portal.api.dumping import CompiledSchema
from portal.journal.queries import ORIGINS
from portal.readmodel.models import EntryKind

ID = validate.Length(min=1, max=64)


class ProblemSchema(CompiledSchema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())


class ProvenanceSchema(CompiledSchema):
    provider = fields.String(allow_none=True, metadata={"description": "care provider (region or municipality)"})
    unit = fields.String(allow_none=True)
    unit_hsa_id = fields.String(allow_none=True)
    unit_kind = fields.String(allow_none=True)
    origin = fields.String(allow_none=True, validate=validate.OneOf(ORIGINS))
    source_system = fields.String()


class EntrySummarySchema(CompiledSchema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(EntryKind.ALL))
    title = fields.String(required=True)
    effective_at = fields.DateTime(required=True)
    recorded_at = fields.DateTime(required=True)
    status = fields.String(allow_none=True)
    author_name = fields.String(allow_none=True)
    author_role = fields.String(allow_none=True)
    value = fields.Float(allow_none=True)
    value_text = fields.String(allow_none=True)
    value_unit = fields.String(allow_none=True)
    provenance = fields.Nested(ProvenanceSchema, required=True)


class SeriesPointSchema(CompiledSchema):
    at = fields.DateTime(required=True)
    value = fields.Float(required=True)
    entry_id = fields.String(required=True)


class EntryDetailSchema(EntrySummarySchema):
    text = fields.String()
    category = fields.String(allow_none=True)
    code_system = fields.String(allow_none=True)
    code = fields.String(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    reference_low = fields.Float(allow_none=True)
    reference_high = fields.Float(allow_none=True)
    reference_text = fields.String(allow_none=True)
    series = fields.List(fields.Nested(SeriesPointSchema))


class JournalPageSchema(CompiledSchema):
    entries = fields.List(fields.Nested(EntrySummarySchema), required=True)
    next_cursor = fields.String(allow_none=True, metadata={"description": "pass as `cursor` for the next page"})


class JournalQuerySchema(CompiledSchema):
    kind = fields.List(fields.String(validate=validate.OneOf(EntryKind.ALL)), load_default=list)
    unit = fields.String(
        validate=validate.Length(min=1, max=64), metadata={"description": "HSA-id of unit or provider"}
    )
    origin = fields.String(validate=validate.OneOf(ORIGINS))
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    q = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "free text"})
    cursor = fields.String(validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class AppointmentSchema(CompiledSchema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    kind = fields.String(required=True)
    start = fields.DateTime(required=True)
    end = fields.DateTime(allow_none=True)
    place = fields.String(allow_none=True)
    video_url = fields.String(allow_none=True)
    practitioner = fields.String(allow_none=True)
    description = fields.String()
    preparation = fields.String()
    cancel_requested = fields.Boolean(required=True)
    can_request_cancel = fields.Boolean(required=True)
    provenance = fields.Nested(ProvenanceSchema, required=True)


class AppointmentListsSchema(CompiledSchema):
    upcoming = fields.List(fields.Nested(AppointmentSchema), required=True)
    past = fields.List(fields.Nested(AppointmentSchema), required=True)


class CancelRequestSchema(CompiledSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class GoalSchema(CompiledSchema):
    description = fields.String(required=True)
    status = fields.String(allow_none=True)
    due = fields.Date(allow_none=True)


class ActivitySchema(CompiledSchema):
    description = fields.String(required=True)
    status = fields.String(allow_none=True)
    responsible = fields.String(allow_none=True)
    scheduled = fields.String(allow_none=True)


class ParticipantSchema(CompiledSchema):
    name = fields.String()
    role = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)


class CarePlanSchema(CompiledSchema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String()
    status = fields.String(required=True)
    is_sip = fields.Boolean(required=True, metadata={"description": "coordinated individual plan (SIP)"})
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    next_follow_up = fields.Date(allow_none=True)
    participants = fields.List(fields.Dict())
    goals = fields.List(fields.Nested(GoalSchema))
    activities = fields.List(fields.Nested(ActivitySchema))
    provenance = fields.Nested(ProvenanceSchema, required=True)


class CarePlanListSchema(CompiledSchema):
    care_plans = fields.List(fields.Nested(CarePlanSchema), required=True)


class SubjectSchema(CompiledSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(("self", "guardian", "representative")))
    areas = fields.List(fields.String(), required=True)


class MeSchema(CompiledSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    roles = fields.List(fields.String())
    subjects = fields.List(fields.Nested(SubjectSchema), required=True)


class AccessLogEntrySchema(CompiledSchema):
    at = fields.DateTime(required=True)
    actor = fields.String(required=True)
    actor_organisation = fields.String(allow_none=True)
    mode = fields.String(allow_none=True)
    channel = fields.String(required=True)
    action = fields.String(required=True)
    what = fields.String(required=True)
    support_session = fields.Boolean(required=True)


class AccessLogSchema(CompiledSchema):
    entries = fields.List(fields.Nested(AccessLogEntrySchema), required=True)
    next_cursor = fields.String(allow_none=True)


class AccessLogQuerySchema(CompiledSchema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    who = fields.String(validate=validate.OneOf(("self", "guardian", "representative", "support")))
    cursor = fields.String(validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
