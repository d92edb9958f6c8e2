"""The bench's replication (bench/replicate.py): N copies of a loaded population, each with fresh identities and
the same records, on the test database (SQLite, or PostgreSQL where the large tables are emptied and rewritten)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from bench.replicate import replicate
from portal import db
from portal.demo.commands import run
from portal.identity.personnummer import is_valid
from portal.readmodel.models import (
    Appointment,
    CarePlan,
    CarePlanActivity,
    JournalEntry,
    Person,
    Relationship,
)

TODAY = date(2025, 3, 15)
COPIES = 3


def _all(*columns):  # type: ignore[no-untyped-def]
    return db.session().execute(select(*columns)).all()


def _values(column) -> list:  # type: ignore[no-untyped-def]
    return list(db.session().scalars(select(column)))


def _release(session) -> None:  # type: ignore[no-untyped-def]
    """The bench replicates a database nobody else holds (SQLite changes its journal mode for the copy)."""
    session.close()
    db.engine().dispose()


def test_copies_get_fresh_identities_and_keep_every_record(app, database_url):
    run(12, 1, TODAY, None)
    session = db.session()
    base = {model: session.scalar(select(func.count()).select_from(model))
            for model in (Person, JournalEntry, Appointment, CarePlan, CarePlanActivity, Relationship)}
    base_titles = Counter(_values(JournalEntry.title))
    _release(session)

    replicate(database_url, COPIES)

    for model, count in base.items():
        assert session.scalar(select(func.count()).select_from(model)) == COPIES * count, model.__name__
    numbers = _values(Person.personnummer)
    assert len(set(numbers)) == len(numbers) and all(map(is_valid, numbers))
    for column in (Person.public_id, JournalEntry.public_id, JournalEntry.source_key, Appointment.source_key):
        values = _values(column)
        assert len(set(values)) == len(values), column
    assert Counter(_values(JournalEntry.title)) == Counter(
        {title: COPIES * n for title, n in base_titles.items()})


def test_each_copy_refers_only_to_its_own_persons_and_plans(app, database_url):
    run(12, 1, TODAY, None)
    session = db.session()
    top = session.scalar(select(func.max(Person.id)))
    plans = session.scalar(select(func.max(CarePlan.id)))
    _release(session)

    replicate(database_url, COPIES)

    def copy_of(person_id: int) -> int:
        return (person_id - 1) // top

    for proxy, subject in _all(Relationship.proxy_id, Relationship.subject_id):
        assert copy_of(proxy) == copy_of(subject)
    persons = set(_values(Person.id))
    assert set(_values(JournalEntry.person_id)) <= persons and set(_values(Appointment.person_id)) <= persons
    owners = dict(_all(CarePlan.id, CarePlan.person_id))
    for plan_id in _values(CarePlanActivity.care_plan_id):
        assert (plan_id - 1) // plans == copy_of(owners[plan_id])
