"""Upgrading a database that holds records keeps every record."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from portal.db import make_engine
from portal.migrations import upgrade


def test_upgrading_from_the_first_schema_keeps_persons_and_their_journal(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    engine = make_engine(url)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO person (id, public_id, personnummer, is_coordination_number, given_name, family_name,"
            " birth_date, protected_identity, deceased) VALUES (1, 'p1', '198001019804', 0, 'Sven', 'Ek',"
            " :birth, 0, 0)"), {"birth": date(1980, 1, 1)})
        connection.execute(text(
            "INSERT INTO journal_entry (id, public_id, person_id, kind, title, text, effective_at, recorded_at,"
            " sealed, proxy_hidden, security_labels, details, source_system, source_key)"
            " VALUES (1, 'e1', 1, 'note', 'Besök', '', :at, :at, 0, 0, '[]', '{}', 'test', 'k1')"), {"at": at})
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM journal_entry")).scalar() == 1
        assert connection.execute(text("SELECT is_staff FROM person")).scalar() in (0, False)
    engine.dispose()
