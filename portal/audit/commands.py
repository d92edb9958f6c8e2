"""``portal audit verify``: walk the hash chain and name the first broken row."""

from __future__ import annotations

import click
from sqlalchemy import select

from portal import clock, db
from portal.audit import retention
from portal.audit.chain import recorded_anchor, recorded_head, verify
from portal.audit.models import AuditEvent


@click.group()
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
def verify_command() -> None:
    """Check every row of the audit chain; exit 1 at the first altered, missing, inserted or reordered row."""
    from portal.cli import load_app

    with load_app().app_context():
        session = db.session()
        head, anchor = recorded_head(session), recorded_anchor(session)
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000))
        problem = verify(iter(rows), head, anchor)
    if problem:
        click.echo(f"audit chain broken at {problem}")
        raise SystemExit(1)
    click.echo("audit chain whole")


@audit.command("prune")
def prune_command() -> None:
    """Remove rows older than PORTAL_AUDIT_RETENTION_YEARS; the chain stays verifiable from its anchor."""
    from portal.cli import load_app

    app = load_app()
    with app.app_context(), db.transaction() as session:
        pruned = retention.prune(session, app.config["SETTINGS"].audit_retention_years, clock.now())
    click.echo(f"removed={pruned.removed} through_seq={pruned.through_seq} cutoff={pruned.cutoff.isoformat()}")
