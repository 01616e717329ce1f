"""an action's intended outcome and the day it was achieved

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Boards report each action's intended outcome and the date it went blue (SPEC §2). The date
achieved of an action already blue is filled from its history: the day (in UTC, which is the
same day in London but for a change made between midnight and 1am in summer) of its latest
change of status to blue. An action with no such history row keeps no date. Progress
commentary needs no column: it is written to the action's history as event "progress".
No existing row is removed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Both backends keep UTCDateTime as a naive UTC timestamp, so its day is the UTC day.
BACKFILL = """
UPDATE actions SET achieved_on = (
    SELECT CAST(max(h.at) AS DATE) FROM action_history h
    WHERE h.action_id = actions.id AND h.field = 'status' AND h.new_value = 'blue'
      AND h.event IN ('update', 'import')
)
WHERE status = 'blue'
"""
SQLITE_BACKFILL = BACKFILL.replace("CAST(max(h.at) AS DATE)", "date(max(h.at))")


def upgrade() -> None:
    with op.batch_alter_table("actions") as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("achieved_on", sa.Date(), nullable=True))
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute(SQLITE_BACKFILL if sqlite else BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch_op:
        batch_op.drop_column("achieved_on")
        batch_op.drop_column("outcome")
