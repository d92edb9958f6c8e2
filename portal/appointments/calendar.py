"""iCalendar (RFC 5545) files for appointments: one, or all upcoming."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import Response

from portal import clock
from portal.appointments.queries import AppointmentView

PRODID = "-//Citizen health portal//Mina halsoarenden//SV"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space, never splitting a character."""
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0], *[" " + part for part in parts[1:]]]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(appointment: AppointmentView, now: datetime) -> list[str]:
    end = appointment.end or appointment.start + timedelta(minutes=30)
    where = appointment.video_url or appointment.place or appointment.provenance.unit or ""
    description = "\n\n".join(part for part in (appointment.description, appointment.preparation) if part)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{appointment.id}@portal",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(appointment.start)}",
        f"DTEND:{_stamp(end)}",
        f"SUMMARY:{_escape(appointment.title)}",
        f"LOCATION:{_escape(where)}",
        f"DESCRIPTION:{_escape(description)}",
        "STATUS:" + ("CANCELLED" if appointment.status == "cancelled" else "CONFIRMED"),
        "END:VEVENT",
    ]
    if appointment.video_url:
        lines.insert(-1, f"URL:{appointment.video_url}")
    return lines


def calendar_text(appointments: Iterable[AppointmentView]) -> str:
    now = clock.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for appointment in appointments:
        lines.extend(_event(appointment, now))
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"


def ics_for(appointments: Iterable[AppointmentView], filename: str) -> Response:
    response = Response(calendar_text(appointments), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
