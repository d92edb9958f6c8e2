"""Which current versions name a unit that has not arrived (a placeholder), and with which display.

Live ingestion and ``readmodel rebuild`` name such a unit, and keep it, from these rows alone, so both reach the
same read model whatever order the versions arrived or are replayed in. Placeholders made before this revision
have no rows: they keep their name and row until ``readmodel rebuild`` is run once.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_naming",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("source_key", sa.String(length=300), nullable=False),
        sa.Column("display", sa.String(length=300), nullable=True),
    )
    op.create_index("ix_unit_naming_unit_id", "unit_naming", ["unit_id"])
    op.create_index("ix_unit_naming_source_key", "unit_naming", ["source_key"])


def downgrade() -> None:
    op.drop_table("unit_naming")
