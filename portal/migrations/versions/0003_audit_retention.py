"""Audit retention: the chain's anchor, and a guard that lets only retention remove rows, and only old ones.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
# DELETE passes only inside a transaction that set portal.audit_prune_before (``portal audit prune`` does), and
# only for rows older than that instant; UPDATE and TRUNCATE never pass.
GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
DECLARE
    cutoff text := current_setting('portal.audit_prune_before', true);
BEGIN
    IF TG_OP = 'DELETE' AND cutoff IS NOT NULL AND cutoff <> '' AND OLD.occurred_at < cutoff::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""
OLD_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("audit_head") as batch_op:
        batch_op.add_column(sa.Column("anchor_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                                      nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("anchor_hash", sa.String(length=64), nullable=False,
                                      server_default=GENESIS))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(OLD_GUARD_FUNCTION)
    with op.batch_alter_table("audit_head") as batch_op:
        batch_op.drop_column("anchor_hash")
        batch_op.drop_column("anchor_seq")
