"""Finding a person by the number a person gives (sign-in claims, access tokens, the support console)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.identity.personnummer import parse
from portal.readmodel.models import Person


def person_by_number(session: Session, text: str) -> Person | None:
    """The person with this personnummer or samordningsnummer, in any accepted form; raises InvalidPersonnummer."""
    number = parse(text)
    return session.scalar(select(Person).where(Person.personnummer == number.value))
