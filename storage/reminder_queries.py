"""Load only what could be due now: the candidate actions and events, never the whole plan."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import Action, Deadline, Risk, WorkingGroup

COMPLETE = "blue"
EVENT_HORIZON_DAYS = 70  # the earliest visit reminder is about eight weeks before it


def candidate_actions(
    session: Session, today: date, now: datetime, due_within_days: int, stale_after_days: int
) -> list[tuple[Action, WorkingGroup]]:
    """Open actions that are due soon, overdue, or stale."""
    query = (
        select(Action, WorkingGroup)
        .join(WorkingGroup, Action.working_group_id == WorkingGroup.id)
        .where(
            Action.withdrawn_at.is_(None),
            Action.status != COMPLETE,
            or_(
                Action.due_date <= today + timedelta(days=due_within_days),
                Action.last_update_at <= now - timedelta(days=stale_after_days),
            ),
        )
    )
    return [(action, group) for action, group in session.execute(query)]


def upcoming_events(session: Session, today: date) -> list[Deadline]:
    return list(
        session.scalars(
            select(Deadline).where(
                Deadline.removed_at.is_(None),
                Deadline.kind.in_(("visit", "board")),
                Deadline.date >= today,
                Deadline.date <= today + timedelta(days=EVENT_HORIZON_DAYS),
            )
        )
    )


def status_counts(session: Session, today: date) -> tuple[dict[str, int], int]:
    """Open actions by status, and how many are overdue: aggregates, not rows."""
    open_actions = Action.withdrawn_at.is_(None)
    rows = session.execute(
        select(Action.status, func.count(Action.id)).where(open_actions).group_by(Action.status)
    )
    counts = {status: count for status, count in rows}
    overdue = session.scalar(
        select(func.count(Action.id)).where(
            open_actions, Action.status != COMPLETE, Action.due_date < today
        )
    )
    return counts, overdue or 0


def risks_due_for_review(session: Session, today: date) -> list[Risk]:
    return list(
        session.scalars(
            select(Risk).where(
                Risk.status == "open", Risk.review_date.is_not(None), Risk.review_date <= today
            )
        )
    )
