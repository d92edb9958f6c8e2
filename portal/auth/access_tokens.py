"""Bearer access tokens from the trusted provider (RFC 9068 JWTs), for the API and for ingestion.

Checked here in full: signature against the provider's JWKS with pinned algorithms, issuer, our API
audience, times with at most 60 s of skew, and the scope the door needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from flask import current_app, request

from portal import clock
from portal.auth import provider
from portal.auth.tokens import SKEW_SECONDS, TokenRejected, verify_signature

MAX_TOKEN_LENGTH = 8192
REMEMBERED_TOKENS = 10_000  # per process; tokens live minutes, so this is a few minutes of distinct callers


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
        claims = _signed_claims(token)
        check_claims(claims, provider.issuer(), scope)
    except provider.ProviderUnavailable:
        raise TokenRejected("provider unavailable") from None
    return claims


def _signed_claims(token: str) -> dict[str, Any]:
    """The claims of a token whose signature holds. An app and its clients send the same token for minutes, so a
    token checked once is remembered (by digest) and only its claims are checked again, times included, each use."""
    remembered: dict[bytes, dict[str, Any]] = current_app.extensions.setdefault("verified_tokens", {})
    digest = hashlib.sha256(token.encode()).digest()
    claims = remembered.get(digest)
    if claims is None:
        claims = verify_signature(token, provider.jwks_fetcher(provider.client()))
        if len(remembered) >= REMEMBERED_TOKENS:
            remembered.clear()
        remembered[digest] = claims
    return dict(claims)


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
