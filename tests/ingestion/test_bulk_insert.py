"""Bulk inserts (COPY on PostgreSQL) store exactly what an INSERT of the same dict stores, and fail the same way."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, StatementError

from portal import db
from portal.projection.bulk import insert_rows
from portal.readmodel.models import JournalEntry, Person, Relationship
from tests.ingestion.readmodel_dump import dump_read_model

STOCKHOLM_SUMMER = timezone(timedelta(hours=2))
AWKWARD_TEXT = "tab\\there\nnew line\r\\N back\\slash \\. 'quote\" ÅÄÖ 🙂"


def _person(session) -> int:  # type: ignore[no-untyped-def]
    values = {"personnummer": "198005179816", "public_id": "p", "birth_date": datetime(1980, 5, 17).date()}
    return int(session.execute(insert(Person).returning(Person.id), values).scalar_one())


def _entry(person_id: int, key: str) -> dict:
    return {
        "person_id": person_id, "kind": "note", "category": None, "title": AWKWARD_TEXT, "text": AWKWARD_TEXT,
        "code_system": None, "code": None, "value": 1.5e-7, "value_text": None, "value_unit": None,
        "reference_low": None, "reference_high": -3.0, "reference_text": "", "status": "final",
        "author_name": None, "author_role": None,
        "effective_at": datetime(2024, 7, 1, 10, 0, tzinfo=STOCKHOLM_SUMMER),
        "recorded_at": datetime(2024, 7, 1, tzinfo=UTC),
        "signed_at": None, "sealed": True, "proxy_hidden": False, "security_labels": ["R", "sealed"],
        "details": {"lot_number": AWKWARD_TEXT, "nested": [1, None, True]}, "unit_id": None,
        "source_system": "ehr", "source_key": key, "public_id": key[-20:],
    }


def test_bulk_rows_read_back_exactly_as_inserted_rows(app):
    session = db.session()
    person_id = _person(session)
    session.execute(insert(JournalEntry), [_entry(person_id, "ehr|Observation|one")])
    inserted = dump_read_model()["journal_entry"]
    session.execute(JournalEntry.__table__.delete())
    insert_rows(session, JournalEntry.__table__, [_entry(person_id, "ehr|Observation|one")])
    assert dump_read_model()["journal_entry"] == inserted
    [row] = session.execute(select(JournalEntry)).scalars()
    assert row.effective_at == datetime(2024, 7, 1, 8, 0, tzinfo=UTC) and row.text == AWKWARD_TEXT


@pytest.mark.parametrize(("valid_from", "valid_to", "scope"), [
    (None, None, None), (date(1, 1, 1), date(9999, 12, 31), ["journal", "ÅÄÖ \"quoted\"", 1.5, None]),
    (None, None, []),
], ids=["none", "dates-and-a-list", "an-empty-list"])
def test_dates_and_a_json_column_store_what_an_insert_stores(app, valid_from, valid_to, scope):
    session = db.session()
    person_id = _person(session)
    row = {"public_id": "r", "proxy_id": person_id, "subject_id": person_id, "kind": "guardian",
           "valid_from": valid_from, "valid_to": valid_to, "scope": scope, "blocked": False,
           "source_key": "ehr|RelatedPerson|one"}
    session.execute(insert(Relationship), [row])
    inserted = dump_read_model()["relationship"]
    session.execute(Relationship.__table__.delete())
    insert_rows(session, Relationship.__table__, [row])
    assert dump_read_model()["relationship"] == inserted


def test_a_duplicate_key_is_an_integrity_error_and_the_savepoint_keeps_earlier_rows(app):
    session = db.session()
    person_id = _person(session)
    insert_rows(session, JournalEntry.__table__, [_entry(person_id, "ehr|Observation|one")])
    with pytest.raises(IntegrityError), session.begin_nested():
        insert_rows(session, JournalEntry.__table__, [_entry(person_id, "ehr|Observation|two"),
                                                      _entry(person_id, "ehr|Observation|one")])
    keys = session.execute(select(JournalEntry.source_key)).scalars().all()
    assert keys == ["ehr|Observation|one"]


def test_a_naive_datetime_is_refused_as_by_an_insert(app):
    session = db.session()
    entry = _entry(_person(session), "ehr|Observation|one") | {"effective_at": datetime(2024, 7, 1, 10, 0)}
    with pytest.raises(StatementError), session.begin_nested():
        insert_rows(session, JournalEntry.__table__, [entry])
