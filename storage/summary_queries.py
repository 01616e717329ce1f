"""Aggregates for the board's summaries: counted in SQL, with only the first rows of each list
loaded, so a plan of any size answers quickly and fits in a message."""

from datetime import date, datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from storage.action_queries import DUE_DATED_FIRST
from storage.models import (
    Action,
    ActionHistory,
    Area,
    Deadline,
    HighlightUpdate,
    Risk,
    WorkingGroup,
    action_areas,
)

COMPLETE = "blue"
OFF_TRACK = ("red", "amber")
ON_TRACK = ("green", "amber")
# The dated events a review of the plan happens at: readiness counts updates since the last one.
REVIEWS = ("visit", "stocktake")
LIVE = Action.withdrawn_at.is_(None)
OPEN = (Action.withdrawn_at.is_(None), Action.status != COMPLETE)


def status_by_group(
    session: Session, group: int | None = None, area: int | None = None
) -> list[tuple[int, str, str, int]]:
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
    if area is not None:
        query = query.where(Action.id.in_(_area_action_ids(area)))
    return [tuple(row) for row in session.execute(query)]


def status_by_area(session: Session) -> list[tuple[int, str, str, int]]:
    """(area number, area title, status, count) for every action still in the plan; an action
    in two areas counts in both."""
    query = (
        select(Area.number, Area.title, Action.status, func.count(Action.id))
        .join(action_areas, action_areas.c.area_id == Area.id)
        .join(Action, Action.id == action_areas.c.action_id)
        .where(LIVE)
        .group_by(Area.number, Area.title, Action.status)
        .order_by(Area.number)
    )
    return [tuple(row) for row in session.execute(query)]


def find_area(session: Session, number: int) -> Area | None:
    return session.scalar(select(Area).where(Area.number == number))


def off_track(
    session: Session, limit: int, group: int | None = None, area: int | None = None
) -> tuple[list[Action], int]:
    """Open actions marked red or amber, red first."""
    red_first = case((Action.status == "red", 0), else_=1)
    where = (LIVE, Action.status.in_(OFF_TRACK))
    return _first_and_total(session, where, (red_first, Action.ref_key), limit, group, area)


def overdue_on_track(
    session: Session, today: date, limit: int, group: int | None = None, area: int | None = None
) -> tuple[list[Action], int]:
    """Open actions past their due date yet marked green or amber: a status to challenge."""
    where = (LIVE, Action.status.in_(ON_TRACK), Action.due_date < today)
    return _first_and_total(session, where, (Action.due_date, Action.ref_key), limit, group, area)


def _in_group(query: Select, group: int | None, area: int | None = None) -> Select:
    """Only the actions of one working group, or of one area of weakness."""
    if group is not None:
        query = query.join(WorkingGroup, Action.working_group_id == WorkingGroup.id).where(
            WorkingGroup.number == group
        )
    if area is not None:
        query = query.where(Action.id.in_(_area_action_ids(area)))
    return query


def _area_action_ids(area: int) -> Select:
    return (
        select(action_areas.c.action_id)
        .join(Area, Area.id == action_areas.c.area_id)
        .where(Area.number == area)
    )


def _first_and_total(
    session: Session,
    where: tuple,
    order: tuple,
    limit: int,
    group: int | None,
    area: int | None = None,
) -> tuple[list[Action], int]:
    count = select(func.count(Action.id)).where(*where)
    total = session.scalar(_in_group(count, group, area)) or 0
    rows = session.scalars(
        _in_group(select(Action).where(*where), group, area)
        .options(selectinload(Action.areas))
        .order_by(*order)
        .limit(limit)
    )
    return list(rows), total


def overdue(session: Session, today: date, limit: int, group=None, area=None):
    """Open actions past their due date, oldest first."""
    where = (*OPEN, Action.due_date < today)
    return _first_and_total(session, where, (Action.due_date, Action.ref_key), limit, group, area)


def due_between(session: Session, first: date, last: date, limit: int, group=None, area=None):
    where = (*OPEN, Action.due_date >= first, Action.due_date <= last)
    return _first_and_total(session, where, (Action.due_date, Action.ref_key), limit, group, area)


def not_updated_since(session: Session, since: datetime, limit: int, group=None, area=None):
    """Open actions with no update since `since`, longest silent first."""
    where = (*OPEN, Action.last_update_at < since)
    order = (Action.last_update_at, Action.ref_key)
    return _first_and_total(session, where, order, limit, group, area)


def open_actions(session: Session, limit: int, group=None, area=None):
    order = (DUE_DATED_FIRST, Action.ref_key)
    return _first_and_total(session, OPEN, order, limit, group, area)


def no_date_agreed(session: Session, limit: int, group=None, area=None):
    """Open actions with no due date agreed ("Ongoing", "TBC"), by reference."""
    where = (*OPEN, Action.due_date.is_(None))
    return _first_and_total(session, where, (Action.ref_key,), limit, group, area)


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


def latest_event(session: Session, kind: str, before: date) -> Deadline | None:
    return session.scalars(
        select(Deadline)
        .where(Deadline.removed_at.is_(None), Deadline.kind == kind, Deadline.date < before)
        .order_by(Deadline.date.desc(), Deadline.id.desc())
        .limit(1)
    ).first()


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


def previous_review(session: Session, before: date) -> tuple[date, str] | None:
    """The latest visit or stocktake before `before`, and which it was."""
    row = session.execute(
        select(Deadline.date, Deadline.kind)
        .where(Deadline.removed_at.is_(None), Deadline.kind.in_(REVIEWS), Deadline.date < before)
        .order_by(Deadline.date.desc(), Deadline.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def first_created_at(session: Session) -> datetime | None:
    """When the first action came into the plan (imported or added): where the plan began."""
    return session.scalar(
        select(func.min(ActionHistory.at)).where(ActionHistory.event == "created")
    )


def _progressed(since: datetime):
    """An update that counts for readiness: by the owner, lead or an admin in chat, not an
    import, re-date or reassignment (kept as Action.progress_at)."""
    return Action.progress_at.is_not(None) & (Action.progress_at >= since)


def updated_share_by_group(session: Session, since: datetime) -> list[tuple[int, str, int, int]]:
    """Per group: (number, name, open actions, of which updated since `since`)."""
    updated = func.sum(case((_progressed(since), 1), else_=0))
    rows = session.execute(
        select(WorkingGroup.number, WorkingGroup.name, func.count(Action.id), updated)
        .join(Action, Action.working_group_id == WorkingGroup.id)
        .where(*OPEN)
        .group_by(WorkingGroup.number, WorkingGroup.name)
        .order_by(WorkingGroup.number)
    )
    return [(n, name, total, int(done or 0)) for n, name, total, done in rows]


def updated_share_by_area(session: Session, since: datetime) -> list[tuple[int, str, int, int]]:
    """Per area of weakness: (number, title, open actions, of which updated since `since`)."""
    updated = func.sum(case((_progressed(since), 1), else_=0))
    rows = session.execute(
        select(Area.number, Area.title, func.count(Action.id), updated)
        .join(action_areas, action_areas.c.area_id == Area.id)
        .join(Action, Action.id == action_areas.c.action_id)
        .where(*OPEN)
        .group_by(Area.number, Area.title)
        .order_by(Area.number)
    )
    return [(n, title, total, int(done or 0)) for n, title, total, done in rows]


def not_progressed_since(session: Session, since: datetime):
    """The open actions with no update that counts since `since`, owner by owner."""
    return session.execute(
        select(Action, WorkingGroup)
        .join(WorkingGroup, Action.working_group_id == WorkingGroup.id)
        .where(*OPEN, ~_progressed(since))
        .order_by(Action.owner_id, DUE_DATED_FIRST, Action.ref_key)
    ).all()


def owners_waiting(
    session: Session, since: datetime, limit: int
) -> tuple[list[tuple[int, int]], int]:
    """Owners with open actions not updated since `since`: (owner, how many), most first."""
    count = func.count(Action.id)
    where = (*OPEN, ~_progressed(since))
    total = session.scalar(select(func.count(func.distinct(Action.owner_id))).where(*where)) or 0
    rows = session.execute(
        select(Action.owner_id, count)
        .where(*where)
        .group_by(Action.owner_id)
        .order_by(count.desc(), Action.owner_id)
        .limit(limit)
    )
    return [(owner, n) for owner, n in rows], total


def board_meeting_for_highlights(session: Session, today: date) -> Deadline | None:
    """The next board meeting, or if none is set, the latest one past."""
    live = (Deadline.removed_at.is_(None), Deadline.kind == "board")
    upcoming = session.scalars(
        select(Deadline).where(*live, Deadline.date >= today).order_by(Deadline.date).limit(1)
    ).first()
    if upcoming is not None:
        return upcoming
    return session.scalars(
        select(Deadline).where(*live, Deadline.date < today).order_by(Deadline.date.desc()).limit(1)
    ).first()


def latest_highlights(session: Session, meeting_id: int) -> list[HighlightUpdate]:
    """Each working group's latest highlight update for the meeting, by group number."""
    latest = (
        select(func.max(HighlightUpdate.id))
        .where(HighlightUpdate.deadline_id == meeting_id)
        .group_by(HighlightUpdate.working_group_id)
    )
    return list(
        session.scalars(
            select(HighlightUpdate)
            .join(WorkingGroup, WorkingGroup.id == HighlightUpdate.working_group_id)
            .where(HighlightUpdate.id.in_(latest))
            .order_by(WorkingGroup.number)
        )
    )


def live_groups(session: Session) -> list[tuple[int, str]]:
    """Working groups still in the board file: those a highlight update is asked of."""
    return [
        (n, name)
        for n, name in session.execute(
            select(WorkingGroup.number, WorkingGroup.name)
            .where(WorkingGroup.retired.is_(False))
            .order_by(WorkingGroup.number)
        )
    ]
