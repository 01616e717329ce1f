"""no date agreed, co-owners, approved re-dates, review snapshots, imported risks

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Real trackers (SPEC §2, §7) hold what the schema could not:
- an action with no date agreed ("Ongoing", "TBC"): its due and original due dates may be empty;
- co-owners: a second lead from another organisation (`action_co_owners`);
- who approved a revised due date (the board or DfE/NHS England) and when;
- a snapshot of each action's BRAG and latest commentary at each review (`review_snapshots`),
  and on the review itself when its snapshot was taken;
- risks and their history, and past reviews, brought in by an import, which no person in chat
  created.
Every column added is empty or nullable and every constraint only loosened: no row is removed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actions") as batch_op:
        batch_op.alter_column("due_date", existing_type=sa.Date(), nullable=True)
        batch_op.alter_column("original_due_date", existing_type=sa.Date(), nullable=True)
        batch_op.add_column(sa.Column("due_approved_by", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("due_approved_at", storage.types.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "action_co_owners",
        sa.Column(
            "action_id",
            sa.Integer(),
            sa.ForeignKey("actions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("people.id", name="fk_action_co_owners_person", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("action_id", "person_id"),
    )
    op.create_index("ix_action_co_owners_person", "action_co_owners", ["person_id"])
    with op.batch_alter_table("deadlines") as batch_op:
        batch_op.add_column(sa.Column("snapshot_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.alter_column("created_by", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "review_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), sa.ForeignKey("deadlines.id"), nullable=False),
        sa.Column(
            "action_id",
            sa.Integer(),
            sa.ForeignKey("actions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("brag", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Text(), nullable=True),
        sa.Column("taken_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deadline_id", "action_id", name="uq_review_snapshots_action"),
    )
    op.create_index("ix_review_snapshots_action", "review_snapshots", ["action_id"])
    with op.batch_alter_table("risks") as batch_op:
        batch_op.alter_column("created_by", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("risk_history") as batch_op:
        batch_op.alter_column("actor_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Going back needs every action dated and every imported risk given a creator first.
    with op.batch_alter_table("risk_history") as batch_op:
        batch_op.alter_column("actor_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("risks") as batch_op:
        batch_op.alter_column("created_by", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_review_snapshots_action", table_name="review_snapshots")
    op.drop_table("review_snapshots")
    with op.batch_alter_table("deadlines") as batch_op:
        batch_op.alter_column("created_by", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("snapshot_at")
    op.drop_index("ix_action_co_owners_person", table_name="action_co_owners")
    op.drop_table("action_co_owners")
    with op.batch_alter_table("actions") as batch_op:
        batch_op.drop_column("due_approved_at")
        batch_op.drop_column("due_approved_by")
        batch_op.alter_column("original_due_date", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("due_date", existing_type=sa.Date(), nullable=False)
