"""From checked claims to the session record: who the person is, by personnummer, never by ``sub``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app

from portal import db
from portal.identity.personnummer import InvalidPersonnummer
from portal.policy.access import may_act_as
from portal.readmodel.models import Person
from portal.readmodel.persons import person_by_number


class SignInRefused(Exception):
    """The identity is genuine but may not sign in; ``reason`` names a message, never the person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


UserinfoLoader = Callable[[], Mapping[str, Any]]


def claims_with_userinfo(claims: Mapping[str, Any], load_userinfo: UserinfoLoader) -> dict[str, Any]:
    """The id token's claims, completed from userinfo when the provider keeps the personnummer there."""
    settings = current_app.config["SETTINGS"]
    merged = dict(claims)
    if settings.oidc_pnr_claim in merged:
        return merged
    userinfo = load_userinfo()
    # OpenID Connect Core 5.3.2: userinfo for another subject must not be used.
    if userinfo.get("sub") != claims.get("sub"):
        raise SignInRefused("failed")
    for name, value in userinfo.items():
        merged.setdefault(name, value)
    return merged


def session_record(claims: Mapping[str, Any], id_token: str) -> dict[str, Any]:
    """What the session keeps about the signed-in user; raises SignInRefused."""
    settings = current_app.config["SETTINGS"]
    person = _person(claims.get(settings.oidc_pnr_claim))
    if person is not None and not may_act_as(person):
        raise SignInRefused("not_allowed")
    return {
        "sub": claims["sub"],
        "person_id": person.public_id if person else None,
        "name": (person.display_name if person else "") or _name_from(claims),
        "roles": _roles(claims.get(settings.support_role_claim), settings.support_role_value),
        "id_token": id_token,
        "sid": claims.get("sid") if isinstance(claims.get("sid"), str) else None,
        "auth_time": claims.get("auth_time"),
    }


def _person(raw: object) -> Person | None:
    if raw is None or raw == "":
        raise SignInRefused("no_personnummer")
    if not isinstance(raw, str):
        raise SignInRefused("invalid_personnummer")
    try:
        return person_by_number(db.session(), raw)
    except InvalidPersonnummer:
        raise SignInRefused("invalid_personnummer") from None


def _name_from(claims: Mapping[str, Any]) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name:
        return name
    parts = [claims.get("given_name"), claims.get("family_name")]
    return " ".join(part for part in parts if isinstance(part, str) and part)


def _roles(value: object, support_value: str) -> list[str]:
    granted = value.split() if isinstance(value, str) else value if isinstance(value, list) else []
    return ["support"] if support_value in granted else []
