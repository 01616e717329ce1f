"""owners' updates, evidence sent, date requests and highlight updates

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

Readiness for a monitoring visit counted an import as an owner's update. Each action now keeps
`progress_at`: the last time its owner, lead or an admin reported on it in chat (a status change,
a note or evidence). It is filled from the history already held, so an upgraded plan's readiness
is true from the first day. A visit records when its evidence went in. Two new tables keep what
people send through new forms: an owner's request for a new due date (and the admin's answer),
and a working group lead's highlight update for a board meeting. No existing row is removed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The history rows that are an owner's report on progress (not an import, a re-date or a
# reassignment): these events are only ever written by someone in chat.
BACKFILL = """
UPDATE actions SET progress_at = (
    SELECT max(h.at) FROM action_history h
    WHERE h.action_id = actions.id AND h.actor_id IS NOT NULL
      AND (h.event = 'note' OR (h.event = 'update' AND h.field IN ('status', 'evidence')))
)
"""


def _person(column: str, table: str, nullable: bool = True) -> sa.Column:
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey("people.id", name=f"fk_{table}_{column}_people"),
        nullable=nullable,
    )


def upgrade() -> None:
    with op.batch_alter_table("actions") as batch_op:
        batch_op.add_column(sa.Column("progress_at", storage.types.UTCDateTime(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table("deadlines") as batch_op:
        batch_op.add_column(
            sa.Column("evidence_sent_at", storage.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(_person("evidence_sent_by", "deadlines"))
    op.create_table(
        "date_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "action_id",
            sa.Integer(),
            sa.ForeignKey("actions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _person("requested_by", "date_requests", nullable=False),
        sa.Column("requested_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("proposed_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        _person("decided_by", "date_requests"),
        sa.Column("decided_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_date_requests_state", "date_requests", ["state", "action_id"])
    op.create_table(
        "highlight_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), sa.ForeignKey("deadlines.id"), nullable=False),
        sa.Column(
            "working_group_id", sa.Integer(), sa.ForeignKey("working_groups.id"), nullable=False
        ),
        _person("author_id", "highlight_updates", nullable=False),
        sa.Column("at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("brag", sa.String(length=20), nullable=False),
        sa.Column("achievements", sa.Text(), nullable=False),
        sa.Column("issues", sa.Text(), nullable=True),
        sa.Column("next_steps", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_highlight_updates_meeting", "highlight_updates", ["deadline_id", "working_group_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_highlight_updates_meeting", table_name="highlight_updates")
    op.drop_table("highlight_updates")
    op.drop_index("ix_date_requests_state", table_name="date_requests")
    op.drop_table("date_requests")
    with op.batch_alter_table("deadlines") as batch_op:
        batch_op.drop_column("evidence_sent_by")
        batch_op.drop_column("evidence_sent_at")
    with op.batch_alter_table("actions") as batch_op:
        batch_op.drop_column("progress_at")
