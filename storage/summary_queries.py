"""Aggregates for the board's summaries: counted in SQL, with only the first rows of each list
loaded, so a plan of any size answers quickly and fits in a message."""

from datetime import date, datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from storage.models import Action, ActionHistory, Deadline, Risk, WorkingGroup

COMPLETE = "blue"
LIVE = Action.withdrawn_at.is_(None)
OPEN = (Action.withdrawn_at.is_(None), Action.status != COMPLETE)


def status_by_group(session: Session, group: int | None = None) -> list[tuple[int, str, str, int]]:
    """(group number, group name, status, count) for every action still in the plan."""
    query = (
        select(WorkingGroup.number, WorkingGroup.name, Action.status, func.count(Action.id))
        .join(Action, Action.working_group_id == WorkingGroup.id)
        .where(LIVE)
        .group_by(WorkingGroup.number, WorkingGroup.name, Action.status)
        .order_by(WorkingGroup.number)
    )
    if group is not None:
        query = query.where(WorkingGroup.number == group)
    return [tuple(row) for row in session.execute(query)]


def _in_group(query: Select, group: int | None) -> Select:
    if group is None:
        return query
    return query.join(WorkingGroup, Action.working_group_id == WorkingGroup.id).where(
        WorkingGroup.number == group
    )


def _first_and_total(
    session: Session, where: tuple, order: tuple, limit: int, group: int | None
) -> tuple[list[Action], int]:
    total = session.scalar(_in_group(select(func.count(Action.id)).where(*where), group)) or 0
    rows = session.scalars(
        _in_group(select(Action).where(*where), group)
        .options(selectinload(Action.areas))
        .order_by(*order)
        .limit(limit)
    )
    return list(rows), total


def overdue(session: Session, today: date, limit: int, group: int | None = None):
    """Open actions past their due date, oldest first."""
    return _first_and_total(
        session, (*OPEN, Action.due_date < today), (Action.due_date, Action.ref_key), limit, group
    )


def due_between(session: Session, first: date, last: date, limit: int, group: int | None = None):
    where = (*OPEN, Action.due_date >= first, Action.due_date <= last)
    return _first_and_total(session, where, (Action.due_date, Action.ref_key), limit, group)


def not_updated_since(session: Session, since: datetime, limit: int, group: int | None = None):
    """Open actions with no update since `since`, longest silent first."""
    where = (*OPEN, Action.last_update_at < since)
    return _first_and_total(session, where, (Action.last_update_at, Action.ref_key), limit, group)


def open_actions(session: Session, limit: int, group: int | None = None):
    return _first_and_total(session, OPEN, (Action.due_date, Action.ref_key), limit, group)


def top_risks(
    session: Session, limit: int, group: int | None = None, owner: int | None = None
) -> tuple[list[Risk], int]:
    """Open risks, highest score first, and how many there are."""
    where = [Risk.status == "open"]
    if owner is not None:
        where.append(Risk.owner_id == owner)
    if group is not None:
        where.append(Risk.working_group.has(WorkingGroup.number == group))
    total = session.scalar(select(func.count(Risk.id)).where(*where)) or 0
    rows = session.scalars(
        select(Risk)
        .where(*where)
        .order_by((Risk.likelihood * Risk.impact).desc(), Risk.number)
        .limit(limit)
    )
    return list(rows), total


def risk_grid(session: Session) -> dict[tuple[int, int], int]:
    """Open risks counted by (likelihood, impact): the 5×5 heat map."""
    rows = session.execute(
        select(Risk.likelihood, Risk.impact, func.count(Risk.id))
        .where(Risk.status == "open")
        .group_by(Risk.likelihood, Risk.impact)
    )
    return {(likelihood, impact): count for likelihood, impact, count in rows}


def next_deadlines(session: Session, today: date, limit: int) -> list[Deadline]:
    return list(
        session.scalars(
            select(Deadline)
            .where(Deadline.removed_at.is_(None), Deadline.date >= today)
            .order_by(Deadline.date, Deadline.id)
            .limit(limit)
        )
    )


def last_event(session: Session, kind: str, before: date) -> date | None:
    return session.scalar(
        select(func.max(Deadline.date)).where(
            Deadline.removed_at.is_(None), Deadline.kind == kind, Deadline.date < before
        )
    )


def next_event(session: Session, kind: str, on_or_after: date) -> Deadline | None:
    return session.scalars(
        select(Deadline)
        .where(Deadline.removed_at.is_(None), Deadline.kind == kind, Deadline.date >= on_or_after)
        .order_by(Deadline.date, Deadline.id)
        .limit(1)
    ).first()


def status_changes_since(session: Session, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count(ActionHistory.id)).where(
                ActionHistory.field == "status", ActionHistory.at >= since
            )
        )
        or 0
    )


def completed_since(session: Session, since: datetime, limit: int) -> tuple[list[str], int]:
    where = (
        ActionHistory.field == "status",
        ActionHistory.new_value == COMPLETE,
        ActionHistory.at >= since,
    )
    total = session.scalar(select(func.count(ActionHistory.id)).where(*where)) or 0
    refs = session.scalars(
        select(Action.ref).join(ActionHistory).where(*where).order_by(ActionHistory.id).limit(limit)
    )
    return list(refs), total


def risks_logged_since(session: Session, since: datetime, limit: int) -> tuple[list[int], int]:
    where = (Risk.created_at >= since,)
    total = session.scalar(select(func.count(Risk.id)).where(*where)) or 0
    numbers = session.scalars(select(Risk.number).where(*where).order_by(Risk.number).limit(limit))
    return list(numbers), total


def updated_share_by_group(session: Session, since: datetime) -> list[tuple[int, str, int, int]]:
    """Per group: (number, name, open actions, of which updated since `since`)."""
    updated = func.sum(case((Action.last_update_at >= since, 1), else_=0))
    rows = session.execute(
        select(WorkingGroup.number, WorkingGroup.name, func.count(Action.id), updated)
        .join(Action, Action.working_group_id == WorkingGroup.id)
        .where(*OPEN)
        .group_by(WorkingGroup.number, WorkingGroup.name)
        .order_by(WorkingGroup.number)
    )
    return [(n, name, total, int(done or 0)) for n, name, total, done in rows]


def owners_waiting(
    session: Session, since: datetime, limit: int
) -> tuple[list[tuple[int, int]], int]:
    """Owners with open actions not updated since `since`: (owner, how many), most first."""
    count = func.count(Action.id)
    where = (*OPEN, Action.last_update_at < since)
    total = session.scalar(select(func.count(func.distinct(Action.owner_id))).where(*where)) or 0
    rows = session.execute(
        select(Action.owner_id, count)
        .where(*where)
        .group_by(Action.owner_id)
        .order_by(count.desc(), Action.owner_id)
        .limit(limit)
    )
    return [(owner, n) for owner, n in rows], total
