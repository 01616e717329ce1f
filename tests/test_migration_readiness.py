"""Migration 0008 loses nothing and fills each action's last owner update from its history:
a status change, a note or evidence counts; an import, a re-date or a reassignment does not."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.migrate import upgrade
from storage.models import Action, ActionHistory, DateRequest, Deadline, HighlightUpdate
from tests.support.databases import BACKENDS, filled_at

OLD_PLAN = [
    "INSERT INTO people (id, name, created_at, updated_at) VALUES "
    "(1, 'Sam Smith', '2026-01-01 09:00:00', '2026-01-01 09:00:00'),"
    "(2, 'Ada Admin', '2026-01-01 09:00:00', '2026-01-01 09:00:00')",
    "INSERT INTO working_groups (id, number, name, lead_id, retired) VALUES "
    "(1, 1, 'Understanding of Need', 1, false)",
    "INSERT INTO actions (id, ref, ref_key, title, working_group_id, owner_id, "
    "original_due_date, due_date, status, created_at, last_update_at, version) VALUES "
    + ",".join(
        f"({n}, '1.{n}', '1.{n}', 'Action {n}', 1, 1, '2027-03-01', '2027-03-01', 'amber', "
        "'2026-01-01 09:00:00', '2026-06-01 09:00:00', 2)"
        for n in range(1, 6)
    ),
    "INSERT INTO action_history (action_id, at, actor_id, event, field, old_value, new_value,"
    " note) VALUES "
    # 1.1: imported, then a status change, then a later re-date: the status change counts.
    "(1, '2026-01-01 09:00:00', 2, 'created', NULL, NULL, NULL, 'Imported'),"
    "(1, '2026-03-02 10:00:00', 1, 'update', 'status', 'not started', 'amber', NULL),"
    "(1, '2026-04-01 10:00:00', 2, 'update', 'due_date', '2027-01-01', '2027-03-01', 'Agreed'),"
    # 1.2: a note, then evidence: the evidence is the latest.
    "(2, '2026-03-05 10:00:00', 1, 'note', NULL, NULL, NULL, 'Draft shared'),"
    "(2, '2026-05-06 10:00:00', 1, 'update', 'evidence', NULL, 'Minutes', NULL),"
    # 1.3: only an import's changes and a reassignment: never updated.
    "(3, '2026-02-01 10:00:00', 2, 'import', 'status', 'not started', 'green', 'plan.xlsx'),"
    "(3, '2026-02-02 10:00:00', 2, 'update', 'owner_id', '2', '1', NULL),"
    # 1.4: a change written by nobody (an old import): never updated.
    "(4, '2026-02-01 10:00:00', NULL, 'update', 'status', 'not started', 'red', NULL)",
    # 1.5 has no history at all.
    "INSERT INTO deadlines (id, kind, date, title, created_by, created_at) VALUES "
    "(1, 'visit', '2027-02-10', 'Monitoring visit', 2, '2026-01-01 09:00:00')",
]


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path: Path) -> str:
    """A database at revision 0007 holding actions with every kind of history."""
    return filled_at(
        "0007",
        OLD_PLAN,
        ("people", "working_groups", "actions", "deadlines"),
        request.param,
        tmp_path,
    )


def at(text_value: str) -> datetime:
    return datetime.fromisoformat(text_value).replace(tzinfo=UTC)


def test_upgrade_fills_last_owner_update_from_history_and_keeps_every_row(old_database: str):
    upgrade(old_database)
    db = Database(old_database)
    with db.session() as session:
        actions = {a.ref: a for a in session.scalars(select(Action))}
        assert {ref: a.progress_at for ref, a in actions.items()} == {
            "1.1": at("2026-03-02 10:00:00"),
            "1.2": at("2026-05-06 10:00:00"),
            "1.3": None,
            "1.4": None,
            "1.5": None,
        }
        # Nothing else moved: staleness still counts from the old last update.
        assert {a.last_update_at for a in actions.values()} == {at("2026-06-01 09:00:00")}
        assert {a.version for a in actions.values()} == {2}
        assert len(session.scalars(select(ActionHistory)).all()) == 8
        visit = session.scalars(select(Deadline)).one()
        assert (visit.title, visit.evidence_sent_at, visit.evidence_sent_by) == (
            "Monitoring visit",
            None,
            None,
        )
        # The new tables take rows.
        session.add(
            DateRequest(
                action=actions["1.1"],
                requested_by=1,
                requested_at=at("2026-12-01 09:00:00"),
                due_date=actions["1.1"].due_date,
                proposed_date=actions["1.1"].due_date.replace(month=6),
                reason="Waiting for the new contract",
                state="pending",
            )
        )
        session.add(
            HighlightUpdate(
                deadline_id=visit.id,
                working_group_id=1,
                author_id=1,
                at=at("2026-12-01 09:00:00"),
                brag="amber",
                achievements="Strategy published",
            )
        )
    with db.session() as session:
        assert session.scalars(select(DateRequest.reason)).one() == "Waiting for the new contract"
        assert session.scalars(select(HighlightUpdate.achievements)).one() == "Strategy published"
    db.dispose()
