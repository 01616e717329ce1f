"""family-friendly updates: each draft, and who approved it and when

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

The family-friendly update ("You said, we did") is shared with parents, carers and young people
only once an admin has approved it, so every draft is kept with its words and its approval.
A new table only: no row elsewhere is touched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column(
            "created_by",
            sa.Integer(),
            sa.ForeignKey("people.id", name="fk_family_updates_created_by_people"),
            nullable=True,
        ),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("chart", sa.LargeBinary(), nullable=True),
        sa.Column("reading_ease", sa.Float(), nullable=False),
        sa.Column("to_check", sa.Text(), nullable=True),
        sa.Column(
            "approved_by",
            sa.Integer(),
            sa.ForeignKey("people.id", name="fk_family_updates_approved_by_people"),
            nullable=True,
        ),
        sa.Column("approved_at", storage.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("family_updates")
