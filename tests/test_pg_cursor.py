"""The PostgreSQL cursor that describes columns only when asked answers as psycopg's own does."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select, text

from portal import db
from portal.pg_cursor import DescribeLaterCursor
from portal.readmodel.models import Person


@pytest.fixture
def cursors(app):
    engine = db.engine()
    if engine.dialect.name != "postgresql":
        pytest.skip("a psycopg cursor")
    raw = engine.raw_connection()
    plain = psycopg.Cursor(raw.driver_connection)
    yield raw.cursor(), plain
    plain.close()
    raw.close()


@pytest.mark.parametrize("statement", [
    "SELECT 1 AS one, 'två'::text AS \"två\", now() AS at, NULL::numeric(5, 2) AS amount",
    "SELECT ",
    "SELECT 1 WHERE false",
])
def test_a_description_lists_the_same_columns_as_psycopgs(cursors, statement):
    ours, theirs = cursors
    ours.execute(statement)
    theirs.execute(statement)
    assert ours.description is not None and theirs.description is not None
    assert [tuple(column) for column in ours.description] == [tuple(column) for column in theirs.description]
    assert len(ours.description) == len(theirs.description)
    assert [ours.description[index].name for index in range(len(theirs.description))] == [
        column.name for column in theirs.description]


def test_a_statement_without_rows_has_no_description(cursors):
    ours, _ = cursors
    ours.execute("SET LOCAL statement_timeout = 0")
    assert ours.description is None


def test_a_description_read_after_the_next_statement_is_refused_not_wrong(cursors):
    ours, _ = cursors
    ours.execute("SELECT 1 AS first")
    described = ours.description
    ours.execute("SELECT 2 AS second, 3 AS third")
    with pytest.raises(RuntimeError, match="moved on"):
        described[0]
    assert [column.name for column in ours.description] == ["second", "third"]


def test_the_portal_reads_rows_by_name_through_it(cursors, make):
    person = make.person("Anna", "Lindqvist", age=45)
    make.session.commit()
    session = db.session()
    row = session.execute(select(Person.public_id, Person.given_name).where(Person.id == person.id)).one()
    assert row._mapping["given_name"] == "Anna" and row.public_id == person.public_id
    assert session.execute(text("SELECT 7 AS seven")).mappings().one() == {"seven": 7}
    assert isinstance(session.connection().connection.dbapi_connection.cursor(), DescribeLaterCursor)
