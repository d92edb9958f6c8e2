"""The audit chain: every kind of tampering is found, and named at the first row it touches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from portal.audit.chain import verify
from portal.audit.log import Action, record
from portal.audit.models import AuditEvent
from portal.policy.viewer import Actor


@pytest.fixture
def chain(make):
    actor = Actor(public_id="actor-1", name="Anna Lindqvist", person_id=None)
    for number in range(1, 6):
        record(make.session, Action.READ, actor, channel="web", subject_id="subject-1", resource=f"page-{number}")
    make.session.commit()
    if make.session.get_bind().dialect.name == "postgresql":
        # Tampering needs the append-only trigger out of the way, as a superuser attacker would do.
        make.session.execute(text("SET session_replication_role = replica"))
    return make.session


def check(session):
    return verify(iter(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()))


def test_untouched_chain_is_whole_with_gap_free_sequence(chain):
    assert check(chain) is None
    assert [row.seq for row in chain.scalars(select(AuditEvent).order_by(AuditEvent.seq))] == [1, 2, 3, 4, 5]


def test_altered_content_is_found(chain):
    chain.execute(text("UPDATE audit_event SET resource = 'nothing' WHERE seq = 3"))
    problem = check(chain)
    assert (problem.seq, "altered" in problem.problem) == (3, True)


def test_altered_time_is_found(chain):
    chain.execute(
        text("UPDATE audit_event SET occurred_at = :at WHERE seq = 2"), {"at": datetime(2020, 1, 1, tzinfo=UTC)}
    )
    assert check(chain).seq == 2


def test_deleted_row_is_found(chain):
    chain.execute(text("DELETE FROM audit_event WHERE seq = 3"))
    problem = check(chain)
    assert problem.seq == 3
    assert "missing" in problem.problem


def test_inserted_row_is_found(chain):
    # make room, like an attacker would (two steps so no key collides on the way)
    chain.execute(text("UPDATE audit_event SET seq = seq + 1000 WHERE seq >= 4"))
    chain.execute(text("UPDATE audit_event SET seq = seq - 999 WHERE seq >= 1000"))
    forged = chain.get(AuditEvent, 5)
    chain.add(AuditEvent(
        seq=4, occurred_at=forged.occurred_at, action="read", channel="web", resource="forged", outcome="ok",
        details={}, prev_hash=forged.prev_hash, row_hash="f" * 64,
    ))
    chain.flush()
    assert check(chain).seq == 4


def test_reordered_rows_are_found(chain):
    chain.execute(text("UPDATE audit_event SET seq = 100 WHERE seq = 2"))
    chain.execute(text("UPDATE audit_event SET seq = 2 WHERE seq = 3"))
    chain.execute(text("UPDATE audit_event SET seq = 3 WHERE seq = 100"))
    assert check(chain).seq == 2


def test_cli_names_the_first_broken_row(chain, app, monkeypatch):
    from click.testing import CliRunner

    from portal.cli import main

    chain.execute(text("UPDATE audit_event SET actor_name = 'Någon annan' WHERE seq = 4"))
    chain.commit()
    monkeypatch.setenv("PORTAL_ENV", "test")
    monkeypatch.setenv("PORTAL_DATABASE_URL", app.config["DATABASE_URL"])
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert "row 4" in result.output


def test_rows_cut_off_the_end_are_found_by_the_recorded_head(chain):
    from portal.audit.chain import recorded_head

    chain.execute(text("DELETE FROM audit_event WHERE seq >= 4"))
    rows = iter(chain.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all())
    problem = verify(rows, recorded_head(chain))
    assert problem.seq == 4
    assert "removed" in problem.problem


def test_postgresql_refuses_update_and_delete_of_audit_rows(chain):
    if chain.get_bind().dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    from sqlalchemy.exc import DatabaseError

    chain.execute(text("SET session_replication_role = DEFAULT"))
    for statement in ("UPDATE audit_event SET resource = 'x' WHERE seq = 1", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseError, match="append-only"):
            chain.execute(text(statement))
        chain.rollback()


def test_a_chain_begun_before_the_head_was_recorded_goes_on_without_a_gap(chain):
    chain.execute(text("DELETE FROM audit_head"))
    chain.commit()
    record(chain, Action.READ, None, channel="web", resource="later")
    chain.commit()
    assert check(chain) is None
    assert chain.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())) == 6


def test_content_that_looks_like_the_chain_itself_still_verifies(make):
    """Quotes, newlines, non-ASCII and a nested "seq" hash alike in Python and (on PostgreSQL) in the database."""
    actor = Actor(public_id="actor-2", name='Åsa "Ö" Ek\n\u2603', person_id=None)
    details = {"seq": 0, "ids": ['"seq":0,', "ä\\ü"], "note": ',"seq":0,'}
    for number in range(3):
        record(make.session, Action.READ, actor, channel="api", subject_id=',"seq":0,', resource=f"r{number}",
               details=details)
    make.session.commit()
    assert check(make.session) is None
    assert make.session.scalar(select(AuditEvent.details).order_by(AuditEvent.seq.desc()).limit(1)) == details


def test_concurrent_appends_keep_one_gap_free_chain(app, make):
    """Writers on their own connections queue for the chain's end; none forks it or skips a number."""
    from concurrent.futures import ThreadPoolExecutor

    from portal.audit.chain import recorded_head

    record(make.session, Action.READ, None, channel="web", resource="first")  # records the head
    make.session.commit()
    sessions = app.extensions["db_sessionmaker"]

    def write(number: int) -> None:
        with sessions() as own:
            for _ in range(5):
                record(own, Action.READ, None, channel="api", resource=f"writer-{number}")
                own.commit()

    if make.session.get_bind().dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time by construction")
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))
    rows = make.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [row.seq for row in rows] == list(range(1, 22))
    assert verify(iter(rows), recorded_head(make.session)) is None
