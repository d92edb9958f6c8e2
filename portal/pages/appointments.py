"""``/appointments``: upcoming and past, one in detail, calendar files, and "ask to cancel"."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.appointments.calendar import ics_for
from portal.appointments.queries import AppointmentLists, get_appointment, list_appointments, request_cancel
from portal.pages.current import page_blueprint, read, settings

blueprint = page_blueprint("appointments", __name__, url_prefix="/appointments")


@blueprint.get("")
def index() -> str:
    """Upcoming (soonest first) and past (newest first), from region and municipality alike."""
    lists = read(lambda tx, viewer: list_appointments(tx, viewer, settings()), default=AppointmentLists([], []))
    return render_template("appointments/index.html", lists=lists)


@blueprint.get("/calendar.ics")
def calendar() -> Response:
    """Every upcoming appointment as one iCalendar file."""
    lists = read(lambda tx, viewer: list_appointments(tx, viewer, settings()), default=AppointmentLists([], []))
    return ics_for(lists.upcoming, "appointments.ics")


@blueprint.get("/<string:appointment_id>")
def detail(appointment_id: str) -> str:
    """Where (place or video link), when, how to prepare, and whether a cancel request is pending."""
    appointment = read(lambda tx, viewer: get_appointment(tx, viewer, settings(), appointment_id))
    return render_template("appointments/detail.html", appointment=appointment)


@blueprint.get("/<string:appointment_id>/calendar.ics")
def calendar_one(appointment_id: str) -> Response:
    """One appointment as an iCalendar file."""
    appointment = read(lambda tx, viewer: get_appointment(tx, viewer, settings(), appointment_id))
    return ics_for([appointment], "appointment.ics")


@blueprint.post("/<string:appointment_id>/cancel-request")
def cancel(appointment_id: str) -> Response:
    """Ask the unit to cancel: an outgoing message to the source system; the page shows it as pending."""
    reason = (request.form.get("reason") or "").strip()[:500]
    read(lambda tx, viewer: request_cancel(tx, viewer, settings(), appointment_id, reason))
    flash(_("Your request to cancel has been sent. The unit will answer you."), "success")
    return redirect(url_for("appointments.detail", appointment_id=appointment_id))
