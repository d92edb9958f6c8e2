"""``portal audit verify``: walk the hash chain and name the first broken row."""

from __future__ import annotations

import click
from sqlalchemy import select

from portal import db
from portal.audit.chain import recorded_head, verify
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
        head = recorded_head(session)
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000))
        problem = verify(iter(rows), head)
    if problem:
        click.echo(f"audit chain broken at {problem}")
        raise SystemExit(1)
    click.echo("audit chain whole")
