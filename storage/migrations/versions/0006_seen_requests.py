"""requests already seen

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

A signed request replayed within its five-minute window used to be acted on again (three notes,
A1 and A2). The doors now record each request they act on here, so a copy does nothing, whichever
web process it reaches. A new table: no existing row changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_requests",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("sent_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_seen_requests_sent_at", "seen_requests", ["sent_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_requests_sent_at", table_name="seen_requests")
    op.drop_table("seen_requests")
