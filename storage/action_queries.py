"""Queries over actions. Filtering and counting happen in SQL, never by loading every row."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    Action,
    ActionHistory,
    Area,
    WorkingGroup,
    action_areas,
    action_co_owners,
)

COMPLETE = "blue"
# Soonest due first, and those with no date agreed after every dated one: SQLite would put
# NULL first, PostgreSQL last.
DUE_DATED_FIRST = Action.due_date.asc().nulls_last()


@dataclass(frozen=True)
class ActionFilter:
    group: int | None = None
    area: int | None = None
    owner: int | None = None
    statuses: frozenset[str] = frozenset()
    overdue: bool = False
    due_within_days: int | None = None
    include_complete: bool = False


def ref_key(ref: str) -> str:
    return ref.strip().upper()


def find_action(session: Session, ref: str, for_update: bool = False) -> Action | None:
    """The action with this ref; `for_update` locks its row until the unit of work ends, so
    two people saving at once take turns instead of colliding (PostgreSQL; SQLite takes turns
    anyway, and optimistic locking catches the rest)."""
    query = select(Action).where(Action.ref_key == ref_key(ref)).options(selectinload(Action.areas))
    if for_update:
        query = query.with_for_update(of=Action)
    return session.scalars(query).first()


def find_group(session: Session, number: int) -> WorkingGroup | None:
    """A working group in the board file now (retired groups take no new actions)."""
    query = select(WorkingGroup).where(WorkingGroup.number == number, ~WorkingGroup.retired)
    return session.scalars(query).first()


def find_areas(session: Session, numbers: list[int]) -> list[Area]:
    if not numbers:
        return []
    return list(session.scalars(select(Area).where(Area.number.in_(numbers)).order_by(Area.number)))


def groups(session: Session) -> list[WorkingGroup]:
    query = select(WorkingGroup).where(~WorkingGroup.retired).order_by(WorkingGroup.number)
    return list(session.scalars(query))


def areas(session: Session) -> list[Area]:
    return list(session.scalars(select(Area).order_by(Area.number)))


def _filtered(query: Select, flt: ActionFilter, today: date) -> Select:
    query = query.where(Action.withdrawn_at.is_(None))
    if flt.group is not None:
        query = query.join(WorkingGroup, Action.working_group_id == WorkingGroup.id).where(
            WorkingGroup.number == flt.group
        )
    if flt.area is not None:
        query = (
            query.join(action_areas, action_areas.c.action_id == Action.id)
            .join(Area, Area.id == action_areas.c.area_id)
            .where(Area.number == flt.area)
        )
    if flt.owner is not None:
        # A co-owner's actions are theirs too: `mine` and `list owner @user` show them.
        co_owned = select(action_co_owners.c.action_id).where(
            action_co_owners.c.person_id == flt.owner
        )
        query = query.where(or_(Action.owner_id == flt.owner, Action.id.in_(co_owned)))
    if flt.statuses:
        query = query.where(Action.status.in_(flt.statuses))
    elif not flt.include_complete:
        query = query.where(Action.status != COMPLETE)
    if flt.overdue:
        query = query.where(Action.due_date < today, Action.status != COMPLETE)
    if flt.due_within_days is not None:
        horizon = today + timedelta(days=flt.due_within_days)
        query = query.where(
            Action.due_date >= today, Action.due_date <= horizon, Action.status != COMPLETE
        )
    return query


def list_actions(
    session: Session, flt: ActionFilter, today: date, limit: int
) -> tuple[list[Action], int]:
    """The first `limit` matching actions, soonest due first (those with no date agreed last),
    and how many match in all."""
    total = session.scalar(_filtered(select(func.count(Action.id)), flt, today)) or 0
    query = _filtered(select(Action), flt, today).order_by(DUE_DATED_FIRST, Action.ref_key)
    rows = list(session.scalars(query.options(selectinload(Action.areas)).limit(limit)))
    return rows, total


def auto_refs(session: Session) -> list[str]:
    return list(session.scalars(select(Action.ref_key).where(Action.ref_key.like("A%"))))


def recent_history(session: Session, action_id: int, count: int) -> tuple[list[ActionHistory], int]:
    total = session.scalar(
        select(func.count(ActionHistory.id)).where(ActionHistory.action_id == action_id)
    )
    rows = session.scalars(
        select(ActionHistory)
        .where(ActionHistory.action_id == action_id)
        .order_by(ActionHistory.id.desc())
        .limit(count)
    )
    return list(rows), total or 0
