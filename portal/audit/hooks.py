"""Audit rows for sign-in and sign-out, and the staff flag that keeps staff out of support sessions."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_login import user_logged_in, user_logged_out

from portal import db
from portal.audit.log import Action, record
from portal.auth.actor import actor_for
from portal.readmodel.models import Person


def _logged_in(_sender: Flask, user: Any, **_extra: Any) -> None:
    actor = actor_for(user)
    with db.transaction() as session:
        person = session.get(Person, actor.person_id) if actor.person_id else None
        if person is not None and "support" in actor.roles:
            person.is_staff = True
        record(session, Action.LOGIN, actor, channel="web", subject_id=person.public_id if person else None,
               mode="self", resource="sign_in")


def _logged_out(_sender: Flask, user: Any, **_extra: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        return
    actor = actor_for(user)
    with db.transaction() as session:
        subject = actor.public_id if actor.person_id else None
        record(session, Action.LOGOUT, actor, channel="web", subject_id=subject, mode="self", resource="sign_out")


def sign_in_refused(reason: str) -> None:
    """A refused sign-in, with no person named: the refusal may be about the very claim that names them."""
    with db.transaction() as session:
        record(session, Action.REFUSED, None, channel="web", resource="sign_in", outcome=reason,
               details={"path": request.path})
    current_app.logger.info("sign-in refusal audited: %s", reason)


def init_app(app: Flask) -> None:
    user_logged_in.connect(_logged_in, app)
    user_logged_out.connect(_logged_out, app)
