"""risk register

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 04:50:45.015695
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("working_group_id", sa.Integer(), nullable=True),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("trend", sa.String(length=5), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("closed_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["working_group_id"],
            ["working_groups.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.create_index("ix_risks_status", ["status"], unique=False)

    op.create_table(
        "risk_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("old_score", sa.Integer(), nullable=True),
        sa.Column("new_score", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["risk_id"], ["risks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("risk_history", schema=None) as batch_op:
        batch_op.create_index("ix_risk_history_risk", ["risk_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk_history", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_history_risk")

    op.drop_table("risk_history")
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.drop_index("ix_risks_status")

    op.drop_table("risks")
