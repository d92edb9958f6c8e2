"""``/api/v1``: the read model for the pages' scripts and the mobile apps. Same queries, same policy as the pages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from portal import clock, db
from portal.accesslog.queries import AccessLogPage, access_log
from portal.api import schemas
from portal.api.auth import api_actor
from portal.appointments.calendar import ics_for
from portal.appointments.queries import (
    AppointmentLists,
    AppointmentView,
    get_appointment,
    list_appointments,
    request_cancel,
)
from portal.careplans.queries import CarePlanView, get_care_plan, list_care_plans
from portal.journal.queries import EntryDetail, JournalFilters, JournalPage, get_entry, list_entries
from portal.policy.access import subjects_for, viewer_for
from portal.policy.viewer import Viewer
from portal.readmodel.models import Person


class _Blueprint(Blueprint):
    """flask-smorest's Blueprint with the ETag taken from the body it sends, so the data is serialised once.

    (flask-smorest serialises the data a second time, with sorted keys, to hash it.) The same bytes give the same
    tag, and any change in what is sent gives another.
    """

    def _set_etag_in_response(self, response: Response) -> None:
        if request.method in self.METHODS_ALLOWING_SET_ETAG:
            etag = hashlib.blake2b(response.get_data(), digest_size=20).hexdigest()
            self._check_not_modified(etag)
            response.set_etag(etag)


blueprint = _Blueprint(
    "api", __name__, url_prefix="/api/v1", description="The citizen's record, read-only but for cancel requests"
)
T = TypeVar("T")


@blueprint.before_request
def _authenticate_first() -> None:
    """Every API route needs a caller; knowing who comes before reading any parameter."""
    api_actor()


def _read(subject_id: str, work: Callable[[Viewer], T]) -> T:
    """Decide, read and audit in one transaction: no audit row, no data."""
    settings = current_app.config["SETTINGS"]
    with db.reading() as session:
        viewer = viewer_for(session, api_actor(), subject_id, settings, clock.now(), channel="api")
        return work(viewer)


def _settings():  # type: ignore[no-untyped-def]
    return current_app.config["SETTINGS"]


def _documented(*statuses: int):  # type: ignore[no-untyped-def]
    def decorate(view):  # type: ignore[no-untyped-def]
        for status in statuses:
            view = blueprint.alt_response(
                status, schema=schemas.ProblemSchema, content_type="application/problem+json"
            )(view)
        return view

    return decorate


@blueprint.route("/me")
class Me(MethodView):
    @blueprint.etag
    @blueprint.response(200, schemas.MeSchema)
    @_documented(401)
    def get(self) -> dict[str, Any]:
        """The signed-in user and everyone they may act for."""
        actor = api_actor()
        settings = _settings()
        with db.reading() as session:
            me = session.get(Person, actor.person_id) if actor.person_id else None
            found = subjects_for(session, me, settings, clock.now()) if me is not None else []
        subjects = [{"id": person.public_id, "name": person.display_name, "mode": mode, "areas": sorted(areas)}
                    for person, mode, areas in found]
        return {"id": actor.public_id, "name": actor.name, "roles": sorted(actor.roles), "subjects": subjects}


@blueprint.route("/subjects/<string:subject_id>/journal")
class Journal(MethodView):
    @blueprint.etag
    # Schema instances, not classes: webargs would build a new schema for every request.
    @blueprint.arguments(schemas.JournalQuerySchema(), location="query", as_kwargs=True)
    @blueprint.response(200, schemas.JournalPageSchema)
    @_documented(400, 401, 403, 404)
    def get(self, subject_id: str, **query: Any) -> JournalPage:
        """One timeline across region and municipality, newest first, with filters and cursor pagination."""
        filters = JournalFilters(
            kinds=tuple(query.get("kind") or ()), unit=query.get("unit"), origin=query.get("origin"),
            period_from=query.get("from_"), period_to=query.get("to"), text=query.get("q"),
        )
        return _read(subject_id, lambda viewer: list_entries(
            db.session(), viewer, _settings(), filters, query.get("cursor"), query["limit"]))


@blueprint.route("/subjects/<string:subject_id>/journal/<string:entry_id>")
class JournalEntry(MethodView):
    @blueprint.etag
    @blueprint.response(200, schemas.EntryDetailSchema)
    @_documented(401, 403, 404)
    def get(self, subject_id: str, entry_id: str) -> EntryDetail:
        """One entry in full; a lab result or growth measurement comes with its series over time."""
        return _read(subject_id, lambda viewer: get_entry(db.session(), viewer, _settings(), entry_id))


@blueprint.route("/subjects/<string:subject_id>/appointments")
class Appointments(MethodView):
    @blueprint.etag
    @blueprint.response(200, schemas.AppointmentListsSchema)
    @_documented(401, 403, 404)
    def get(self, subject_id: str) -> AppointmentLists:
        """Upcoming (soonest first) and past (newest first) appointments, region and municipality alike."""
        return _read(subject_id, lambda viewer: list_appointments(db.session(), viewer, _settings()))


@blueprint.route("/subjects/<string:subject_id>/appointments.ics")
class AppointmentsCalendar(MethodView):
    @blueprint.response(200, content_type="text/calendar", description="iCalendar of every upcoming appointment")
    @_documented(401, 403, 404)
    def get(self, subject_id: str) -> Response:
        """Every upcoming appointment as one iCalendar file."""
        lists = _read(subject_id, lambda viewer: list_appointments(db.session(), viewer, _settings()))
        return ics_for(lists.upcoming, "appointments.ics")


@blueprint.route("/subjects/<string:subject_id>/appointments/<string:appointment_id>")
class AppointmentDetail(MethodView):
    @blueprint.etag
    @blueprint.response(200, schemas.AppointmentSchema)
    @_documented(401, 403, 404)
    def get(self, subject_id: str, appointment_id: str) -> AppointmentView:
        """One appointment: place or video link, preparation, status, and whether a cancel request is pending."""
        return _read(subject_id, lambda viewer: get_appointment(
            db.session(), viewer, _settings(), appointment_id))


@blueprint.route("/subjects/<string:subject_id>/appointments/<string:appointment_id>/cancel-request")
class CancelRequest(MethodView):
    @blueprint.arguments(schemas.CancelRequestSchema())
    @blueprint.response(202, schemas.AppointmentSchema)
    @_documented(400, 401, 403, 404)
    def post(self, body: dict[str, Any], subject_id: str, appointment_id: str) -> AppointmentView:
        """Ask the care unit to cancel: stored as an outgoing message; the appointment shows it as pending."""
        return _read(subject_id, lambda viewer: request_cancel(
            db.session(), viewer, _settings(), appointment_id, body.get("reason", "")))


@blueprint.route("/subjects/<string:subject_id>/care-plans")
class CarePlans(MethodView):
    @blueprint.etag
    @blueprint.response(200, schemas.CarePlanListSchema)
    @_documented(401, 403, 404)
    def get(self, subject_id: str) -> dict[str, list[CarePlanView]]:
        """Care plans, the SIP shared by region and municipality among them."""
        plans = _read(subject_id, lambda viewer: list_care_plans(db.session(), viewer, _settings()))
        return {"care_plans": plans}


@blueprint.route("/subjects/<string:subject_id>/care-plans/<string:plan_id>")
class CarePlanDetail(MethodView):
    @blueprint.etag
    @blueprint.response(200, schemas.CarePlanSchema)
    @_documented(401, 403, 404)
    def get(self, subject_id: str, plan_id: str) -> CarePlanView:
        """One care plan with goals, activities, responsible organisations and participants."""
        return _read(subject_id, lambda viewer: get_care_plan(db.session(), viewer, _settings(), plan_id))


@blueprint.route("/subjects/<string:subject_id>/access-log")
class AccessLog(MethodView):
    @blueprint.etag
    @blueprint.arguments(schemas.AccessLogQuerySchema(), location="query", as_kwargs=True)
    @blueprint.response(200, schemas.AccessLogSchema)
    @_documented(400, 401, 403, 404)
    def get(self, subject_id: str, **query: Any) -> AccessLogPage:
        """Who read this record, when, what and through which channel (the subject's own eyes only)."""
        return _read(subject_id, lambda viewer: access_log(
            db.session(), viewer, _settings(), query.get("from_"), query.get("to"), query.get("who"),
            query.get("cursor"), query["limit"]))
