"""The current viewer of every signed-in page, decided again from the database on each request.

Every page blueprint is made by ``page_blueprint``, whose ``before_request`` signs the visitor in if needed and asks
the policy (``viewer_for``) who looks at whom, so a blocked guardian or a birthday takes effect on the next request
and no page can skip the decision. A page that only reads takes no write transaction: its audit row is appended on
its own before the page is sent (``db.read_alone``); a page that writes does so in ``db.transaction()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal import clock, db
from portal.audit.log import Action, record
from portal.auth.actor import actor_from_session
from portal.auth.sessions import rotate_session
from portal.auth.users import current_user
from portal.auth.views import failure
from portal.policy.access import NotFound, may_act_as, subjects_for, viewer_for
from portal.policy.viewer import Actor, Area, Mode, Viewer
from portal.readmodel.models import Person
from portal.support import web as support_web

ACTING_FOR = "acting_for"  # the subject's public id; absent means the user themself
HIDE_RECENT = "hide_recent"  # the 14-day choice of this login; absent means not asked yet
T = TypeVar("T")


@dataclass(frozen=True)
class Choice:
    """One person the user may look at: themself, or someone they act for."""

    id: str
    name: str
    given_name: str
    mode: str
    areas: frozenset[str]


@dataclass(frozen=True)
class Current:
    actor: Actor
    viewer: Viewer | None  # None for users with no person row (staff, people with no records yet)
    choices: tuple[Choice, ...]
    hide_recent: bool | None
    live_support: Sequence[Any] = ()  # support sessions live on the user's own account, for the citizen's notice

    @property
    def acting_for_other(self) -> bool:
        return self.viewer is not None and self.viewer.mode != Mode.SELF

    @property
    def me(self) -> Choice | None:
        return next((choice for choice in self.choices if choice.mode == Mode.SELF), None)

    @property
    def subject(self) -> Choice | None:
        wanted = self.viewer.subject.public_id if self.viewer else None
        return next((choice for choice in self.choices if choice.id == wanted), None)

    def shows(self, area: str) -> bool:
        """Whether the menu offers ``area``: what the viewer may read; the journal always to oneself (it explains
        the age rule when it is not open yet)."""
        if self.viewer is None:
            return area != Area.ACCESS_LOG
        if area == Area.JOURNAL and self.viewer.mode == Mode.SELF:
            return True
        return self.viewer.may(area)


def page_blueprint(name: str, import_name: str, url_prefix: str | None = None) -> Blueprint:
    """A blueprint whose every view runs after the viewer is decided, and is never cached."""
    blueprint = Blueprint(name, import_name, url_prefix=url_prefix)
    blueprint.before_request(decide)
    blueprint.after_request(_no_store)
    return blueprint


def current() -> Current:
    return g.current  # type: ignore[no-any-return]


def settings():  # type: ignore[no-untyped-def]
    return current_app.config["SETTINGS"]


def decide() -> Response | tuple[str, int] | None:
    """Sign-in first; then who looks at whom, or back to one's own record if that is no longer allowed."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    tx, now = db.session(), clock.now()
    if support_web.in_support():
        return _decide_support()
    actor = actor_from_session()
    me = tx.get(Person, actor.person_id) if actor.person_id else None
    if me is not None and not may_act_as(me):
        # The read model learnt of the person's death during the session: it ends here, as a new sign-in would be
        # refused, rather than stay open on a record nobody may read through it.
        return failure("not_allowed", 403)
    hide_recent = session.get(HIDE_RECENT)
    wanted = session.get(ACTING_FOR) or (me.public_id if me else None)
    viewer = None
    if wanted:
        try:
            viewer = viewer_for(tx, actor, wanted, settings(), now, "web", hide_recent=bool(hide_recent))
        except NotFound:
            if session.get(ACTING_FOR):
                return _back_to_self(tx, actor, wanted)
    # The live support notice is asked here, in the request's read, not when the page renders after its audit.
    g.current = Current(actor, viewer, _choices(tx, me, now), hide_recent, support_web.live_support(actor.person_id))
    return None


def _decide_support() -> Response | None:
    """An agent in a support session sees the citizen's view, decided again by the policy on every request."""
    viewer = support_web.support_viewer()
    if viewer is None:
        return redirect(url_for("support.console"))
    g.current = Current(viewer.actor, viewer, (), False)
    return None


def _choices(tx: Session, me: Person | None, now) -> tuple[Choice, ...]:  # type: ignore[no-untyped-def]
    if me is None:
        return ()
    return tuple(
        Choice(person.public_id, person.display_name, person.given_name, mode, areas)
        for person, mode, areas in subjects_for(tx, me, settings(), now)
    )


def _back_to_self(tx: Session, actor: Actor, lost: str) -> Response:
    """The right to act for ``lost`` ended (blocked, a birthday, a protected identity): one's own record again."""
    record(tx, Action.REFUSED, actor, channel="web", subject_id=lost, resource="act_for", outcome="ended")
    tx.commit()
    session.pop(ACTING_FOR, None)
    rotate_session()
    flash(_("You can no longer view that person's information. You now see your own."), "notice")
    return redirect(url_for("home.start"))


def read(work: Callable[[Session, Viewer], T], default: T | None = None) -> T:
    """Read and audit in the request's transaction; with no viewer, ``default`` (a list page) or 404 (a detail).

    ``work`` reads what the page needs before the call that appends its audit row: on SQLite that append ends the
    request's read transaction (``audit.chain``), and a read after it would begin another.
    """
    viewer = current().viewer
    if viewer is None:
        if default is None:
            raise NotFound()
        return default
    with db.reading() as tx:
        return work(tx, viewer)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
