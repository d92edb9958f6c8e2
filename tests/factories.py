"""Read-model rows for tests that need a record but not the ingestion path (that has its own tests)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from portal.identity.personnummer import make
from portal.readmodel.models import (
    AccessException,
    Appointment,
    CarePlan,
    CarePlanActivity,
    CarePlanGoal,
    ConsentDirective,
    JournalEntry,
    Organisation,
    Person,
    Relationship,
)

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
_serial = itertools.count(100)
# Personnummer serials have three digits (and 980-999 belong to the demo personas): wrap, tables are emptied
# between tests.
_person_serial = itertools.count(0)


def birthday_for_age(years: int, days: int = 0, today: date = TODAY) -> date:
    """The birth date of someone who is ``years`` years and ``days`` days old on ``today``."""
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - timedelta(days=days)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def person(self, given: str = "Test", family: str = "Testsson", age: int = 40, days: int = 0,
               **fields) -> Person:
        birth = fields.pop("birth_date", None) or birthday_for_age(age, days)
        serial = 100 + next(_person_serial) % 880
        person = Person(personnummer=make(birth, serial), given_name=given, family_name=family,
                        birth_date=birth, **fields)
        return self._add(person)

    def unit(self, name: str = "Vårdcentralen Centrum", kind: str = "primary_care", origin: str = "region",
             hsa_id: str | None = None, parent: Organisation | None = None) -> Organisation:
        hsa = hsa_id or f"SE2321000032-{next(_serial):04d}"
        return self._add(Organisation(hsa_id=hsa, name=name, kind=kind, origin=origin,
                                      parent_id=parent.id if parent else None))

    def relationship(self, proxy: Person, subject: Person, kind: str = "guardian", **fields) -> Relationship:
        key = f"test|RelatedPerson|{next(_serial)}"
        return self._add(Relationship(proxy_id=proxy.id, subject_id=subject.id, kind=kind, source_key=key,
                                      scope=fields.pop("scope", []), **fields))

    def exception(self, relationship: Relationship, valid_to: date, unit: Organisation | None = None):
        return self._add(AccessException(relationship_key=relationship.source_key, valid_to=valid_to,
                                         unit_hsa_id=unit.hsa_id if unit else None, reason="test"))

    def consent(self, person: Person, kind: str, unit: Organisation | None = None,
                blocked: Person | None = None) -> ConsentDirective:
        return self._add(ConsentDirective(person_id=person.id, kind=kind, unit_id=unit.id if unit else None,
                                          blocked_person_id=blocked.id if blocked else None,
                                          source_key=f"test|Consent|{next(_serial)}"))

    def entry(self, person: Person, title: str = "Besök", kind: str = "note", unit: Organisation | None = None,
              at: datetime = NOW - timedelta(days=30), **fields) -> JournalEntry:
        recorded = fields.pop("recorded_at", at)
        return self._add(JournalEntry(
            person_id=person.id, kind=kind, title=title, effective_at=at, recorded_at=recorded,
            unit_id=unit.id if unit else None,
            source_system="test", source_key=f"test|Entry|{next(_serial)}", **fields,
        ))

    def appointment(self, person: Person, title: str = "Återbesök", unit: Organisation | None = None,
                    start: datetime = NOW + timedelta(days=7), **fields) -> Appointment:
        return self._add(Appointment(
            person_id=person.id, title=title, status=fields.pop("status", "booked"), start=start,
            end=start + timedelta(minutes=30), unit_id=unit.id if unit else None,
            source_system="test", source_key=f"test|Appointment|{next(_serial)}", **fields,
        ))

    def care_plan(self, person: Person, title: str = "Samordnad individuell plan", unit: Organisation | None = None,
                  **fields) -> CarePlan:
        plan = CarePlan(
            person_id=person.id, title=title, status=fields.pop("status", "active"),
            recorded_at=NOW - timedelta(days=60), unit_id=unit.id if unit else None, source_system="test",
            source_key=f"test|CarePlan|{next(_serial)}", **fields,
        )
        plan.goals = [CarePlanGoal(position=0, description="Kunna gå ut på promenad själv", status="active")]
        plan.activities = [CarePlanActivity(position=0, description="Hemtjänst morgon och kväll",
                                            responsible_name="Hemtjänsten Norr")]
        return self._add(plan)

    def _add(self, row):  # type: ignore[no-untyped-def]
        self.session.add(row)
        self.session.flush()
        return row
