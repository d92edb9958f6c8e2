"""The HSA-ids a unit's Organization had before a newer version changed it: entries naming them show the unit.

Units renamed before this revision have no alias rows: entries that name their old HSA-id and arrive afterwards
get a placeholder of their own until ``readmodel rebuild`` is run once (it reads the aliases from the event log).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_alias",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hsa_id", sa.String(length=64), nullable=False, unique=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("source_key", sa.String(length=300), nullable=True),
    )
    op.create_index("ix_unit_alias_unit_id", "unit_alias", ["unit_id"])


def downgrade() -> None:
    op.drop_table("unit_alias")
