"""Migration 0005 (people with chat accounts) loses nothing: a database filled at 0004 upgrades
with every row, every history entry and every sent-reminder key intact and mapped to people."""

from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.deadline_service import evidence_due
from bot.reminder_sweep import ReminderSweep
from bot.working_calendar import LONDON, add_working_days
from sendbot.runtime import start
from sendbot.settings import Settings
from storage.database import Database
from storage.migrate import upgrade
from storage.models import (
    Action,
    ActionHistory,
    ChatAccount,
    Deadline,
    Person,
    Reminder,
    Risk,
    RiskHistory,
    WorkingGroup,
)
from tests.support.databases import BACKENDS, filled_at

AT = "2020-01-20 09:30:00"

OLD_PLAN = [
    "INSERT INTO people (user_id, name, email, updated_at) VALUES "
    f"('U0OWNER01', 'Sam Smith', 'sam@council.example', '{AT}'),"
    f"('U0LEAD001', 'Lee Lead', NULL, '{AT}')",
    "INSERT INTO working_groups (id, number, name, lead_id, channel_id, retired) VALUES "
    "(1, 1, 'Understanding of Need', 'U0LEAD001', 'C0WG1', false),"
    "(2, 2, 'Commissioning', NULL, NULL, false)",
    "INSERT INTO areas (id, number, title) VALUES (1, 1, 'Area 1')",
    "INSERT INTO actions (id, ref, ref_key, title, working_group_id, owner_id, sro_id, "
    "original_due_date, due_date, due_revised_by, due_revised_at, status, created_at, "
    "last_update_at, version) VALUES "
    "(1, '1.1', '1.1', 'Publish the strategy', 1, 'U0OWNER01', 'U0ADMIN01', '2020-02-07', "
    f"'2020-03-06', 'U0ADMIN01', '{AT}', 'amber', '{AT}', '2019-10-01 09:00:00', 3),"
    "(2, '2.1', '2.1', 'Jointly commission', 2, 'U0NONAME1', NULL, '2020-04-30', "
    f"'2020-04-30', NULL, NULL, 'not started', '{AT}', '{AT}', 1)",
    "INSERT INTO action_areas (action_id, area_id) VALUES (1, 1)",
    "INSERT INTO action_history (id, action_id, at, actor_id, event, field, old_value, "
    "new_value, note) VALUES "
    f"(1, 1, '{AT}', 'import', 'created', NULL, NULL, NULL, 'Imported from plan.csv'),"
    f"(2, 1, '{AT}', 'U0OWNER01', 'update', 'status', 'not started', 'amber', 'Waiting'),"
    f"(3, 1, '{AT}', 'U0ADMIN01', 'update', 'owner_id', 'U0LEAD001', 'U0OWNER01', NULL),"
    f"(4, 2, '{AT}', 'import', 'created', NULL, NULL, NULL, 'Imported from plan.csv')",
    "INSERT INTO deadlines (id, kind, date, title, created_by, created_at, removed_at, "
    "removed_by) VALUES "
    f"(1, 'visit', '2020-03-10', 'DfE/NHSE monitoring visit', 'U0ADMIN01', '{AT}', NULL, NULL),"
    f"(2, 'board', '2020-02-12', 'Board', 'U0ADMIN01', '{AT}', '{AT}', 'U0ADMIN01')",
    "INSERT INTO risks (id, number, description, owner_id, working_group_id, likelihood, "
    "impact, status, trend, created_by, created_at, updated_at, version) VALUES "
    "(1, 1, 'No project manager', 'U0LEAD001', 1, 4, 5, 'open', 'down', 'U0OWNER01', "
    f"'{AT}', '{AT}', 2)",
    "INSERT INTO risk_history (id, risk_id, at, actor_id, event, old_score, new_score) VALUES "
    f"(1, 1, '{AT}', 'U0OWNER01', 'logged', NULL, 20),"
    f"(2, 1, '{AT}', 'U0LEAD001', 'rescored', 20, 12)",
    "INSERT INTO reminders (id, key, kind, recipient, action_id, state, claimed_at, "
    "claimed_by, sent_at, error) VALUES "
    f"(1, 'before:1:2020-03-06:7d', 'before_due', 'U0OWNER01', 1, 'sent', '{AT}', 'h:1:a', "
    f"'{AT}', NULL),"
    f"(2, 'visit-owner:1:10:U0OWNER01', 'visit_owner', 'U0OWNER01', NULL, 'sent', '{AT}', "
    f"'h:1:a', '{AT}', NULL),"
    f"(3, 'digest:2020-01-20', 'digest', 'C0BOARD', NULL, 'sent', '{AT}', 'h:1:a', '{AT}', NULL),"
    f"(4, 'board:2:wg1', 'board_meeting', 'C0WG1', NULL, 'sent', '{AT}', 'h:1:a', '{AT}', NULL),"
    f"(5, 'board:2:wg2', 'board_meeting', 'U0GONE001', NULL, 'failed', '{AT}', 'h:1:a', NULL, "
    "'user_not_found'),"
    f"(6, 'overdue:2:2020-05-01', 'overdue', 'U0NONAME1', 2, 'claimed', '{AT}', 'h:1:a', NULL, "
    "NULL)",
]


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path: Path) -> str:
    """A database at revision 0004 holding a small plan that touches every person column."""
    return filled_at("0004", OLD_PLAN, SERIAL_TABLES, request.param, tmp_path)


SERIAL_TABLES = (
    "working_groups",
    "areas",
    "actions",
    "action_history",
    "deadlines",
    "risks",
    "risk_history",
    "reminders",
)


def _person(session, user_id: str) -> Person:
    account = session.scalars(
        select(ChatAccount).where(
            ChatAccount.platform == "slack", ChatAccount.account_id == user_id
        )
    ).one()
    return account.person


def test_upgrade_keeps_every_row_and_maps_every_user_id_to_a_person(old_database: str):
    upgrade(old_database)
    db = Database(old_database)
    with db.session() as session:
        people = {a.account_id: a.person for a in session.scalars(select(ChatAccount))}
        # Six Slack users are named anywhere in the old data; "import" is not a person.
        assert sorted(people) == [
            "U0ADMIN01",
            "U0GONE001",
            "U0LEAD001",
            "U0NONAME1",
            "U0OWNER01",
        ]
        assert people["U0OWNER01"].name == "Sam Smith"
        assert people["U0OWNER01"].email == "sam@council.example"
        assert people["U0NONAME1"].name is None

        actions = {a.ref: a for a in session.scalars(select(Action))}
        assert set(actions) == {"1.1", "2.1"}
        first = actions["1.1"]
        assert first.owner is people["U0OWNER01"]
        assert first.sro is people["U0ADMIN01"]
        assert first.due_revised_by == people["U0ADMIN01"].id
        assert (first.status, first.version, [a.number for a in first.areas]) == ("amber", 3, [1])
        assert actions["2.1"].owner is people["U0NONAME1"]

        history = session.scalars(select(ActionHistory).order_by(ActionHistory.id)).all()
        assert [h.actor_id for h in history] == [
            None,
            people["U0OWNER01"].id,
            people["U0ADMIN01"].id,
            None,
        ]
        # A change of owner still says from whom to whom, now as people.
        assert (history[2].field, history[2].old_value, history[2].new_value) == (
            "owner_id",
            str(people["U0LEAD001"].id),
            str(people["U0OWNER01"].id),
        )
        assert [h.note for h in history] == [
            "Imported from plan.csv",
            "Waiting",
            None,
            "Imported from plan.csv",
        ]

        groups = {g.number: g for g in session.scalars(select(WorkingGroup))}
        assert groups[1].lead is people["U0LEAD001"]
        assert groups[1].channel_id == "C0WG1"
        assert groups[2].lead_id is None

        deadlines = session.scalars(select(Deadline).order_by(Deadline.id)).all()
        assert [d.created_by for d in deadlines] == [people["U0ADMIN01"].id] * 2
        assert [d.removed_by for d in deadlines] == [None, people["U0ADMIN01"].id]

        risk = session.scalars(select(Risk)).one()
        assert (risk.owner, risk.created_by, risk.score) == (
            people["U0LEAD001"],
            people["U0OWNER01"].id,
            20,
        )
        assert [h.actor_id for h in session.scalars(select(RiskHistory))] == [
            people["U0OWNER01"].id,
            people["U0LEAD001"].id,
        ]

        reminders = {r.id: r for r in session.scalars(select(Reminder).order_by(Reminder.id))}
        assert len(reminders) == 6
        owner = people["U0OWNER01"].id
        assert {i: r.key for i, r in reminders.items()} == {
            1: "before:1:2020-03-06:7d",
            2: f"visit-owner:1:10:{owner}",
            3: "digest:2020-01-20",
            4: "board:2:wg1",
            5: "board:2:wg2",
            6: "overdue:2:2020-05-01",
        }
        assert [(r.recipient_id, r.place) for r in reminders.values()] == [
            (owner, None),
            (owner, None),
            (None, "C0BOARD"),
            (None, "C0WG1"),
            (people["U0GONE001"].id, None),
            (people["U0NONAME1"].id, None),
        ]
        assert [r.state for r in reminders.values()] == [
            "sent",
            "sent",
            "sent",
            "sent",
            "failed",
            "claimed",
        ]
    db.dispose()


def test_a_reminder_sent_before_the_upgrade_is_not_sent_again(old_database: str):
    """The visit-owner reminder to U0OWNER01 went out before the upgrade; a sweep after it, on
    the day that reminder was due, must find it already sent — and would send it otherwise."""
    upgrade(old_database)
    evidence = evidence_due(date(2020, 3, 10), 10)
    day = add_working_days(evidence, -10)
    moment = datetime.combine(day, time(10, 0), tzinfo=LONDON)
    runtime = start(Settings(database_url=old_database), now=lambda: moment)
    sweep = ReminderSweep(runtime.db, runtime.board, None, runtime.clock)

    def visit_keys() -> list[str]:
        report = sweep.run(None, now=moment, dry_run=True)
        keys = [item.key for bundle in report.sent for item in bundle.items]
        return [key for key in keys if key.startswith("visit-owner:1:10:")]

    with runtime.db.session() as session:
        # Readiness counts owners' own updates (issue 12): without U0OWNER01's, theirs is due.
        session.execute(text("UPDATE actions SET progress_at = NULL WHERE id = 1"))
    # U0NONAME1's imported action was never updated: due, never sent. U0OWNER01's was sent.
    unsent = visit_keys()
    with runtime.db.session() as session:
        (sent,) = session.scalars(text("SELECT key FROM reminders WHERE kind = 'visit_owner'"))
        session.execute(text("DELETE FROM reminders WHERE kind = 'visit_owner'"))
    assert sent not in unsent
    assert sorted(visit_keys()) == sorted([*unsent, sent])
    runtime.db.dispose()


def test_account_and_channel_columns_hold_teams_ids(old_database: str):
    """Teams conversation ids run past 130 characters; after the upgrade they fit."""
    upgrade(old_database)
    conversation = "19:" + "a" * 150 + "@thread.tacv2"
    db = Database(old_database)
    with db.session() as session:
        person = session.scalars(select(Person)).first()
        session.add(ChatAccount(person=person, platform="teams", account_id=conversation))
        group = session.scalars(select(WorkingGroup).where(WorkingGroup.number == 2)).one()
        group.channel_id = conversation
    with db.session() as session:
        stored = session.scalars(select(ChatAccount).where(ChatAccount.platform == "teams")).one()
        assert stored.account_id == conversation
        channel = select(WorkingGroup.channel_id).where(WorkingGroup.number == 2)
        assert session.scalars(channel).one() == conversation
    db.dispose()
