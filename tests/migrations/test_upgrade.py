"""Upgrading a database that holds records keeps every record."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from portal.db import Base, make_engine
from portal.migrations import alembic_config, upgrade
from portal.readmodel.models import JournalEntry
from portal.readmodel.provenance import provenance_of

SVEN = {"id": 1, "public_id": "p1", "personnummer": "198001019804", "is_coordination_number": False,
        "given_name": "Sven", "family_name": "Ek", "birth_date": date(1980, 1, 1), "protected_identity": False,
        "deceased": False}
AT = datetime(2026, 1, 1, tzinfo=UTC)
VISIT = {"id": 1, "public_id": "e1", "person_id": 1, "kind": "note", "title": "Besök", "text": "", "sealed": False,
         "proxy_hidden": False, "security_labels": "[]", "details": "{}", "source_system": "test", "source_key": "k1"}


def _insert(connection, table: str, values: dict) -> None:  # type: ignore[no-untyped-def]
    """A row as an older schema took it: plain SQL, since the models describe only the newest."""
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)  # noqa: S608 - test data


def _database_at(tmp_path, revision: str, *rows: tuple[str, dict]) -> str:  # type: ignore[no-untyped-def]
    """A SQLite database at ``revision`` holding ``rows`` (table, values); its URL."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, revision)
    engine = make_engine(url)
    with engine.begin() as connection:
        for table, values in rows:
            _insert(connection, table, values)
    engine.dispose()
    return url


def test_upgrading_from_the_first_schema_keeps_persons_and_their_journal(tmp_path):
    url = _database_at(tmp_path, "0001", ("person", SVEN), ("journal_entry", {**VISIT, "effective_at": AT,
                                                                               "recorded_at": AT}))
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM journal_entry")).scalar() == 1
        assert connection.execute(text("SELECT is_staff FROM person")).scalar() in (0, False)
    engine.dispose()


def test_the_provider_is_read_through_the_unit_after_0004_and_written_back_on_downgrade(tmp_path):
    url = _database_at(
        tmp_path, "0003", ("person", {**SVEN, "is_staff": False}),
        ("organisation", {"id": 1, "hsa_id": "SE1", "name": "Region Sörmland", "origin": "region", "kind": "other",
                          "parent_id": None}),
        ("organisation", {"id": 2, "hsa_id": "SE1-1", "name": "Vårdcentralen Norr", "origin": "region",
                          "kind": "primary_care", "parent_id": 1}),
        ("journal_entry", {**VISIT, "effective_at": AT, "recorded_at": AT, "unit_id": 2, "provider_id": 1}),
    )

    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        entry = session.scalars(select(JournalEntry)).one()
        assert provenance_of(entry.unit, entry.source_system).provider == "Region Sörmland"
    assert "provider_id" not in {column["name"] for column in inspect(engine).get_columns("journal_entry")}
    assert "ix_journal_entry_unit_id" in {index["name"] for index in inspect(engine).get_indexes("journal_entry")}
    engine.dispose()

    command.downgrade(alembic_config(url), "0003")
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT provider_id FROM journal_entry")).scalar() == 1
    engine.dispose()


def test_the_migrated_schema_is_the_models_schema(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
