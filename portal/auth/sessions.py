"""Server-side sessions: the cookie holds a random token, the ``web_session`` table its SHA-256 and the data.

Any worker can serve any request, and a copied cookie is dead once its row is gone (logout, expiry, back-channel
logout). Idle and absolute limits are measured with ``portal.clock`` so tests can move time.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Request, Response, current_app, session
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session
from werkzeug.datastructures import CallbackDict

from portal import clock, db
from portal.auth.models import WebSession

DEV_COOKIE = "portal_session"
PROD_COOKIE = "__Host-portal_session"
# The embedded identity provider is another party with its own cookie; it never reads the portal's session.
SKIPPED_PREFIXES = ("/dev-idp/", "/static/")
TOUCH_INTERVAL = timedelta(minutes=1)


class ServerSession(CallbackDict[str, Any], SessionMixin):  # type: ignore[misc]
    """Session data plus what the store needs: the cookie token and when the session began."""

    def __init__(self, data: dict[str, Any] | None = None, token: str | None = None,
                 created_at: datetime | None = None, seen_at: datetime | None = None) -> None:
        def on_update(_self: CallbackDict[str, Any]) -> None:
            self.modified = True

        super().__init__(data or {}, on_update)
        self.token = token
        self.created_at = created_at
        self.seen_at = seen_at
        self.modified = False
        self.rotate = False
        self.restart = False
        self.detached = False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rotate_session(restart: bool = False) -> None:
    """Give this browser a new session id at the end of the request, keeping the data.

    Call on every change of subject or mode. ``restart`` also restarts the absolute lifetime (sign-in does this).
    """
    if isinstance(session, ServerSession):
        session.rotate = True
        session.restart = session.restart or restart
        session.modified = True


def delete_sessions(*, sid: str | None = None, sub: str | None = None) -> int:
    """End every session of an OP session id or subject (back-channel logout). Returns how many."""
    conditions = []
    if sid:
        conditions.append(WebSession.oidc_sid == sid)
    if sub and not sid:
        conditions.append(WebSession.oidc_sub == sub)
    if not conditions:
        return 0
    with _store() as tx:
        result = tx.execute(delete(WebSession).where(or_(*conditions)))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired() -> None:
    """Remove rows past either limit; sign-in calls this so the table does not grow without bound."""
    settings = current_app.config["SETTINGS"]
    now = clock.now()
    idle_cut = now - timedelta(minutes=settings.session_idle_minutes)
    absolute_cut = now - timedelta(minutes=settings.session_absolute_minutes)
    with _store() as tx:
        tx.execute(delete(WebSession).where(or_(WebSession.last_seen_at < idle_cut,
                                                WebSession.created_at < absolute_cut)))


@contextmanager
def _store() -> Iterator[Session]:
    """The request's database session, committed at once: SQLite allows one writer, so no second connection."""
    with db.transaction() as tx:
        yield tx


def _load(token: str) -> WebSession | None:
    tx = db.session()
    row = tx.get(WebSession, hash_token(token), populate_existing=True)
    # A request that only reads goes on in the same read transaction (``db.read_alone``: no lock, one BEGIN fewer);
    # any other ends it at once, so the write lock its transaction took is not held through the request.
    if not db.reads_alone(tx):
        tx.commit()
    return row


class DatabaseSessionInterface(SessionInterface):
    """Flask's session, stored in ``web_session``."""

    def cookie_name(self, app: Flask) -> str:
        return DEV_COOKIE if app.config["SETTINGS"].env in ("development", "test") else PROD_COOKIE

    def open_session(self, app: Flask, request: Request) -> ServerSession | None:
        # The first thing every request does: from here on a request that only reads takes no write transaction,
        # for its web session's row, its policy decision and its data alike (``db.read_alone``).
        db.safe_requests_read_alone()
        if request.path.startswith(SKIPPED_PREFIXES):
            detached = ServerSession()
            detached.detached = True
            return detached
        token = request.cookies.get(self.cookie_name(app))
        row = _load(token) if token else None
        if row is None or self._expired(app, row):
            if row is not None:
                self._delete(row.id_hash)
            return ServerSession()
        return ServerSession(dict(row.data or {}), token, _aware(row.created_at), _aware(row.last_seen_at))

    def make_null_session(self, app: Flask) -> ServerSession:  # type: ignore[override]
        return ServerSession()

    def is_null_session(self, obj: object) -> bool:
        if not isinstance(obj, ServerSession):
            return True
        return obj.detached or (obj.token is None and not obj)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not isinstance(session, ServerSession):
            return
        name = self.cookie_name(app)
        if not session:
            if session.token:
                self._delete(hash_token(session.token))
                response.delete_cookie(name, path="/", secure=self._secure(app), httponly=True, samesite="Lax")
            return
        if session.token is None or session.rotate:
            self._store_new(session)
            response.set_cookie(name, session.token or "", path="/", secure=self._secure(app),
                                httponly=True, samesite="Lax")
        elif session.modified or _due_a_touch(session):
            self._touch(session)
        response.vary.add("Cookie")

    def _secure(self, app: Flask) -> bool:
        return app.config["SETTINGS"].env not in ("development", "test")

    def _expired(self, app: Flask, row: WebSession) -> bool:
        settings = app.config["SETTINGS"]
        now = clock.now()
        idle = now - _aware(row.last_seen_at) >= timedelta(minutes=settings.session_idle_minutes)
        absolute = now - _aware(row.created_at) >= timedelta(minutes=settings.session_absolute_minutes)
        return idle or absolute

    def _store_new(self, session: ServerSession) -> None:
        now = clock.now()
        old_token = session.token
        session.token = secrets.token_urlsafe(32)
        if session.created_at is None or session.restart:
            session.created_at = now
        with _store() as tx:
            if old_token:
                tx.execute(delete(WebSession).where(WebSession.id_hash == hash_token(old_token)))
            tx.add(WebSession(id_hash=hash_token(session.token), created_at=session.created_at,
                              last_seen_at=now, data=dict(session), **_oidc_keys(session)))

    def _touch(self, session: ServerSession) -> None:
        # UPDATE only: a row deleted meanwhile (logout elsewhere) must stay deleted, never be recreated.
        values: dict[str, Any] = {"last_seen_at": clock.now()}
        if session.modified:
            values.update(data=dict(session), **_oidc_keys(session))
        with _store() as tx:
            tx.execute(update(WebSession).where(WebSession.id_hash == hash_token(session.token or ""))
                       .values(**values))

    def _delete(self, id_hash: str) -> None:
        with _store() as tx:
            tx.execute(delete(WebSession).where(WebSession.id_hash == id_hash))


def _due_a_touch(session: ServerSession) -> bool:
    """Whether to record this request as the session's last activity.

    Not within a minute of the last record: a write on every page view is the costliest part of reading one. The
    idle limit is then counted from up to a minute before the last request, so a session ends early, never late.
    """
    return session.seen_at is None or clock.now() - session.seen_at >= TOUCH_INTERVAL


def _oidc_keys(session: ServerSession) -> dict[str, str | None]:
    auth = session.get("auth") or {}
    return {"oidc_sid": auth.get("sid"), "oidc_sub": auth.get("sub")}


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def session_exists(token: str) -> bool:
    """Whether a cookie token still names a stored session (tests and diagnostics)."""
    return _load(token) is not None


def init_app(app: Flask) -> None:
    app.session_interface = DatabaseSessionInterface()
