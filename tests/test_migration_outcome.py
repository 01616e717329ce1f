"""Migration 0009 loses nothing and fills the day each action already blue was achieved, from
its latest change of status to blue (by its UTC day); other actions get no date."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.migrate import upgrade
from storage.models import Action, ActionHistory
from tests.support.databases import BACKENDS, filled_at

OLD_PLAN = [
    "INSERT INTO people (id, name, created_at, updated_at) VALUES "
    "(1, 'Sam Smith', '2026-01-01 09:00:00', '2026-01-01 09:00:00')",
    "INSERT INTO working_groups (id, number, name, lead_id, retired) VALUES "
    "(1, 1, 'Understanding of Need', 1, false)",
    "INSERT INTO actions (id, ref, ref_key, title, working_group_id, owner_id, "
    "original_due_date, due_date, status, created_at, last_update_at, version) VALUES "
    + ",".join(
        f"({n}, '1.{n}', '1.{n}', 'Action {n}', 1, 1, '2027-03-01', '2027-03-01', '{status}', "
        "'2026-01-01 09:00:00', '2026-06-01 09:00:00', 2)"
        for n, status in enumerate(("blue", "blue", "amber", "blue"), start=1)
    ),
    "INSERT INTO action_history (action_id, at, actor_id, event, field, old_value, new_value,"
    " note) VALUES "
    # 1.1: blue, reopened, blue again late in the evening: the latest counts, by its UTC day.
    "(1, '2026-03-02 10:00:00', 1, 'update', 'status', 'green', 'blue', NULL),"
    "(1, '2026-04-01 10:00:00', 1, 'update', 'status', 'blue', 'amber', NULL),"
    "(1, '2026-05-06 23:30:00', 1, 'update', 'status', 'amber', 'blue', 'Signed off'),"
    # 1.2: made blue by an import.
    "(2, '2026-02-01 10:00:00', NULL, 'import', 'status', 'green', 'blue', 'plan.xlsx'),"
    # 1.3: was blue once, is amber now: no date.
    "(3, '2026-02-01 10:00:00', 1, 'update', 'status', 'green', 'blue', NULL),"
    "(3, '2026-02-02 10:00:00', 1, 'update', 'status', 'blue', 'amber', NULL),"
    # 1.4: blue from the day it was added, so no change of status to read: no date.
    "(4, '2026-01-01 09:00:00', 1, 'created', NULL, NULL, NULL, 'Imported')",
]


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path: Path) -> str:
    """A database at revision 0008 holding blue and open actions with their history."""
    return filled_at(
        "0008", OLD_PLAN, ("people", "working_groups", "actions"), request.param, tmp_path
    )


def test_upgrade_fills_the_date_achieved_from_history_and_keeps_every_row(old_database: str):
    upgrade(old_database)
    db = Database(old_database)
    with db.session() as session:
        actions = {a.ref: a for a in session.scalars(select(Action))}
        assert {ref: a.achieved_on for ref, a in actions.items()} == {
            "1.1": date(2026, 5, 6),
            "1.2": date(2026, 2, 1),
            "1.3": None,
            "1.4": None,
        }
        assert {a.outcome for a in actions.values()} == {None}
        assert {a.version for a in actions.values()} == {2}
        assert {a.status for a in actions.values()} == {"blue", "amber"}
        assert len(session.scalars(select(ActionHistory)).all()) == 7
        actions["1.3"].outcome = "Families say support comes sooner"
    with db.session() as session:
        assert session.scalars(select(Action.outcome).where(Action.ref == "1.3")).one() == (
            "Families say support comes sooner"
        )
    db.dispose()
