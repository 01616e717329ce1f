"""The board configuration's groups and areas are copied into the database, never deleted."""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.board_config import AreaConfig, BoardConfig, GroupConfig, default_board
from bot.board_sync import sync_board
from sendbot.identities import find_lead
from storage.database import Database
from storage.models import Action, Area, Person, WorkingGroup

NOW = datetime(2020, 1, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def groups(db: Database) -> list[tuple]:
    with db.session() as session:
        rows = session.scalars(select(WorkingGroup).order_by(WorkingGroup.number))
        # A lead is a person; show them by the Slack account the board file named.
        return [(g.id, g.number, g.name, _account(g.lead), g.channel_id) for g in rows]


def _account(person) -> str | None:
    return person.accounts[0].account_id if person is not None else None


def areas(db: Database) -> list[tuple]:
    with db.session() as session:
        return [(a.id, a.number, a.title) for a in session.scalars(select(Area).order_by(Area.id))]


def test_the_default_board_creates_six_groups_and_nine_areas(db):
    sync_board(db, default_board(), find_lead)

    assert [(n, name) for _, n, name, _, _ in groups(db)] == [
        (1, "Understanding of Need"),
        (2, "Commissioning"),
        (3, "Engagement and Co-production"),
        (4, "Preparation for Adulthood"),
        (5, "Emotional Health and Wellbeing"),
        (6, "SEN Support"),
    ]
    assert [(n, title) for _, n, title in areas(db)] == [(n, f"Area {n}") for n in range(1, 10)]


def test_a_second_run_changes_nothing(db):
    sync_board(db, default_board(), find_lead)
    before = (groups(db), areas(db))

    sync_board(db, default_board(), find_lead)

    assert (groups(db), areas(db)) == before


def test_changes_in_the_configuration_update_the_rows_in_place(db):
    sync_board(db, default_board(), find_lead)
    ids = [g[0] for g in groups(db)]
    board = BoardConfig(
        groups=(
            GroupConfig(1, "Needs and Data", lead="U0LEAD001", channel="C0WG1CHAN"),
            GroupConfig(7, "Transport"),
        ),
        areas=(AreaConfig(2, "Waiting times for assessment"),),
    )

    sync_board(db, board, find_lead)

    rows = groups(db)
    assert rows[0] == (ids[0], 1, "Needs and Data", "U0LEAD001", "C0WG1CHAN")
    assert [g[1] for g in rows] == [1, 2, 3, 4, 5, 6, 7]  # nothing is deleted
    assert [g[0] for g in rows[:6]] == ids
    assert (2, "Waiting times for assessment") in [(n, t) for _, n, t in areas(db)]
    assert len(areas(db)) == 9


def test_removing_a_lead_from_the_configuration_clears_it(db):
    lead = BoardConfig(groups=(GroupConfig(1, "Needs", lead="U0LEAD001"),), areas=())
    sync_board(db, lead, find_lead)
    sync_board(db, BoardConfig(groups=(GroupConfig(1, "Needs"),), areas=()), find_lead)
    assert groups(db)[0][3:] == (None, None)


def test_groups_that_actions_point_at_survive_a_smaller_configuration(db):
    sync_board(db, default_board(), find_lead)
    with db.session() as session:
        group = session.scalars(select(WorkingGroup).where(WorkingGroup.number == 6)).one()
        area = session.scalars(select(Area).where(Area.number == 9)).one()
        action = Action(
            ref="6.1",
            ref_key="6.1",
            title="Graduated approach toolkit",
            working_group=group,
            owner=Person(name="Sam Smith"),
            original_due_date=date(2020, 3, 31),
            due_date=date(2020, 3, 31),
            created_at=NOW,
            last_update_at=NOW,
        )
        action.areas = [area]
        session.add(action)

    sync_board(
        db, BoardConfig(groups=(GroupConfig(1, "Needs"),), areas=(AreaConfig(1, "A"),)), find_lead
    )

    with db.session() as session:
        action = session.scalars(select(Action)).one()
        assert action.working_group.number == 6
        assert [a.number for a in action.areas] == [9]
