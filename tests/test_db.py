"""Reads whose statements commit alone (PostgreSQL), and writes that always get a transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select, text

from portal import db
from portal.readmodel.models import CancelRequest, JournalEntry
from tests.factories import NOW


def _request(person) -> CancelRequest:  # type: ignore[no-untyped-def]
    return CancelRequest(appointment_key="a", subject_public_id=person.public_id,
                         requested_by_public_id=person.public_id, created_at=NOW)


@pytest.fixture
def reading_alone(app, make):
    person = make.person("Anna", "Lindqvist", age=45)
    make.session.commit()
    session = db.session()
    db.read_alone(session)
    assert db.reads_alone(session)
    return session, person


def test_a_read_without_transaction_refuses_to_write_rows(reading_alone):
    session, person = reading_alone
    session.add(_request(person))
    with pytest.raises(RuntimeError, match="db.transaction"):
        session.flush()
    session.rollback()
    assert session.scalars(select(CancelRequest)).all() == []


@pytest.mark.parametrize("write", ["core", "text"])
def test_a_read_without_transaction_refuses_a_core_or_textual_write(reading_alone, write):
    session, person = reading_alone
    values = {"appointment_key": "a", "subject_public_id": person.public_id,
              "requested_by_public_id": person.public_id, "created_at": NOW}
    statement = insert(CancelRequest).values(**values) if write == "core" else text(
        "INSERT INTO cancel_request (appointment_key, subject_public_id, requested_by_public_id, created_at) "
        "VALUES (:appointment_key, :subject_public_id, :requested_by_public_id, :created_at)")
    with pytest.raises(RuntimeError, match="db.transaction"):
        session.execute(statement, values if write == "text" else None)
    session.rollback()
    assert session.scalars(select(CancelRequest)).all() == []


def test_a_write_after_reads_alone_gets_a_transaction_that_rolls_back_whole(reading_alone):
    session, person = reading_alone
    session.scalars(select(CancelRequest)).all()  # a read of the request, committed alone
    with pytest.raises(ZeroDivisionError), db.transaction() as tx:
        tx.add(_request(person))
        tx.flush()
        _ = 1 / 0
    assert not db.reads_alone(tx)
    assert tx.scalars(select(CancelRequest)).all() == []
    with db.transaction() as tx:
        tx.add(_request(person))
    assert len(tx.scalars(select(CancelRequest)).all()) == 1


def test_postgresql_connections_plan_once_per_statement(app):
    """The portal's reads are index scans by person; re-planning them on every execution cost more than running them."""
    session = db.session()
    if not db.on_postgresql(session):
        pytest.skip("SQLite has no plan cache mode")
    assert session.execute(text("SHOW plan_cache_mode")).scalar() == "force_generic_plan"


@pytest.mark.parametrize("zone", ["UTC", "Europe/Stockholm"])
def test_instants_read_back_in_utc_whatever_zone_the_connection_is_in(app, make, zone):
    """The portal's connections speak UTC; one a pooler left in another zone still reads the same instants."""
    stockholm = ZoneInfo("Europe/Stockholm")
    at = datetime(2024, 7, 1, 10, 30, tzinfo=stockholm)
    person = make.person("Anna", "Lindqvist", age=45)
    make.entry(person, at=at)
    make.session.commit()
    session = db.session()
    if db.on_postgresql(session):
        session.execute(text(f"SET TIME ZONE '{zone}'"))
    read = session.execute(select(JournalEntry.effective_at)).scalar_one()
    assert read == at and read.tzinfo is UTC
    assert read.isoformat() == "2024-07-01T08:30:00+00:00"
