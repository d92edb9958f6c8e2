"""The dev provider's own sign-in state in the browser: a signed cookie, named apart from the portal's."""

from __future__ import annotations

import secrets
import time

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from portal.demo.personas import Persona
from portal.devidp.people import DevUser, user_by_sub

COOKIE = "devidp_session"
PATH = "/dev-idp/"
MAX_AGE = 12 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt="devidp-session")


def start(persona: Persona) -> DevUser:
    """A new provider session for the persona just picked."""
    return DevUser(persona, secrets.token_urlsafe(16), int(time.time()))


def current_user() -> DevUser | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    return user_by_sub(str(data.get("sub", "")), str(data.get("sid", "")), int(data.get("auth_time", 0)))


def remember(response: Response, user: DevUser) -> None:
    value = _serializer().dumps({"sub": user.sub, "sid": user.sid, "auth_time": user.auth_time})
    response.set_cookie(COOKIE, value, path=PATH, httponly=True, samesite="Lax",
                        secure=request.scheme == "https")


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="Lax")
