"""Support pages: the citizen's "Get help" (a one-time code, the live session, "End now") and the agent's console.

While an agent holds a support session, every page shows the citizen's record through the policy's
support Viewer, and every non-GET request but "End" and sign-out is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import clock, db
from portal.auth.actor import actor_from_session
from portal.auth.sessions import rotate_session
from portal.auth.users import current_user, login_required, role_required
from portal.db import SAFE_METHODS
from portal.policy.access import NotFound, viewer_for_support
from portal.policy.viewer import Actor, Viewer
from portal.readmodel.models import Person
from portal.support import service
from portal.support.models import SupportSession

blueprint = Blueprint("support", __name__)
SUPPORT_KEY = "support_session"
WRITES_ALLOWED_IN_SUPPORT = ("support.console_end", "auth.logout")


def refusal_texts() -> dict[str, str]:
    return {
        "not_support": _("You need the support role."),
        "login_not_fresh": _("Sign in again: a support session needs a sign-in from the last 15 minutes."),
        "reason_too_short": _("Give a reason of at least 10 characters."),
        "ticket_missing": _("Give the ticket id."),
        "personnummer_invalid": _("That is not a valid personal identity number."),
        "code_invalid": _("The code is wrong, used or expired. Ask the person for a new code."),
    }


def _settings():  # type: ignore[no-untyped-def]
    return current_app.config["SETTINGS"]


def _me() -> tuple[Actor, Person]:
    actor = actor_from_session()
    person = db.session().get(Person, actor.person_id) if actor.person_id else None
    if person is None:
        abort(404)
    return actor, person


@blueprint.get("/help")
@login_required
def help_page() -> str:
    """Get help: what a support session is, the live ones on your account, and a button for a code."""
    _me()
    return _help(code=None)


@blueprint.post("/help/code")
@login_required
def help_code() -> str:
    """Make a one-time code to read to support; shown once, never put in a URL."""
    actor, person = _me()
    with db.transaction() as tx:
        code = service.issue_code(tx, person, actor, current_app.config["SECRET_KEY"], _settings(), clock.now())
    return _help(code=f"{code[:4]} {code[4:]}")


def _help(code: str | None) -> str:
    # The live sessions on the account come with every page (``_support_context``), this one included.
    return render_template("support/help.html", code=code, minutes=_settings().support_code_minutes)


@blueprint.post("/help/end")
@login_required
def help_end() -> Response:
    """The citizen ends a support session on their own account, at once."""
    actor, person = _me()
    with db.transaction() as tx:
        support = tx.get(SupportSession, request.form.get("session", ""))
        if support is None or support.person_id != person.id:
            abort(404)
        service.end(tx, support, "citizen", actor, clock.now())
    flash(_("The support session has ended."), "notice")
    return redirect(url_for("support.help_page"))


@blueprint.get("/support")
@role_required("support")
def console() -> str:
    """The agent's console: start a session with the citizen's number and code."""
    return render_template("support/console.html", error=None, form={})


@blueprint.post("/support/start")
@role_required("support")
def console_start() -> Response | tuple[str, int]:
    """Start a support session; the personnummer travels in this POST body only."""
    form = {name: request.form.get(name, "") for name in ("personnummer", "code", "reason", "ticket")}
    agent = service.Agent(_agent_actor(), _auth()["sub"], _login_at())
    try:
        with db.transaction() as tx:
            support = service.start(tx, agent, form["personnummer"], form["code"], form["reason"], form["ticket"],
                                    current_app.config["SECRET_KEY"], _settings(), clock.now())
            support_id = support.id
    except service.SupportRefused as refused:
        safe_form = {key: value for key, value in form.items() if key in ("reason", "ticket")}
        return render_template("support/console.html", error=refusal_texts()[refused.reason], form=safe_form), 400
    session.pop("acting_for", None)
    session[SUPPORT_KEY] = support_id
    rotate_session()
    return redirect(url_for("home.start"))


@blueprint.post("/support/end")
@login_required
def console_end() -> Response:
    """The agent ends the session; the agent's own portal comes back."""
    leave_support("agent")
    flash(_("The support session has ended."), "notice")
    return redirect(url_for("support.console"))


def leave_support(by: str) -> None:
    """Drop the support context from this browser's session, ending the support session if it still runs."""
    support_id = session.pop(SUPPORT_KEY, None)
    if support_id:
        with db.transaction() as tx:
            support = tx.get(SupportSession, support_id)
            if support is not None:
                service.end(tx, support, by, _agent_actor(), clock.now())
        rotate_session()


def _auth() -> dict:
    return dict(session.get("auth") or {})


def _login_at() -> datetime:
    raw = _auth().get("login_at")
    return datetime.fromisoformat(raw) if raw else datetime.min.replace(tzinfo=clock.now().tzinfo)


def _agent_actor() -> Actor:
    actor = actor_from_session()
    organisation = _auth().get("organisation") or _settings().support_organisation
    return Actor(actor.public_id, actor.name, actor.person_id, actor.roles, organisation)


def support_viewer() -> Viewer | None:
    """The support Viewer for this request, re-checked by the policy; None (and the context dropped) once it ends."""
    support = db.session().get(SupportSession, session.get(SUPPORT_KEY, ""))
    try:
        if support is None:
            raise NotFound()
        return viewer_for_support(db.session(), _agent_actor(), support, _auth().get("sub", ""), _settings(),
                                  clock.now())
    except NotFound:
        leave_support("expiry")
        flash(_("The support session has ended."), "notice")
        return None


def in_support() -> bool:
    return bool(session.get(SUPPORT_KEY))


def _read_only_in_support() -> None:
    """A support session never changes anything: every write but "End" and sign-out is refused."""
    writing = request.method not in SAFE_METHODS and request.endpoint not in WRITES_ALLOWED_IN_SUPPORT
    if session.get(SUPPORT_KEY) and writing:
        abort(403)


def _support_context() -> dict:
    """For the agent: the banner (who acts for whom, time left). For the citizen: the live notice."""
    if not current_user.is_authenticated:
        return {}
    if session.get(SUPPORT_KEY):
        support = db.session().get(SupportSession, session[SUPPORT_KEY])
        if support is None:
            return {}
        subject = db.session().get(Person, support.person_id)
        left = max(0, int((support.expires_at - clock.now()).total_seconds() // 60))
        return {"support_banner": {"agent": support.agent_name, "organisation": support.agent_org,
                                   "subject": subject.display_name if subject else "", "minutes_left": left}}
    page = g.get("current")  # the pages have asked already; other views look the person up
    return {"live_support": page.live_support if page else live_support(actor_from_session().person_id)}


def live_support(person_id: int | None) -> Sequence[Any]:
    """The support sessions live on the citizen ``person_id``'s account now, for the notice on every page."""
    return service.live_for_person(db.session(), person_id, clock.now()) if person_id else ()


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.before_request(_read_only_in_support)
    app.context_processor(_support_context)
