"""people with chat accounts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Until now every person was a Slack user ID stored in a 32-character column. From here a person
is a row of `people` (a name, an email, an organisation, a role) with zero or more
`chat_accounts`, and every owner, lead, actor and recipient column points at a person.

Every ID written before this revision came from Slack, the only door there was: each becomes a
person with one Slack account, named from the old `people` table where it had a name. History
written by an import (actor "import") keeps no person. A reminder went either to a person or to
a channel; digests and visit-readiness reports always went to the board channel, and a
board-meeting request went to the group's channel when it had one, else to its lead. Reminder
keys that named their recipient (`visit-owner:…:<user>`) name the person instead, so a reminder
sent before the upgrade is still never sent again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDE = 300
SYSTEM_ACTOR = "import"
CHANNEL_KINDS = ("digest", "visit_readiness")

# (table, column, nullable, index that includes the column, its columns)
PERSON_COLUMNS = (
    ("working_groups", "lead_id", True, None),
    ("actions", "owner_id", False, ("ix_actions_owner_status", ["owner_id", "status"])),
    ("actions", "sro_id", True, None),
    ("actions", "due_revised_by", True, None),
    ("action_history", "actor_id", True, None),
    ("deadlines", "created_by", False, None),
    ("deadlines", "removed_by", True, None),
    ("risks", "owner_id", False, None),
    ("risks", "created_by", False, None),
    ("risk_history", "actor_id", False, None),
)


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_index("ix_people_email")
    op.rename_table("people", "slack_users_0004")
    _create_people()
    bind = op.get_bind()
    user_ids = _slack_user_ids(bind)
    _insert_people(bind, user_ids)
    for table, column, nullable, index in PERSON_COLUMNS:
        _point_at_people(table, column, nullable, index)
    _reminders_to_people()
    _history_of_people_changes(bind)
    with op.batch_alter_table("working_groups") as batch_op:
        batch_op.alter_column("channel_id", type_=sa.String(WIDE), existing_nullable=True)
    op.drop_table("slack_users_0004")


def _create_people() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("role_title", sa.String(length=200), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_people_email", "people", ["email"])
    op.create_table(
        "chat_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.String(length=WIDE), nullable=False),
        sa.Column("reach", sa.Text(), nullable=True),
        sa.Column("seen_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_chat_accounts_person", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "account_id", name="uq_chat_accounts_account"),
    )
    op.create_index("ix_chat_accounts_person_id", "chat_accounts", ["person_id"])


def _slack_user_ids(bind) -> list[str]:
    """Every user ID the old schema holds, in a stable order."""
    queries = ["SELECT user_id FROM slack_users_0004"]
    queries += [
        f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"
        for table, column, _, _ in PERSON_COLUMNS
    ]
    found: set[str] = set()
    for query in queries:
        found.update(row[0] for row in bind.execute(sa.text(query)))
    found.update(_person_recipients(bind))
    for old, new in bind.execute(
        sa.text(f"SELECT old_value, new_value FROM action_history {_PERSON_CHANGES}")
    ):
        found.update(v for v in (old, new) if v)
    found.discard(SYSTEM_ACTOR)
    return sorted(found)


def _person_recipients(bind) -> set[str]:
    channels = {
        row[0]
        for row in bind.execute(
            sa.text("SELECT channel_id FROM working_groups WHERE channel_id IS NOT NULL")
        )
    }
    rows = bind.execute(sa.text("SELECT kind, recipient FROM reminders"))
    return {
        recipient
        for kind, recipient in rows
        if kind not in CHANNEL_KINDS and not _went_to_channel(kind, recipient, channels)
    }


def _went_to_channel(kind: str, recipient: str, channels: set[str]) -> bool:
    # Slack channel IDs begin C or G; user IDs U or W. A board request went to one or the other.
    return kind == "board_meeting" and (recipient in channels or recipient[:1] in ("C", "G"))


def _insert_people(bind, user_ids: list[str]) -> None:
    known = {
        row[0]: (row[1], row[2], row[3])
        for row in bind.execute(
            sa.text("SELECT user_id, name, email, updated_at FROM slack_users_0004")
        )
    }
    people = sa.table(
        "people",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("email", sa.String),
        sa.column("created_at", storage.types.UTCDateTime),
        sa.column("updated_at", storage.types.UTCDateTime),
    )
    accounts = sa.table(
        "chat_accounts",
        sa.column("person_id", sa.Integer),
        sa.column("platform", sa.String),
        sa.column("account_id", sa.String),
        sa.column("seen_at", storage.types.UTCDateTime),
    )
    now = storage.types.utcnow()
    for number, user_id in enumerate(user_ids, start=1):
        name, email, updated = known.get(user_id, (None, None, None))
        # The UTC type needs aware times; raw rows from SQLite come back naive (always UTC).
        seen = _aware(updated) or now
        bind.execute(
            people.insert().values(
                id=number, name=name, email=email, created_at=seen, updated_at=seen
            )
        )
        bind.execute(
            accounts.insert().values(
                person_id=number, platform="slack", account_id=user_id, seen_at=seen
            )
        )
    if bind.dialect.name == "postgresql" and user_ids:
        bind.execute(sa.text("SELECT setval('people_id_seq', (SELECT max(id) FROM people))"))


def _aware(value):
    from datetime import UTC, datetime

    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_PERSON_OF = (
    "(SELECT person_id FROM chat_accounts "
    "WHERE platform = 'slack' AND account_id = {table}.{column})"
)


def _point_at_people(table: str, column: str, nullable: bool, index) -> None:
    """Replace a user-ID column by a person column of the same name."""
    new = f"{column}_person"
    with op.batch_alter_table(table) as batch_op:
        batch_op.add_column(sa.Column(new, sa.Integer(), nullable=True))
    op.execute(
        sa.text(f"UPDATE {table} SET {new} = {_PERSON_OF.format(table=table, column=column)}")
    )
    with op.batch_alter_table(table) as batch_op:
        if index is not None:
            batch_op.drop_index(index[0])
        batch_op.drop_column(column)
        batch_op.alter_column(
            new, new_column_name=column, existing_type=sa.Integer(), nullable=nullable
        )
    # A batch of its own: SQLite's rebuild would drop a key declared on a column it renames.
    with op.batch_alter_table(table) as batch_op:
        batch_op.create_foreign_key(f"fk_{table}_{column}_people", "people", [column], ["id"])
    if index is not None:
        op.create_index(index[0], table, index[1])


# History rows whose old and new values are user IDs: changes of owner or SRO.
_PERSON_CHANGES = "WHERE field IN ('owner_id', 'sro_id')"


def _history_of_people_changes(bind) -> None:
    """A change of owner keeps saying who it was from and to, now as person ids."""
    person_of = dict(
        bind.execute(
            sa.text("SELECT account_id, person_id FROM chat_accounts WHERE platform = 'slack'")
        ).all()
    )
    rows = bind.execute(
        sa.text(f"SELECT id, old_value, new_value FROM action_history {_PERSON_CHANGES}")
    ).all()
    for row_id, old, new in rows:
        bind.execute(
            sa.text("UPDATE action_history SET old_value = :old, new_value = :new WHERE id = :id"),
            {
                "old": str(person_of[old]) if old else None,
                "new": str(person_of[new]) if new else None,
                "id": row_id,
            },
        )


def _reminders_to_people() -> None:
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.add_column(sa.Column("recipient_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("place", sa.String(length=WIDE), nullable=True))
    op.execute(
        sa.text(
            "UPDATE reminders SET recipient_id = "
            + _PERSON_OF.format(table="reminders", column="recipient")
        )
    )
    op.execute(sa.text("UPDATE reminders SET place = recipient WHERE recipient_id IS NULL"))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, key, recipient_id FROM reminders WHERE kind = 'visit_owner'")
    ).all()
    for row_id, key, person in rows:
        stem, _, _ = key.rpartition(":")
        bind.execute(
            sa.text("UPDATE reminders SET key = :key WHERE id = :id"),
            {"key": f"{stem}:{person}", "id": row_id},
        )
    with op.batch_alter_table("reminders") as batch_op:
        batch_op.drop_column("recipient")
        batch_op.create_foreign_key(
            "fk_reminders_recipient_id_people", "people", ["recipient_id"], ["id"]
        )


def downgrade() -> None:
    raise NotImplementedError("0005 cannot be undone: restore the backup taken before upgrading.")
