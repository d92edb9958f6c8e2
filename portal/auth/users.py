"""The signed-in user, built from the server-side session, and the decorators views use."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_user

from portal import clock
from portal.auth.sessions import rotate_session

SUPPORT = "support"
F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["SUPPORT", "User", "current_user", "login_required", "role_required", "sign_in"]


@dataclass(frozen=True)
class User:
    """Who is signed in. ``person_id`` is the Person's public id, None when the read model has no row yet."""

    id: str
    person_id: str | None
    name: str
    roles: tuple[str, ...]
    sub: str
    auth_time: int | None

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.id

    def has_role(self, role: str) -> bool:
        return role in self.roles


class Anonymous(AnonymousUserMixin):
    roles: tuple[str, ...] = ()
    person_id = None

    def has_role(self, role: str) -> bool:
        return False


def sign_in(record: dict[str, Any]) -> User:
    """Start a fresh session for a checked identity: a new session id, a new absolute lifetime."""
    session.clear()
    record = {**record, "login_at": clock.now().isoformat()}
    session["auth"] = record
    rotate_session(restart=True)
    user = _user_from(record)
    login_user(user)
    return user


def _user_from(record: dict[str, Any]) -> User:
    person_id = record.get("person_id")
    return User(
        id=person_id or f"sub:{record['sub']}",
        person_id=person_id,
        name=record.get("name", ""),
        roles=tuple(record.get("roles", ())),
        sub=record["sub"],
        auth_time=record.get("auth_time"),
    )


def _load_user(user_id: str) -> User | None:
    record = session.get("auth")
    if not record:
        return None
    user = _user_from(record)
    return user if user.id == user_id else None


def login_required(view: F) -> F:
    """Send anonymous visitors to sign-in, coming back here afterwards."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def role_required(role: str) -> Callable[[F], F]:
    """Signed in and holding ``role`` (from the provider's role claim); 403 otherwise."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, login_required(wrapped))

    return decorate


def init_app(app: Flask) -> None:
    manager = LoginManager()
    manager.user_loader(_load_user)
    manager.anonymous_user = Anonymous
    # The server-side session is the protection; IP/agent fingerprints would log out phones moving between networks.
    manager.session_protection = None
    manager.init_app(app)
    # The user is cached on ``g``; an app context that outlives one request (tests, in-process calls) must not
    # carry it into the next.
    app.before_request(_forget_cached_user)


def _forget_cached_user() -> None:
    g.pop("_login_user", None)
