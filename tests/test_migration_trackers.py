"""Migration 0010 loses nothing: every action, risk and review is kept as it was, and what the
new schema allows (no date agreed, co-owners, snapshots, risks no person created) then works."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.migrate import upgrade
from storage.models import Action, Deadline, Person, ReviewSnapshot, Risk, RiskHistory
from tests.support.databases import BACKENDS, filled_at

OLD_PLAN = [
    "INSERT INTO people (id, name, created_at, updated_at) VALUES "
    "(1, 'Sam Smith', '2026-01-01 09:00:00', '2026-01-01 09:00:00'),"
    "(2, 'Ade Okoro', '2026-01-01 09:00:00', '2026-01-01 09:00:00')",
    "INSERT INTO working_groups (id, number, name, lead_id, retired) VALUES "
    "(1, 1, 'Understanding of Need', 1, false)",
    "INSERT INTO actions (id, ref, ref_key, title, working_group_id, owner_id, "
    "original_due_date, due_date, due_revised_by, due_revised_reason, status, created_at, "
    "last_update_at, version) VALUES "
    "(1, '1.1', '1.1', 'Publish the offer', 1, 1, '2027-03-01', '2027-05-28', 2, 'Staffing', "
    "'amber', '2026-01-01 09:00:00', '2026-06-01 09:00:00', 3),"
    "(2, '1.2', '1.2', 'Audit plans', 1, 2, '2027-04-01', '2027-04-01', NULL, NULL, "
    "'green', '2026-01-01 09:00:00', '2026-06-01 09:00:00', 1)",
    "INSERT INTO deadlines (id, kind, date, title, created_by, created_at) VALUES "
    "(1, 'visit', '2026-09-10', 'Monitoring visit', 1, '2026-01-01 09:00:00')",
    "INSERT INTO risks (id, number, description, owner_id, likelihood, impact, status, "
    "created_by, created_at, updated_at, version) VALUES "
    "(1, 1, 'Staff leave, so plans slip', 2, 4, 3, 'open', 1, '2026-01-01 09:00:00', "
    "'2026-01-01 09:00:00', 1)",
    "INSERT INTO risk_history (risk_id, at, actor_id, event, old_score, new_score) VALUES "
    "(1, '2026-01-01 09:00:00', 1, 'created', NULL, 12)",
]


@pytest.fixture(params=BACKENDS)
def old_database(request, tmp_path: Path) -> str:
    """A database at revision 0009 holding actions (one re-dated), a visit and a risk."""
    return filled_at(
        "0009",
        OLD_PLAN,
        ("people", "working_groups", "actions", "deadlines", "risks", "risk_history"),
        request.param,
        tmp_path,
    )


def test_upgrade_keeps_every_row_and_allows_what_trackers_hold(old_database: str):
    upgrade(old_database)
    db = Database(old_database)
    with db.session() as session:
        actions = {a.ref: a for a in session.scalars(select(Action))}
        assert {ref: (a.original_due_date, a.due_date) for ref, a in actions.items()} == {
            "1.1": (date(2027, 3, 1), date(2027, 5, 28)),
            "1.2": (date(2027, 4, 1), date(2027, 4, 1)),
        }
        assert actions["1.1"].due_revised_reason == "Staffing"
        assert actions["1.1"].due_revised_by == 2
        assert {a.due_approved_by for a in actions.values()} == {None}
        assert {a.version for a in actions.values()} == {3, 1}
        assert [a.co_owners for a in actions.values()] == [[], []]
        risk = session.scalars(select(Risk)).one()
        assert (risk.ref, risk.score, risk.created_by) == ("R1", 12, 1)
        assert len(session.scalars(select(RiskHistory)).all()) == 1
        visit = session.scalars(select(Deadline)).one()
        assert visit.snapshot_at is None
        # What the new schema allows: no date agreed, a co-owner, a snapshot, an imported risk.
        actions["1.2"].due_date = actions["1.2"].original_due_date = None
        actions["1.1"].co_owners.append(session.get(Person, 2))
        session.add(ReviewSnapshot(deadline_id=1, action_id=1, brag="amber", progress="On it"))
        session.add(
            Risk(
                number=2,
                description="Imported",
                owner_id=2,
                likelihood=2,
                impact=2,
                created_by=None,
            )
        )
    with db.session() as session:
        actions = {a.ref: a for a in session.scalars(select(Action))}
        assert actions["1.2"].due_date is None
        assert [p.name for p in actions["1.1"].co_owners] == ["Ade Okoro"]
        assert session.scalars(select(ReviewSnapshot.brag)).one() == "amber"
        assert session.scalars(select(Risk.created_by).where(Risk.number == 2)).one() is None
    db.dispose()
