"""indexes for the summaries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

/summary counts status changes and completions since the last board meeting, and BRAG per
working group; without these indexes both read the whole table (see bench/README.md).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_group_status")
        batch_op.create_index(
            "ix_actions_group_status_live", ["working_group_id", "status", "withdrawn_at"]
        )
    with op.batch_alter_table("action_history", schema=None) as batch_op:
        batch_op.create_index("ix_action_history_field_at", ["field", "at"])
        batch_op.create_index("ix_action_history_field_value_at", ["field", "new_value", "at"])


def downgrade() -> None:
    with op.batch_alter_table("action_history", schema=None) as batch_op:
        batch_op.drop_index("ix_action_history_field_value_at")
        batch_op.drop_index("ix_action_history_field_at")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_group_status_live")
        batch_op.create_index("ix_actions_group_status", ["working_group_id", "status"])
