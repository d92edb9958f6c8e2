"""Who may read whose record, and which parts: the access rules of DESIGN.md section 2.

Every request is decided again from the database, so a blocked guardian, an ended
relationship or a birthday takes effect on the very next request, in any open session.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.config import Settings
from portal.identity.age import age_at, swedish_today
from portal.policy.viewer import Actor, Area, Mode, Subject, Viewer
from portal.readmodel.models import (
    AccessException,
    ConsentDirective,
    Person,
    Relationship,
    RelationshipKind,
)
from portal.support.models import SupportSession


class NotFound(LookupError):
    """Nothing to show: answered exactly as for a person or item that does not exist."""


class Forbidden(PermissionError):
    """The viewer is who they say, but this part is not open to them (e.g. a journal before 16)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Grant:
    """What one relationship allows now."""

    mode: str
    areas: frozenset[str]
    relationship_key: str
    unit_hsa_ids: frozenset[str] | None = None


def subject_of(person: Person) -> Subject:
    return Subject(
        id=person.id, public_id=person.public_id, name=person.display_name, birth_date=person.birth_date,
        protected_identity=person.protected_identity, deceased=person.deceased,
    )


def self_areas(birth_date: date, now: datetime, settings: Settings) -> frozenset[str]:
    age = age_at(birth_date, now)
    areas: set[str] = set()
    if age >= settings.self_appointments_age:
        areas.update((Area.APPOINTMENTS, Area.CARE_PLANS, Area.ACCESS_LOG))
    if age >= settings.self_journal_age:
        areas.add(Area.JOURNAL)
    return frozenset(areas)


def grant_for(
    session: Session, relationship: Relationship, proxy: Person, settings: Settings, now: datetime,
    blocked_by: frozenset[int],
) -> Grant | None:
    """What ``relationship`` lets ``proxy`` see of its subject now, or None.

    ``blocked_by``: the subjects whose consent directives block ``proxy`` as guardian (``_blocking_subjects``).
    """
    child = relationship.subject
    today = swedish_today(now)
    if relationship.blocked or child.deceased or child.protected_identity or proxy.protected_identity:
        return None
    if not _in_period(relationship, today):
        return None
    if relationship.kind == RelationshipKind.GUARDIAN:
        return None if relationship.subject_id in blocked_by else _guardian_grant(session, relationship, settings, now)
    if relationship.kind in RelationshipKind.REPRESENTATIVES and settings.representatives_enabled:
        areas = frozenset(relationship.scope or Area.RECORD) & frozenset(Area.RECORD)
        return Grant(Mode.REPRESENTATIVE, areas, relationship.source_key) if areas else None
    return None


def _in_period(relationship: Relationship, today: date) -> bool:
    started = relationship.valid_from is None or relationship.valid_from <= today
    ongoing = relationship.valid_to is None or today <= relationship.valid_to
    return started and ongoing


def _guardian_grant(session: Session, rel: Relationship, settings: Settings, now: datetime) -> Grant | None:
    if age_at(rel.subject.birth_date, now) < settings.guardian_until_age:
        return Grant(Mode.GUARDIAN, frozenset(Area.RECORD), rel.source_key)
    units = _exception_units(session, rel, swedish_today(now))
    if units is None:
        return None
    return Grant(Mode.GUARDIAN, frozenset(Area.RECORD), rel.source_key, units or None)


def _blocking_subjects(session: Session, proxy: Person) -> frozenset[int]:
    """The persons whose consent directives block ``proxy`` as their guardian."""
    return frozenset(session.scalars(
        select(ConsentDirective.person_id).where(
            ConsentDirective.kind == "guardian_block", ConsentDirective.blocked_person_id == proxy.id,
        )
    ))


def _exception_units(session: Session, rel: Relationship, today: date) -> frozenset[str] | None:
    """Units a region's exception keeps open past the age limit; empty means every unit, None means none."""
    rows = session.execute(
        select(AccessException.unit_hsa_id).where(
            AccessException.relationship_key == rel.source_key, AccessException.valid_to >= today
        )
    ).scalars().all()
    if not rows:
        return None
    if any(unit is None for unit in rows):
        return frozenset()
    return frozenset(unit for unit in rows if unit)


def proxy_grants(session: Session, proxy: Person, settings: Settings, now: datetime) -> list[tuple[Person, Grant]]:
    """Everyone ``proxy`` may act for now, with what each allows."""
    if proxy.protected_identity or proxy.deceased:
        return []
    relationships = session.scalars(
        select(Relationship).where(Relationship.proxy_id == proxy.id).options(joinedload(Relationship.subject))
    ).all()
    blocked_by = _blocking_subjects(session, proxy) if relationships else frozenset()
    found: dict[int, tuple[Person, Grant]] = {}
    for relationship in relationships:
        grant = grant_for(session, relationship, proxy, settings, now, blocked_by)
        if grant and grant.areas:
            found[relationship.subject_id] = _wider(found.get(relationship.subject_id), relationship.subject, grant)
    return sorted(found.values(), key=lambda pair: (pair[0].birth_date, pair[0].public_id))


Reachable = tuple[Person, str, frozenset[str]]  # a person, the mode one looks at them in, and the areas open


def subjects_for(session: Session, me: Person, settings: Settings, now: datetime) -> list[Reachable]:
    """Whom ``me`` may look at now, themself first, each with the mode and the areas open: the switcher and ``/me``."""
    if me.deceased:
        return []
    mine = (me, Mode.SELF, self_areas(me.birth_date, now, settings))
    return [mine, *((person, grant.mode, grant.areas) for person, grant in proxy_grants(session, me, settings, now))]


def _wider(current: tuple[Person, Grant] | None, subject: Person, grant: Grant) -> tuple[Person, Grant]:
    if current is None or len(grant.areas) > len(current[1].areas):
        return subject, grant
    return current


def viewer_for(
    session: Session,
    actor: Actor,
    subject_public_id: str,
    settings: Settings,
    now: datetime,
    channel: str = "web",
    hide_recent: bool = False,
) -> Viewer:
    """The Viewer for ``actor`` reading ``subject_public_id``; raises NotFound when there is no right to look."""
    if actor.person_id is None:
        raise NotFound()
    me = session.get(Person, actor.person_id)
    if me is None or me.deceased:
        raise NotFound()
    if me.public_id == subject_public_id:
        areas = self_areas(me.birth_date, now, settings)
        return Viewer(actor, subject_of(me), Mode.SELF, areas, now, channel, hide_recent=hide_recent)
    for person, grant in proxy_grants(session, me, settings, now):
        if person.public_id == subject_public_id:
            return Viewer(
                actor, subject_of(person), grant.mode, grant.areas, now, channel,
                unit_hsa_ids=grant.unit_hsa_ids, relationship_key=grant.relationship_key,
                read_only=grant.unit_hsa_ids is not None,
            )
    raise NotFound()


def require(viewer: Viewer, area: str) -> Viewer:
    """Let the read go on only when ``area`` is open to the viewer."""
    if viewer.may(area):
        return viewer
    if viewer.mode == Mode.SELF:
        raise Forbidden(f"age:{area}")
    raise NotFound()


def for_channel(viewer: Viewer, channel: str) -> Viewer:
    return replace(viewer, channel=channel)


def viewer_for_support(
    session: Session, actor: Actor, support: SupportSession, agent_sub: str, settings: Settings, now: datetime,
) -> Viewer:
    """The citizen's view for a support agent, re-checked on every request: role, grant, expiry, subject.

    Raises NotFound when any of it no longer holds; the caller ends the support context.
    """
    if "support" not in actor.roles or support.agent_sub != agent_sub:
        raise NotFound()
    if support.ended_at is not None or now >= support.expires_at:
        raise NotFound()
    person = session.get(Person, support.person_id)
    if person is None or not may_be_supported(person, actor):
        raise NotFound()
    areas = self_areas(person.birth_date, now, settings) - {Area.ACCESS_LOG}
    return Viewer(
        actor, subject_of(person), Mode.SUPPORT, frozenset(areas), now, "web",
        support_session_id=support.id, read_only=True,
    )


def may_act_as(person: Person) -> bool:
    """Whether ``person`` may sign in or call the API as themself: never once the read model knows of their death."""
    return not person.deceased


def may_be_supported(person: Person, agent: Actor) -> bool:
    """Support staff, other staff, protected identities and the deceased are never a support subject."""
    is_self = agent.person_id is not None and agent.person_id == person.id
    return not (person.is_staff or person.protected_identity or person.deceased or is_self)
