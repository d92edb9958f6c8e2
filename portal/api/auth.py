"""Who calls the API: a bearer access token from the trusted provider, or the page's own session (safe methods).

The person comes from the token's personnummer claim, never ``sub``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

from portal import db
from portal.auth.access_tokens import NoBearer, bearer_token, verify_access_token
from portal.auth.actor import actor_from_session
from portal.auth.tokens import TokenRejected
from portal.auth.users import current_user
from portal.db import SAFE_METHODS
from portal.identity.personnummer import InvalidPersonnummer
from portal.policy.access import may_act_as
from portal.policy.viewer import Actor
from portal.readmodel.persons import person_by_number


def api_actor() -> Actor:
    """The Actor of this API request; raises 401 or 403 (werkzeug) when there is none."""
    cached = request.environ.get("portal.api_actor")
    if cached is None:
        cached = request.environ["portal.api_actor"] = _authenticate()
    return cached


def _authenticate() -> Actor:
    if request.headers.get("Authorization"):
        return _bearer_actor()
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            raise Forbidden("A signed-in page may only read through the API; send a bearer token to change things.")
        return actor_from_session()
    raise _unauthorized("A bearer access token is required.")


def _unauthorized(detail: str, error: str | None = None) -> Unauthorized:
    parameters: dict[str, str | None] = {"realm": "portal", **({"error": error} if error else {})}
    return Unauthorized(detail, www_authenticate=WWWAuthenticate("Bearer", parameters))


def _bearer_actor() -> Actor:
    try:
        claims = verify_access_token(bearer_token(), current_app.config["SETTINGS"].api_scope)
    except NoBearer:
        raise _unauthorized("Send 'Authorization: Bearer <access token>'.", "invalid_request") from None
    except TokenRejected as rejected:
        current_app.logger.info("api token refused: %s", rejected.reason)
        raise _unauthorized("The access token was refused.", "invalid_token") from None
    return _person_actor(claims)


def _person_actor(claims: Mapping[str, Any]) -> Actor:
    settings = current_app.config["SETTINGS"]
    try:
        person = person_by_number(db.session(), str(claims.get(settings.oidc_pnr_claim) or ""))
    except InvalidPersonnummer:
        raise _unauthorized("The access token names no person.", "invalid_token") from None
    if person is None:
        return Actor(public_id=f"sub:{claims.get('sub')}", name=str(claims.get("name") or ""))
    if not may_act_as(person):
        raise _unauthorized("The access token was refused.", "invalid_token")
    db.hold(db.session(), person)
    return Actor(public_id=person.public_id, name=person.display_name, person_id=person.id)
