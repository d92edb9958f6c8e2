"""``/start``: next appointments, newest journal entries, follow-ups due, and what the user cannot see and why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal.appointments.queries import upcoming_appointments
from portal.audit.log import record_read
from portal.careplans.queries import follow_ups_due
from portal.identity.age import swedish_today
from portal.journal.queries import JournalFilters, list_entries
from portal.pages.current import HIDE_RECENT, page_blueprint, read, settings
from portal.pages.journal import entry_path
from portal.policy.viewer import Area, Mode, Viewer
from portal.policy.visibility import hidden_counts

blueprint = page_blueprint("home", __name__)
FOLLOW_UP_DAYS = 30


@blueprint.get("/start")
def start() -> str:
    """The overview of the record being viewed; an empty portal for users with no record yet."""
    overview: dict[str, Any] = read(_overview, default={})
    return render_template("home/start.html", entry_path=entry_path(), **overview)


def _overview(tx: Session, viewer: Viewer) -> dict[str, Any]:
    until = swedish_today(viewer.now) + timedelta(days=FOLLOW_UP_DAYS)
    appointments = upcoming_appointments(tx, viewer, settings(), limit=3)
    plans = follow_ups_due(tx, viewer, settings(), until)
    # Before the audit row (see ``read``).
    hidden = hidden_counts(tx, viewer, settings())
    record_read(tx, viewer, "start", [a.id for a in appointments] + [p.id for p in plans])
    # One's own newest entries wait for the 14-day choice: fresh results are not shown before it is made.
    newest = viewer.may(Area.JOURNAL) and (viewer.mode != Mode.SELF or session.get(HIDE_RECENT) is not None)
    entries = list_entries(tx, viewer, settings(), JournalFilters(), limit=5).entries if newest else []
    return {"appointments": appointments, "plans": plans, "entries": entries, "newest": newest,
            "hidden": hidden, "follow_up_until": until}


@blueprint.post("/start/hide-recent")
def hide_recent() -> Response:
    """The 14-day choice, asked at each sign-in and kept for this session only."""
    session[HIDE_RECENT] = request.form.get("hide") == "1"
    return redirect(url_for("home.start"))
