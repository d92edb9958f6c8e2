"""The policy's Actor for the signed-in web user (pages, and the API called with the page's session)."""

from __future__ import annotations

from sqlalchemy import select

from portal import db
from portal.auth.users import current_user
from portal.policy.viewer import Actor
from portal.readmodel.models import Person


def actor_from_session() -> Actor:
    """The user as the policy sees them; staff and people with no records yet have no person row."""
    public_id = current_user.person_id
    person = db.session().scalar(select(Person).where(Person.public_id == public_id)) if public_id else None
    roles = frozenset(current_user.roles)
    if person is None:
        return Actor(public_id=current_user.id, name=current_user.name, roles=roles)
    return Actor(public_id=person.public_id, name=person.display_name, person_id=person.id, roles=roles)
