"""how to reach each channel

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Teams posts to a channel through the service URL of the channel's own team. The Teams door now
keeps that for each channel when the app is added to a team or someone writes there, instead of
borrowing whatever service URL it last heard from. A new table: no existing row changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "place_reaches",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("reach", sa.Text(), nullable=False),
        sa.Column("seen_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "address"),
    )


def downgrade() -> None:
    op.drop_table("place_reaches")
