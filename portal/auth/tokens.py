"""Checks of the provider's id tokens and logout tokens, done here in full rather than left to authlib.

authlib accepts 120 s of skew and an ``aud`` list naming others when ``azp`` matches; the rules below are the
portal's own (DESIGN.md section 6).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey
from joserfc.jws import extract_compact

from portal import clock

ALGORITHMS = {"RS256": RSAKey, "PS256": RSAKey, "ES256": ECKey}
SKEW_SECONDS = 60
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_MAX_AGE = 300
_LOA = "http://id.elegnamnden.se/loa/1.0/"
# Swedish assurance levels, lowest first; eIDAS "substantial" and "high" count as LoA3 and LoA4.
ACR_RANK = {
    _LOA + "loa1": 1, _LOA + "loa2": 2, _LOA + "loa3": 3, _LOA + "loa4": 4,
    _LOA + "eidas-sub": 3, _LOA + "eidas-nf-sub": 3, _LOA + "eidas-high": 4, _LOA + "eidas-nf-high": 4,
}


class TokenRejected(Exception):
    """A token failed a check. ``reason`` is a short code, safe to log (never the token or a claim value)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Expectations:
    issuer: str
    client_id: str
    min_acr: str = ""


KeyFetcher = Callable[[bool], Mapping[str, Any]]  # force_refresh -> JWKS document


def verify_signature(token: str, fetch_jwks: KeyFetcher) -> dict[str, Any]:
    """The claims of a compact JWS signed with a pinned algorithm by a key in the provider's JWKS."""
    try:
        header = extract_compact(token.encode()).protected
    except (JoseError, ValueError, TypeError):
        raise TokenRejected("malformed") from None
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise TokenRejected("algorithm not allowed")
    key = _find_key(header.get("kid"), alg, fetch_jwks)
    try:
        return dict(jwt.decode(token, key, algorithms=[alg]).claims)
    except (JoseError, ValueError):
        raise TokenRejected("bad signature") from None


def _find_key(kid: str | None, alg: str, fetch_jwks: KeyFetcher) -> RSAKey | ECKey:
    # An unknown kid may mean the provider rotated keys: refetch once, then give up.
    for force in (False, True):
        key = _pick(_key_set(fetch_jwks(force)), kid, alg)
        if key is not None:
            return key
    raise TokenRejected("unknown key")


_imported: dict[str, KeySet] = {}


def _key_set(document: Mapping[str, Any]) -> KeySet:
    """Importing keys costs more than checking a signature: keep the last few documents' key sets."""
    canonical = json.dumps(document, sort_keys=True)
    found = _imported.get(canonical)
    if found is None:
        if len(_imported) >= 8:
            _imported.clear()
        found = _imported[canonical] = KeySet.import_key_set(dict(document))  # type: ignore[arg-type]
    return found


def _pick(keys: KeySet, kid: str | None, alg: str) -> RSAKey | ECKey | None:
    kind = ALGORITHMS[alg]
    usable = [key for key in keys.keys if isinstance(key, kind) and key.get("use", "sig") == "sig"]
    if kid is None:
        return usable[0] if len(usable) == 1 else None  # type: ignore[return-value]
    return next((key for key in usable if key.kid == kid), None)  # type: ignore[return-value]


def check_id_token(claims: Mapping[str, Any], expect: Expectations, nonce: str) -> None:
    """Every id token rule apart from the signature; raises TokenRejected."""
    _check_issuer_and_audience(claims, expect)
    now = clock.now().timestamp()
    _check_times(claims, now)
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise TokenRejected("no sub")
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce.encode(), nonce.encode()):
        raise TokenRejected("nonce mismatch")
    if expect.min_acr and not acr_satisfies(claims.get("acr"), expect.min_acr):
        raise TokenRejected("acr too low")


def check_logout_token(claims: Mapping[str, Any], expect: Expectations) -> None:
    """OpenID Back-Channel Logout 1.0, section 2.6; raises TokenRejected."""
    _check_issuer_and_audience(claims, expect)
    now = clock.now().timestamp()
    iat = _number(claims, "iat")
    if iat is None or iat > now + SKEW_SECONDS or iat < now - LOGOUT_TOKEN_MAX_AGE:
        raise TokenRejected("iat out of range")
    exp = _number(claims, "exp")
    if "exp" in claims and (exp is None or exp + SKEW_SECONDS < now):
        raise TokenRejected("expired")
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(LOGOUT_EVENT), dict):
        raise TokenRejected("no logout event")
    if "nonce" in claims:
        raise TokenRejected("nonce present")
    if not (isinstance(claims.get("sid"), str) or isinstance(claims.get("sub"), str)):
        raise TokenRejected("no sid or sub")


def _check_issuer_and_audience(claims: Mapping[str, Any], expect: Expectations) -> None:
    if claims.get("iss") != expect.issuer:
        raise TokenRejected("wrong issuer")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud
    if not isinstance(audiences, list) or not all(isinstance(item, str) for item in audiences):
        raise TokenRejected("no audience")
    # Our client id must be there, and nobody else: a token also meant for another party is not ours alone.
    if set(audiences) != {expect.client_id}:
        raise TokenRejected("wrong audience")
    if "azp" in claims and claims["azp"] != expect.client_id:
        raise TokenRejected("azp mismatch")


def _check_times(claims: Mapping[str, Any], now: float) -> None:
    exp, iat, nbf = _number(claims, "exp"), _number(claims, "iat"), _number(claims, "nbf")
    if exp is None or exp + SKEW_SECONDS <= now:
        raise TokenRejected("expired")
    if iat is None or iat > now + SKEW_SECONDS:
        raise TokenRejected("iat in the future")
    if "nbf" in claims and (nbf is None or nbf > now + SKEW_SECONDS):
        raise TokenRejected("not yet valid")


def acr_satisfies(acr: object, minimum: str) -> bool:
    """Whether ``acr`` is at least ``minimum``; an acr outside the known scale must match exactly."""
    if not isinstance(acr, str):
        return False
    if minimum in ACR_RANK:
        return ACR_RANK.get(acr, 0) >= ACR_RANK[minimum]
    return acr == minimum


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
