"""Who calls the API: a bearer access token from the trusted provider, or the page's own session (safe methods).

Access tokens are JWTs checked here in full: signature against the provider's JWKS with pinned algorithms,
issuer, our API audience, times, and the API scope. The person comes from the personnummer claim, never ``sub``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, request
from sqlalchemy import select
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

from portal import clock, db
from portal.auth import provider
from portal.auth.actor import actor_from_session
from portal.auth.tokens import SKEW_SECONDS, TokenRejected, verify_signature
from portal.auth.users import current_user
from portal.identity.personnummer import InvalidPersonnummer, parse
from portal.policy.viewer import Actor
from portal.readmodel.models import Person

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_TOKEN_LENGTH = 8192


def api_actor() -> Actor:
    """The Actor of this API request; raises 401 or 403 (werkzeug) when there is none."""
    cached = request.environ.get("portal.api_actor")
    if cached is None:
        cached = request.environ["portal.api_actor"] = _authenticate()
    return cached


def _authenticate() -> Actor:
    header = request.headers.get("Authorization", "")
    if header:
        return _bearer_actor(header)
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            raise Forbidden("A signed-in page may only read through the API; send a bearer token to change things.")
        return actor_from_session()
    raise _unauthorized("A bearer access token is required.")


def _unauthorized(detail: str, error: str | None = None) -> Unauthorized:
    parameters: dict[str, str | None] = {"realm": "portal", **({"error": error} if error else {})}
    return Unauthorized(detail, www_authenticate=WWWAuthenticate("Bearer", parameters))


def _bearer_actor(header: str) -> Actor:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > MAX_TOKEN_LENGTH:
        raise _unauthorized("Send 'Authorization: Bearer <access token>'.", "invalid_request")
    try:
        found = provider.client()
        claims = verify_signature(token.strip(), provider.jwks_fetcher(found))
        check_access_token(claims, provider.issuer())
    except TokenRejected as rejected:
        current_app.logger.info("api token refused: %s", rejected.reason)
        raise _unauthorized("The access token was refused.", "invalid_token") from None
    except provider.ProviderUnavailable:
        raise _unauthorized("The identity provider cannot be reached.", "invalid_token") from None
    return _person_actor(claims)


def check_access_token(claims: Mapping[str, Any], issuer: str) -> None:
    settings = current_app.config["SETTINGS"]
    if claims.get("iss") != issuer:
        raise TokenRejected("wrong issuer")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if settings.api_audience not in audiences:
        raise TokenRejected("wrong audience")
    now = clock.now().timestamp()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, (int, float)) or exp + SKEW_SECONDS <= now:
        raise TokenRejected("expired")
    if isinstance(iat, (int, float)) and iat > now + SKEW_SECONDS:
        raise TokenRejected("iat in the future")
    scopes = str(claims.get("scope") or "").split()
    if settings.api_scope and settings.api_scope not in scopes:
        raise TokenRejected("scope missing")


def _person_actor(claims: Mapping[str, Any]) -> Actor:
    settings = current_app.config["SETTINGS"]
    try:
        number = parse(str(claims.get(settings.oidc_pnr_claim) or ""))
    except InvalidPersonnummer:
        raise _unauthorized("The access token names no person.", "invalid_token") from None
    person = db.session().scalar(select(Person).where(Person.personnummer == number.value))
    if person is None:
        return Actor(public_id=f"sub:{claims.get('sub')}", name=str(claims.get("name") or ""))
    if person.deceased:
        raise _unauthorized("The access token was refused.", "invalid_token")
    return Actor(public_id=person.public_id, name=person.display_name, person_id=person.id)
