"""The reminder log: claiming occurrence keys, recording delivery, and the sweep lease.

A key is claimed before its message is sent and marked sent after. A claim that is never marked
(a crash between the two) is taken over by a later sweep once its lease runs out, so a reminder
is never lost; it can be sent twice only if the crash fell after Slack accepted the message.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import ClockLease, Reminder

CLAIM_LEASE = timedelta(minutes=10)


def settled_keys(session: Session, keys: list[str], wall_now: datetime) -> set[str]:
    """Keys that must not be sent now: already sent or failed, or claimed by a live sweep."""
    if not keys:
        return set()
    live = wall_now - CLAIM_LEASE
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = session.scalars(
            select(Reminder.key).where(
                Reminder.key.in_(chunk),
                or_(Reminder.state != "claimed", Reminder.claimed_at >= live),
            )
        )
        found.update(rows)
    return found


def claim(session: Session, rows: list[dict], holder: str, wall_now: datetime) -> set[str]:
    """Claim occurrence keys; returns those this holder won (new, or abandoned by a crash)."""
    if not rows:
        return set()
    values = [{**r, "state": "claimed", "claimed_at": wall_now, "claimed_by": holder} for r in rows]
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    statement = insert(Reminder).values(values).on_conflict_do_nothing(index_elements=["key"])
    won = set(session.scalars(statement.returning(Reminder.key)))
    abandoned = [r["key"] for r in rows if r["key"] not in won]
    if abandoned:
        taken = session.scalars(
            update(Reminder)
            .where(
                Reminder.key.in_(abandoned),
                Reminder.state == "claimed",
                Reminder.claimed_at < wall_now - CLAIM_LEASE,
            )
            .values(claimed_at=wall_now, claimed_by=holder)
            .returning(Reminder.key)
        )
        won.update(taken)
    return won


def mark_sent(session: Session, keys: set[str], wall_now: datetime) -> None:
    session.execute(
        update(Reminder).where(Reminder.key.in_(keys)).values(state="sent", sent_at=wall_now)
    )


def mark_failed(session: Session, keys: set[str], reason: str) -> None:
    session.execute(
        update(Reminder).where(Reminder.key.in_(keys)).values(state="failed", error=reason[:200])
    )


def release(session: Session, keys: set[str], holder: str) -> None:
    """Give claims back after a passing fault, so the next sweep tries again."""
    session.execute(
        delete(Reminder).where(
            Reminder.key.in_(keys), Reminder.state == "claimed", Reminder.claimed_by == holder
        )
    )


def take_lease(
    session: Session, name: str, holder: str, wall_now: datetime, length: timedelta
) -> bool:
    """Hold the named lease if it is free or expired; one sweep at a time across processes."""
    expires = wall_now + length
    taken = session.execute(
        update(ClockLease)
        .where(
            ClockLease.name == name,
            or_(ClockLease.expires_at < wall_now, ClockLease.holder == holder),
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
