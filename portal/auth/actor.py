"""The policy's Actor for the signed-in web user (pages, the API called with the page's session, sign-in audit)."""

from __future__ import annotations

from typing import Any

from portal import db
from portal.auth.users import current_user
from portal.policy.viewer import Actor
from portal.readmodel.persons import person_by_public_id


def actor_for(user: Any) -> Actor:
    """The user as the policy sees them; staff and people with no records yet have no person row."""
    public_id = user.person_id
    person = person_by_public_id(db.session(), public_id) if public_id else None
    roles = frozenset(user.roles)
    if person is None:
        return Actor(public_id=user.get_id(), name=user.name, roles=roles)
    db.hold(db.session(), person)
    return Actor(public_id=person.public_id, name=person.display_name, person_id=person.id, roles=roles)


def actor_from_session() -> Actor:
    return actor_for(current_user)
