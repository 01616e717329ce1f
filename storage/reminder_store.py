"""The reminder log: claiming occurrence keys, recording delivery, and the sweep lease.

A key is claimed before its message is sent and marked sent after. A claim that is never marked
(a crash between the two) is taken over by a later sweep once its lease runs out, so a reminder
is never lost; it can be sent twice only if the crash fell after Slack accepted the message.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import ClockLease, Reminder

CLAIM_LEASE = timedelta(minutes=10)

# Says whether the process named by a holder id is known to be gone (e.g. killed on this host).
IsGone = Callable[[str], bool]


def _never_gone(holder: str) -> bool:
    return False


def settled_keys(
    session: Session, keys: list[str], wall_now: datetime, is_gone: IsGone = _never_gone
) -> set[str]:
    """Keys that must not be sent now: already sent or failed, or claimed by a live sweep."""
    live = wall_now - CLAIM_LEASE
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        rows = session.execute(
            select(Reminder.key, Reminder.state, Reminder.claimed_by).where(
                Reminder.key.in_(keys[start : start + 500]),
                or_(Reminder.state != "claimed", Reminder.claimed_at >= live),
            )
        )
        found.update(key for key, state, by in rows if state != "claimed" or not is_gone(by))
    return found


def claim(
    session: Session,
    rows: list[dict],
    holder: str,
    wall_now: datetime,
    is_gone: IsGone = _never_gone,
) -> set[str]:
    """Claim occurrence keys; returns those this holder won (new, or abandoned by a crash)."""
    if not rows:
        return set()
    values = [{**r, "state": "claimed", "claimed_at": wall_now, "claimed_by": holder} for r in rows]
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    statement = insert(Reminder).values(values).on_conflict_do_nothing(index_elements=["key"])
    won = set(session.scalars(statement.returning(Reminder.key)))
    others = [r["key"] for r in rows if r["key"] not in won]
    if others:
        gone = _gone_holders(session, others, is_gone)
        taken = session.scalars(
            update(Reminder)
            .where(
                Reminder.key.in_(others),
                Reminder.state == "claimed",
                or_(Reminder.claimed_at < wall_now - CLAIM_LEASE, Reminder.claimed_by.in_(gone)),
            )
            .values(claimed_at=wall_now, claimed_by=holder)
            .returning(Reminder.key)
        )
        won.update(taken)
    return won


def _gone_holders(session: Session, keys: list[str], is_gone: IsGone) -> list[str]:
    holders = session.scalars(
        select(Reminder.claimed_by)
        .where(Reminder.key.in_(keys), Reminder.state == "claimed")
        .distinct()
    )
    return [h for h in holders if is_gone(h)]


def mark_sent(session: Session, keys: set[str], wall_now: datetime) -> None:
    session.execute(
        update(Reminder).where(Reminder.key.in_(keys)).values(state="sent", sent_at=wall_now)
    )


def mark_failed(session: Session, keys: set[str], reason: str) -> None:
    session.execute(
        update(Reminder).where(Reminder.key.in_(keys)).values(state="failed", error=reason[:200])
    )


def failures_since(
    session: Session, since: datetime, leaving_out: str
) -> list[tuple[int | None, str | None, str]]:
    """Who (a person's id) or where (a place) reminders failed for good since `since`, and why;
    reminders of kind `leaving_out` are not counted."""
    rows = session.execute(
        select(Reminder.recipient_id, Reminder.place, Reminder.error)
        .where(
            Reminder.state == "failed", Reminder.kind != leaving_out, Reminder.claimed_at >= since
        )
        .distinct()
    )
    return [(person, place, error or "") for person, place, error in rows]


def release(session: Session, keys: set[str], holder: str) -> None:
    """Give claims back after a passing fault, so the next sweep tries again."""
    session.execute(
        delete(Reminder).where(
            Reminder.key.in_(keys), Reminder.state == "claimed", Reminder.claimed_by == holder
        )
    )


def take_lease(
    session: Session,
    name: str,
    holder: str,
    wall_now: datetime,
    length: timedelta,
    is_gone: IsGone = _never_gone,
) -> bool:
    """Hold the named lease if it is free, expired or its holder is gone; one sweep at a time."""
    expires = wall_now + length
    current = session.scalar(select(ClockLease.holder).where(ClockLease.name == name))
    gone = [current] if current and is_gone(current) else []
    taken = session.execute(
        update(ClockLease)
        .where(
            ClockLease.name == name,
            or_(
                ClockLease.expires_at < wall_now,
                ClockLease.holder == holder,
                ClockLease.holder.in_(gone),
            ),
        )
        .values(holder=holder, expires_at=expires)
    ).rowcount
    if taken:
        return True
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    created = session.execute(
        insert(ClockLease)
        .values(name=name, holder=holder, expires_at=expires)
        .on_conflict_do_nothing(index_elements=["name"])
    ).rowcount
    return bool(created)


def drop_lease(session: Session, name: str, holder: str) -> None:
    session.execute(
        delete(ClockLease).where(and_(ClockLease.name == name, ClockLease.holder == holder))
    )
