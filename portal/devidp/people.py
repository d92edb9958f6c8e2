"""The demo personas as the dev provider's users, with the claims a Swedish provider would release."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from authlib.oauth2.rfc6749 import scope_to_list
from flask import current_app
from sqlalchemy import select

from portal import clock, db
from portal.config import PNR_SCOPE
from portal.demo.personas import PERSONAS, Persona
from portal.readmodel.models import Person

SUB_PREFIX = "devidp-"


@dataclass(frozen=True)
class DevUser:
    persona: Persona
    sid: str
    auth_time: int

    @property
    def sub(self) -> str:
        return SUB_PREFIX + self.persona.key

    def get_user_id(self) -> str:
        return self.sub

    def claims(self, scope: str) -> dict[str, object]:
        settings = current_app.config["SETTINGS"]
        persona = self.persona
        claims: dict[str, object] = {
            "sub": self.sub,
            "name": f"{persona.given_name} {persona.family_name}",
            "given_name": persona.given_name,
            "family_name": persona.family_name,
        }
        if PNR_SCOPE in scope_to_list(scope or ""):
            claims[settings.oidc_pnr_claim] = personnummer(persona)
        if persona.roles:
            claims[settings.support_role_claim] = [
                settings.support_role_value if role == "support" else role for role in persona.roles
            ]
        return claims


def login_personas() -> list[Persona]:
    return [persona for persona in PERSONAS if persona.login]


def persona_by_key(key: str) -> Persona | None:
    return next((persona for persona in login_personas() if persona.key == key), None)


def user_by_sub(sub: str, sid: str, auth_time: int) -> DevUser | None:
    persona = persona_by_key(sub.removeprefix(SUB_PREFIX)) if sub.startswith(SUB_PREFIX) else None
    return DevUser(persona, sid, auth_time) if persona else None


def personnummer(persona: Persona) -> str:
    """The number the demo data gave this persona; birth dates move with the day the demo was made.

    The demo's serial numbers (980-999) are unique per persona, so the read model row is found by serial and name.
    """
    pattern = f"________{persona.serial:03d}_"
    found = db.session().scalars(
        select(Person.personnummer).where(Person.personnummer.like(pattern),
                                          Person.given_name == persona.given_name,
                                          Person.family_name == persona.family_name)
    ).first()
    return found or persona.personnummer(_today())


def _today() -> date:
    return clock.now().date()
