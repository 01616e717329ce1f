"""Migration 0011 adds the family-friendly update's drafts and loses nothing already kept."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.migrate import upgrade
from storage.models import Action, FamilyUpdate, Person
from tests.support.databases import BACKENDS, filled_at

OLD_PLAN = [
    "INSERT INTO people (id, name, created_at, updated_at) VALUES "
    "(1, 'Sam Smith', '2026-01-01 09:00:00', '2026-01-01 09:00:00')",
    "INSERT INTO working_groups (id, number, name, lead_id, retired) VALUES "
    "(1, 1, 'Understanding of Need', 1, false)",
    "INSERT INTO actions (id, ref, ref_key, title, working_group_id, owner_id, "
    "original_due_date, due_date, status, created_at, last_update_at, version) VALUES "
    "(1, '1.1', '1.1', 'Publish the offer', 1, 1, NULL, NULL, 'green', "
    "'2026-01-01 09:00:00', '2026-06-01 09:00:00', 2)",
]


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path: Path) -> str:
    """A database at revision 0010 holding a person and an action with no date agreed."""
    return filled_at(
        "0010", OLD_PLAN, ("people", "working_groups", "actions"), request.param, tmp_path
    )


def test_upgrade_keeps_the_plan_and_keeps_drafts_with_their_approval(old_database: str):
    upgrade(old_database)
    db = Database(old_database)
    try:
        with db.session() as session:
            action = session.scalars(select(Action)).one()
            assert (action.ref, action.title, action.due_date, action.version) == (
                "1.1",
                "Publish the offer",
                None,
                2,
            )
            assert session.get(Person, 1).name == "Sam Smith"
            session.add(
                FamilyUpdate(
                    created_by=1,
                    markdown="# Update\n",
                    html="<h1>Update</h1>",
                    chart=b"\x89PNG",
                    reading_ease=72.5,
                    to_check="PINS",
                )
            )
        with db.session() as session:
            draft = session.scalars(select(FamilyUpdate)).one()
            assert (draft.id, draft.approved_by, draft.approved_at) == (1, None, None)
            draft.approved_by = 1
            draft.approved_at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
        with db.session() as session:
            draft = session.scalars(select(FamilyUpdate)).one()
            assert draft.approver.name == "Sam Smith" and draft.chart == b"\x89PNG"
            assert draft.approved_at == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    finally:
        db.dispose()
