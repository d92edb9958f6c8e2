"""Appointments from region and municipality, scoped by a Viewer and audited; cancel requests as outgoing messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CompoundSelect, Integer, Row, Select, bindparam, exists, literal, select, union_all
from sqlalchemy.orm import Session

from portal import clock
from portal.audit.log import Action, record, record_read
from portal.config import Settings
from portal.db import UTCDateTime
from portal.policy.access import Forbidden, NotFound, require
from portal.policy.statements import cached
from portal.policy.viewer import Area, Viewer
from portal.policy.visibility import (
    EntryShape,
    entry_shape,
    viewer_parameters,
    visible_appointments,
    visible_appointments_for,
)
from portal.readmodel.models import Appointment, CancelRequest
from portal.readmodel.provenance import (
    Provenance,
    provenance_of,
    provenance_of_row,
    unit_with_provider,
    with_provenance_columns,
)

CANCELLABLE = ("booked", "pending", "proposed")
PENDING = "pending"  # a cancel request not yet answered by its source
# Still listed with their status on the appointments page, but never as "your next appointments".
NOT_HAPPENING = ("cancelled", "noshow", "entered-in-error")


@dataclass(frozen=True)
class AppointmentView:
    id: str
    title: str
    status: str
    kind: str
    start: datetime
    end: datetime | None
    place: str | None
    video_url: str | None
    practitioner: str | None
    description: str
    preparation: str
    cancel_requested: bool
    can_request_cancel: bool
    provenance: Provenance


@dataclass(frozen=True)
class AppointmentLists:
    upcoming: list[AppointmentView]
    past: list[AppointmentView]


def list_appointments(session: Session, viewer: Viewer, settings: Settings, past_limit: int = 50) -> AppointmentLists:
    require(viewer, Area.APPOINTMENTS)
    parameters = {**viewer_parameters(viewer, settings), "now": viewer.now, "upcoming_limit": UPCOMING_LIMIT,
                  "past_limit": past_limit}
    # Plain rows (no ORM result machinery), both lists in one round trip; each part keeps its own order and limit
    # in the database, and is put in that order again here, since a union promises no order of its own.
    rows = session.connection().execute(_both_lists(settings, entry_shape(viewer)), parameters).all()
    upcoming = sorted((row for row in rows if row.part == UPCOMING), key=_when)
    past = sorted((row for row in rows if row.part == PAST), key=_when, reverse=True)
    record_read(session, viewer, "appointments", [row.public_id for row in [*upcoming, *past]])
    return AppointmentLists([_listed(row, viewer) for row in upcoming], [_listed(row, viewer) for row in past])


UPCOMING, NEXT, PAST = "upcoming", "next", "past"
UPCOMING_LIMIT = 200


def _when(row: Row) -> tuple[datetime, int]:
    return row.start, row.id


def _both_lists(settings: Settings, shape: EntryShape) -> CompoundSelect:
    """Upcoming and past as one statement, each row marked with its ``part``; built once per shape."""
    def build() -> CompoundSelect:
        parts = [select(_list_query(settings, shape, which, f"{which}_limit")
                        .add_columns(literal(which).label("part")).subquery())
                 for which in (UPCOMING, PAST)]
        return union_all(*parts)

    return cached(settings, ("appointment_lists", shape), build)


def _listing(settings: Settings, shape: EntryShape, which: str) -> Select:
    """One list (as ``_list_query``), built once per shape."""
    return cached(settings, ("appointment_list", shape, which), lambda: _list_query(settings, shape, which, "limit"))


def _list_query(settings: Settings, shape: EntryShape, which: str, limit: str) -> Select:
    """Upcoming or next (soonest first; next leaves out what will not happen) or past (newest first), as columns."""
    pending = exists().where(CancelRequest.appointment_key == Appointment.source_key, CancelRequest.status == PENDING)
    now = bindparam("now", type_=UTCDateTime(), required=True)
    listed = select(*_LISTED, pending.label("cancel_requested"))
    query = with_provenance_columns(listed, Appointment).where(visible_appointments_for(settings, shape))
    if which == PAST:
        query = query.where(Appointment.start < now).order_by(Appointment.start.desc(), Appointment.id.desc())
    else:
        query = query.where(Appointment.start >= now).order_by(Appointment.start, Appointment.id)
    if which == NEXT:
        query = query.where(Appointment.status.not_in(NOT_HAPPENING))
    return query.limit(bindparam(limit, type_=Integer(), required=True))


_LISTED = (Appointment.id, Appointment.public_id, Appointment.title, Appointment.status, Appointment.kind,
           Appointment.start, Appointment.end, Appointment.place, Appointment.video_url, Appointment.practitioner,
           Appointment.description, Appointment.preparation, Appointment.source_system)


def _listed(row: Row, viewer: Viewer) -> AppointmentView:
    return _view(row, viewer, bool(row.cancel_requested), provenance_of_row(row))


def upcoming_appointments(
    session: Session, viewer: Viewer, settings: Settings, limit: int = 3
) -> list[AppointmentView]:
    """The next few that will happen, for the start page (the caller audits the page)."""
    if not viewer.may(Area.APPOINTMENTS):
        return []
    parameters = {**viewer_parameters(viewer, settings), "now": viewer.now, "limit": limit}
    rows = session.connection().execute(_listing(settings, entry_shape(viewer), NEXT), parameters).all()
    return [_listed(row, viewer) for row in rows]


def get_appointment(session: Session, viewer: Viewer, settings: Settings, appointment_id: str) -> AppointmentView:
    row = _load(session, viewer, settings, appointment_id)
    record_read(session, viewer, "appointment", [row.public_id])
    return view(row, viewer, bool(_pending_cancels(session, [row])))


def request_cancel(
    session: Session, viewer: Viewer, settings: Settings, appointment_id: str, reason: str = ""
) -> AppointmentView:
    """Store an outgoing message asking the source to cancel; the appointment itself is not edited."""
    row = _load(session, viewer, settings, appointment_id)
    if not _may_request_cancel(row, viewer):
        raise Forbidden("cancel_not_allowed")
    if not _pending_cancels(session, [row]):
        session.add(CancelRequest(
            appointment_key=row.source_key, subject_public_id=viewer.subject.public_id,
            requested_by_public_id=viewer.actor.public_id, created_at=clock.now(), reason=reason[:500],
            payload=_outgoing_message(row, reason),
        ))
    record(
        session, Action.CANCEL_REQUEST, viewer.actor, channel=viewer.channel, subject_id=viewer.subject.public_id,
        mode=viewer.mode, resource=f"appointment:{row.public_id}",
    )
    return view(row, viewer, True)


def _load(session: Session, viewer: Viewer, settings: Settings, appointment_id: str) -> Appointment:
    require(viewer, Area.APPOINTMENTS)
    row = session.scalars(
        select(Appointment).where(visible_appointments(viewer, settings), Appointment.public_id == appointment_id)
        .options(unit_with_provider(Appointment)),
        viewer_parameters(viewer, settings),
    ).first()
    if row is None:
        raise NotFound()
    return row


def _may_request_cancel(row: Appointment | Row, viewer: Viewer) -> bool:
    return viewer.may_change and row.status in CANCELLABLE and row.start > viewer.now


def _pending_cancels(session: Session, rows: Sequence[Appointment]) -> set[str]:
    keys = [row.source_key for row in rows]
    if not keys:
        return set()
    found = session.scalars(
        select(CancelRequest.appointment_key).where(
            CancelRequest.appointment_key.in_(keys), CancelRequest.status == PENDING
        )
    )
    return set(found)


def _outgoing_message(row: Appointment, reason: str) -> dict:
    """A FHIR Task for the source system: please cancel this Appointment."""
    _source, resource_type, resource_id = row.source_key.split("|", 2)
    return {
        "resourceType": "Task",
        "status": "requested",
        "intent": "order",
        "code": {"text": "Avbokningsbegäran / cancellation request"},
        "focus": {"reference": f"{resource_type}/{resource_id}"},
        "note": [{"text": reason[:500]}] if reason else [],
    }


def view(row: Appointment, viewer: Viewer, cancel_requested: bool) -> AppointmentView:
    return _view(row, viewer, cancel_requested, provenance_of(row.unit, row.source_system))


def _view(row: Appointment | Row, viewer: Viewer, cancel_requested: bool, provenance: Provenance) -> AppointmentView:
    return AppointmentView(
        id=row.public_id, title=row.title, status=row.status, kind=row.kind, start=row.start, end=row.end,
        place=row.place, video_url=row.video_url, practitioner=row.practitioner, description=row.description,
        preparation=row.preparation, cancel_requested=cancel_requested,
        can_request_cancel=not cancel_requested and _may_request_cancel(row, viewer), provenance=provenance,
    )
