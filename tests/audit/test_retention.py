"""Retention removes only rows past the retention period, and the chain that stays still verifies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from portal import clock
from portal.audit.chain import recorded_anchor, recorded_head, verify
from portal.audit.log import Action, record
from portal.audit.models import AuditEvent
from portal.audit.retention import prune

NOW = datetime(2032, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def aged_chain(make, monkeypatch):
    """Three rows from 2026, two from 2031."""
    for at in [datetime(2026, 5, 1, tzinfo=UTC)] * 3 + [datetime(2031, 5, 1, tzinfo=UTC)] * 2:
        monkeypatch.setattr(clock, "now", lambda at=at: at)
        record(make.session, Action.READ, None, channel="web", subject_id="s1", resource="journal")
    make.session.commit()
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return make.session


def check(session):
    rows = iter(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all())
    return verify(rows, recorded_head(session), recorded_anchor(session))


def test_rows_older_than_five_years_go_and_the_chain_stays_whole(aged_chain):
    pruned = prune(aged_chain, 5, NOW)
    aged_chain.commit()
    assert (pruned.removed, pruned.through_seq) == (3, 3)
    assert [row.seq for row in aged_chain.scalars(select(AuditEvent).order_by(AuditEvent.seq))] == [4, 5, 6]
    assert check(aged_chain) is None


def test_pruning_is_itself_audited(aged_chain):
    prune(aged_chain, 5, NOW)
    aged_chain.commit()
    last = aged_chain.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (last.action, last.details["removed_through_seq"]) == ("prune", 3)


def test_nothing_younger_than_the_period_is_removed(aged_chain):
    assert prune(aged_chain, 10, NOW).removed == 0
    assert check(aged_chain) is None


def test_tampering_after_pruning_is_still_found(aged_chain):
    prune(aged_chain, 5, NOW)
    aged_chain.commit()
    if aged_chain.get_bind().dialect.name == "postgresql":
        aged_chain.execute(text("SET session_replication_role = replica"))
    aged_chain.execute(text("DELETE FROM audit_event WHERE seq = 4"))
    assert check(aged_chain).seq == 4


def test_postgresql_lets_only_retention_delete_and_only_old_rows(aged_chain):
    if aged_chain.get_bind().dialect.name != "postgresql":
        pytest.skip("the guard is PostgreSQL's")
    cutoff = (NOW - timedelta(days=5 * 365)).isoformat()
    aged_chain.execute(text("SELECT set_config('portal.audit_prune_before', :c, true)"), {"c": cutoff})
    with pytest.raises(DatabaseError, match="append-only"):
        aged_chain.execute(text("DELETE FROM audit_event WHERE seq = 5"))  # from 2031: too young
    aged_chain.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        aged_chain.execute(text("DELETE FROM audit_event WHERE seq = 1"))  # old, but no cutoff named
    aged_chain.rollback()


def test_cli_prunes_by_the_retention_setting(aged_chain, app, monkeypatch):
    from click.testing import CliRunner

    from portal.cli import main

    monkeypatch.setenv("PORTAL_ENV", "test")
    monkeypatch.setenv("PORTAL_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("PORTAL_AUDIT_RETENTION_YEARS", "5")
    aged_chain.close()
    result = CliRunner().invoke(main, ["audit", "prune"])
    assert result.exit_code == 0, result.output
    assert "removed=3 through_seq=3" in result.output
    assert CliRunner().invoke(main, ["audit", "verify"]).output.strip() == "audit chain whole"
