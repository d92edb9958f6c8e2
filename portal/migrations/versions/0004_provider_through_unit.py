"""The care provider read through the unit instead of copied onto every clinical row; those rows indexed by unit.

A unit that moved to another provider rewrote every row it had, and merging or removing an organisation scanned
the three largest tables, which had no index on ``unit_id``: at 1.7 million residents some 200 million journal
rows for one Organization. The provider is the unit's parent, joined when read.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("journal_entry", "appointment", "care_plan")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("provider_id")
    for table in TABLES:
        _create_index(table)


def _create_index(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Without blocking ingestion while a table of hundreds of millions of rows is read.
        with op.get_context().autocommit_block():
            op.create_index(f"ix_{table}_unit_id", table, ["unit_id"], postgresql_concurrently=True,
                            if_not_exists=True)
    else:
        op.create_index(f"ix_{table}_unit_id", table, ["unit_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_unit_id", table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("provider_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(f"{table}_provider_id_fkey", "organisation", ["provider_id"], ["id"])
        rows = sa.table(table, sa.column("unit_id"), sa.column("provider_id"))
        units = sa.table("organisation", sa.column("id"), sa.column("parent_id"))
        op.execute(rows.update().values(
            provider_id=sa.select(units.c.parent_id).where(units.c.id == rows.c.unit_id).scalar_subquery()))
