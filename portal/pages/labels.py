"""Words for the codes the read model stores: entry kinds, origins, modes, statuses, what an audit row read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.i18n import language
from portal.readmodel.models import EntryKind

KINDS = {
    EntryKind.CARE_CONTACT: _l("Care contact"), EntryKind.NOTE: _l("Note"), EntryKind.DIAGNOSIS: _l("Diagnosis"),
    EntryKind.LAB_RESULT: _l("Lab result"), EntryKind.OTHER_RESULT: _l("Other result"),
    EntryKind.MEDICATION: _l("Medication"), EntryKind.VACCINATION: _l("Vaccination"),
    EntryKind.ALLERGY: _l("Allergy or alert"), EntryKind.REFERRAL: _l("Referral"),
    EntryKind.CERTIFICATE: _l("Certificate"), EntryKind.GROWTH: _l("Growth measurement"),
    EntryKind.INTERVENTION: _l("Municipal intervention"),
}
ORIGINS = {"region": _l("Region"), "municipality": _l("Municipality"), "school_health": _l("School health")}
MODES = {"self": _l("Yourself"), "guardian": _l("Guardian"), "representative": _l("Legal representative"),
         "support": _l("Support")}
CHANNELS = {"web": _l("Web"), "api": _l("App")}
APPOINTMENT_KINDS = {"in_person": _l("Visit"), "video": _l("Video meeting"), "home_visit": _l("Home visit"),
                     "phone": _l("Phone call")}
APPOINTMENT_STATUSES = {"booked": _l("Booked"), "pending": _l("Not yet confirmed"), "proposed": _l("Proposed"),
                        "fulfilled": _l("Done"), "cancelled": _l("Cancelled"), "noshow": _l("Missed"),
                        "arrived": _l("Arrived"), "checked-in": _l("Checked in")}
PLAN_STATUSES = {"active": _l("Active"), "completed": _l("Completed"), "draft": _l("Draft"),
                 "on-hold": _l("On hold"), "revoked": _l("Ended")}
ACTIONS = {"read": _l("Read"), "switch": _l("Started acting for you"), "cancel_request": _l("Asked to cancel"),
           "support_start": _l("Support session started"), "support_end": _l("Support session ended")}
RESOURCES = {
    "start": _l("Start page"), "journal": _l("Journal"), "journal_entry": _l("Journal entry"),
    "appointments": _l("Appointments"), "appointment": _l("Appointment"), "care_plans": _l("Care plans"),
    "care_plan": _l("Care plan"), "access_log": _l("Access log"), "act_for": _l("Act for"),
}


_TRANSLATED: dict[tuple[str, int], dict[str, str]] = {}  # (locale, id of a table above) -> its translated words


def words(table: dict) -> dict[str, str]:
    """``table`` in this request's language. Translated once per language: a journal page shows a kind and an
    origin per entry, and looking each word up again in the catalogue was a good part of its rendering."""
    key = (language(), id(table))
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = {code: str(word) for code, word in table.items()}
    return found


def label(table: dict, code: str | None) -> str:
    """The word for ``code``, or the code itself when the table has none (a new code from a source)."""
    return words(table).get(code, code or "")  # type: ignore[arg-type]


def resource_label(resource: str) -> str:
    """``appointment:abc`` → "Appointment"; the ids stay out of the page."""
    return label(RESOURCES, resource.split(":", 1)[0])


FILTERS = {"kind": KINDS, "origin": ORIGINS, "mode": MODES, "channel": CHANNELS, "appointment_kind":
           APPOINTMENT_KINDS, "appointment_status": APPOINTMENT_STATUSES, "plan_status": PLAN_STATUSES,
           "action": ACTIONS}
