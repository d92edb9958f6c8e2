"""Bearer access tokens from the trusted provider (RFC 9068 JWTs), for the API and for ingestion.

Checked here in full: signature against the provider's JWKS with pinned algorithms, issuer, our API
audience, times with at most 60 s of skew, and the scope the door needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, request

from portal import clock
from portal.auth import provider
from portal.auth.tokens import SKEW_SECONDS, TokenRejected, verify_signature

MAX_TOKEN_LENGTH = 8192


class NoBearer(Exception):
    """The request carries no usable ``Authorization: Bearer`` header."""


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        raise NoBearer()
    return token


def verify_access_token(token: str, scope: str) -> dict[str, Any]:
    """The claims of a valid access token carrying ``scope``; raises TokenRejected."""
    try:
        found = provider.client()
        claims = verify_signature(token, provider.jwks_fetcher(found))
        check_claims(claims, provider.issuer(), scope)
    except provider.ProviderUnavailable:
        raise TokenRejected("provider unavailable") from None
    return claims


def check_claims(claims: Mapping[str, Any], issuer: str, scope: str) -> None:
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
    if scope and scope not in str(claims.get("scope") or "").split():
        raise TokenRejected("scope missing")
