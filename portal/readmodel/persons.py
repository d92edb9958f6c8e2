"""Finding a person by the number a person gives (sign-in claims, access tokens, the support console) or by id."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from portal.identity.personnummer import parse
from portal.readmodel.models import Person

# Built once: every API request and every page view looks its person up by one of these.
_BY_NUMBER = select(Person).where(Person.personnummer == bindparam("number", required=True))
_BY_PUBLIC_ID = select(Person).where(Person.public_id == bindparam("public_id", required=True))


def person_by_number(session: Session, text: str) -> Person | None:
    """The person with this personnummer or samordningsnummer, in any accepted form; raises InvalidPersonnummer."""
    return session.scalar(_BY_NUMBER, {"number": parse(text).value})


def person_by_public_id(session: Session, public_id: str) -> Person | None:
    return session.scalar(_BY_PUBLIC_ID, {"public_id": public_id})
