"""Snapshots at reviews: each action's BRAG and latest commentary as they stood when a
monitoring visit, stocktake or board meeting passed, as real trackers keep them (one BRAG and
one Progress column per review).

A snapshot is rebuilt from the action's history as it stood at the end of the review day
(London), so one taken late — the clock was down, or nobody asked until the export — is still
true. Taking them is idempotent: the unique key (review, action) lets two processes race safely.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.dates import format_long
from bot.status import Status
from bot.working_calendar import LONDON
from storage.database import Database
from storage.models import Action, ActionHistory, Deadline, ReviewSnapshot

# The kinds of deadline that are reviews (SPEC §2); "other" is not.
REVIEW_KINDS = ("visit", "board", "stocktake")
BATCH = 1_000  # actions asked about in one IN (…), as the import does


def passed_reviews(session: Session, today: date) -> list[Deadline]:
    """Every review whose day has ended, oldest first."""
    query = (
        select(Deadline)
        .where(
            Deadline.kind.in_(REVIEW_KINDS),
            Deadline.removed_at.is_(None),
            Deadline.date < today,
        )
        .order_by(Deadline.date, Deadline.id)
    )
    return list(session.scalars(query))


def end_of_day(day: date, tz: ZoneInfo = LONDON) -> datetime:
    """The moment a review day ends: midnight after it, in the board's time zone."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def take_due_snapshots(
    db: Database, today: date, tz: ZoneInfo = LONDON, now: datetime | None = None
) -> int:
    """Snapshot every review that has passed and has none yet; return how many were taken.

    Called by the reminder sweep, and before anything reads snapshots (the summary, the export),
    so that a board with no clock running is still right."""
    now = now or datetime.now(UTC)
    with db.session() as session:
        waiting = [(r.id, r.date) for r in passed_reviews(session, today) if r.snapshot_at is None]
    for review_id, day in waiting:
        with db.session() as session:
            take_one(session, review_id, end_of_day(day, tz), now)
    return len(waiting)


def take_one(session: Session, review_id: int, end: datetime, now: datetime) -> None:
    live = session.execute(
        select(Action.id, Action.status).where(
            Action.created_at < end,
            or_(Action.withdrawn_at.is_(None), Action.withdrawn_at >= end),
        )
    ).all()
    current = dict(live)
    rows = [
        {
            "deadline_id": review_id,
            "action_id": action_id,
            "brag": state.brag,
            "progress": state.progress,
            "taken_at": now,
        }
        for action_id, state in states_at(session, current, end).items()
    ]
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    for first in range(0, len(rows), BATCH):
        statement = insert(ReviewSnapshot).values(rows[first : first + BATCH])
        unique = ["deadline_id", "action_id"]
        session.execute(statement.on_conflict_do_nothing(index_elements=unique))
    session.execute(
        update(Deadline)
        .where(Deadline.id == review_id, Deadline.snapshot_at.is_(None))
        .values(snapshot_at=now)
    )


@dataclass(frozen=True)
class State:
    brag: str
    progress: str | None


def states_at(session: Session, current: dict[int, str], end: datetime) -> dict[int, State]:
    """Each action's status and latest commentary at `end`, from its history.

    The status is the last change before `end`, or, with none, what the first change after it
    changed from, or, with no change at all, today's. The commentary is the latest progress
    update (an import's), note, or note given with a status change in chat, before `end`."""
    status: dict[int, str] = {}
    first_after: dict[int, str] = {}
    progress: dict[int, str | None] = {}
    ids = sorted(current)
    for first in range(0, len(ids), BATCH):
        query = (
            select(
                ActionHistory.action_id,
                ActionHistory.at,
                ActionHistory.event,
                ActionHistory.field,
                ActionHistory.old_value,
                ActionHistory.new_value,
                ActionHistory.note,
            )
            .where(ActionHistory.action_id.in_(ids[first : first + BATCH]))
            .where(
                or_(
                    ActionHistory.field == "status",
                    ActionHistory.event.in_(("progress", "note")),
                )
            )
            .order_by(ActionHistory.id)
        )
        for action_id, at, event, field, old, new, note in session.execute(query):
            before = at < end
            if field == "status":
                if before:
                    status[action_id] = new
                else:
                    first_after.setdefault(action_id, old)
            if before and _is_commentary(event, field, note):
                progress[action_id] = note
    return {
        action_id: State(
            status.get(action_id) or first_after.get(action_id) or now_status,
            progress.get(action_id),
        )
        for action_id, now_status in current.items()
    }


def _is_commentary(event: str, field: str | None, note: str | None) -> bool:
    if event in ("progress", "note"):
        return True
    # A status change in chat may carry a note; an import's carries only "Imported from …".
    return event == "update" and field == "status" and bool(note)


# Reading them back: the export's columns and the summary's comparison


def review_labels(reviews: Iterable[Deadline]) -> dict[int, str]:
    """Each review's label in a column heading, unique: "Monitoring visit 10 Sep 2026"."""
    labels: dict[int, str] = {}
    seen: dict[str, int] = {}
    for review in reviews:
        label = f"{review.title} {review.date.day} {review.date:%b %Y}"
        count = seen[label.casefold()] = seen.get(label.casefold(), 0) + 1
        labels[review.id] = label if count == 1 else f"{label} ({count})"
    return labels


@dataclass(frozen=True)
class ReviewColumns:
    """The reviews with snapshots, oldest first, and each action's snapshot at each."""

    labels: tuple[str, ...]
    review_ids: tuple[int, ...]
    snapshots: dict[tuple[int, int], State]  # (review id, action id) → state

    def cells(self, action_id: int) -> list[State | None]:
        return [self.snapshots.get((review, action_id)) for review in self.review_ids]


def review_columns(session: Session, today: date, action_ids: list[int]) -> ReviewColumns:
    reviews = [r for r in passed_reviews(session, today) if r.snapshot_at is not None]
    labels = review_labels(reviews)
    ids = [r.id for r in reviews]
    found: dict[tuple[int, int], State] = {}
    for first in range(0, len(action_ids), BATCH):
        query = select(ReviewSnapshot).where(
            ReviewSnapshot.action_id.in_(action_ids[first : first + BATCH])
        )
        for snap in session.scalars(query):
            found[(snap.deadline_id, snap.action_id)] = State(snap.brag, snap.progress)
    return ReviewColumns(tuple(labels[i] for i in ids), tuple(ids), found)


# Since the last review: what improved and what slipped

# A board reads progress as blue > green > amber > red. "Not started" sits between red and
# amber: starting work on track is an improvement, but a red is worse than not having begun.
RANK = {
    Status.RED: 0,
    Status.NOT_STARTED: 1,
    Status.AMBER: 2,
    Status.GREEN: 3,
    Status.BLUE: 4,
}
SHOWN = 10  # actions named in each list; the rest are counted


@dataclass(frozen=True)
class Moved:
    ref: str
    title: str
    was: Status
    now: Status

    def words(self) -> str:
        return f"{self.ref} {self.title} ({_name(self.was)} → {_name(self.now)})"


@dataclass(frozen=True)
class SinceReview:
    """How the actions moved since the latest review's snapshot."""

    title: str
    on: date
    improved: tuple[Moved, ...]
    slipped: tuple[Moved, ...]

    def heading(self) -> str:
        return (
            f"Since the {self.title} on {format_long(self.on)}: "
            f"{len(self.improved)} improved, {len(self.slipped)} slipped"
        )

    def lines(self) -> list[str]:
        """Plain text; each door escapes and marks it up."""
        out: list[str] = []
        for word, moved in (("Slipped", self.slipped), ("Improved", self.improved)):
            out += [f"{word}: {m.words()}" for m in moved[:SHOWN]]
            if len(moved) > SHOWN:
                out.append(f"…and {len(moved) - SHOWN} more {word.lower()}")
        return out


def since_last_review(
    session: Session, today: date, group: int | None = None, area: int | None = None
) -> SinceReview | None:
    """Compare today's statuses with the latest review's snapshot; None before any review."""
    reviews = [r for r in passed_reviews(session, today) if r.snapshot_at is not None]
    if not reviews:
        return None
    review = reviews[-1]
    query = (
        select(Action, ReviewSnapshot.brag)
        .join(ReviewSnapshot, and_(ReviewSnapshot.action_id == Action.id))
        .where(ReviewSnapshot.deadline_id == review.id, Action.withdrawn_at.is_(None))
    )
    if group is not None:
        query = query.where(Action.working_group.has(number=group))
    if area is not None:
        query = query.where(Action.areas.any(number=area))
    improved: list[Moved] = []
    slipped: list[Moved] = []
    for action, brag in session.execute(query):
        was, now = _status(brag), Status(action.status)
        if RANK[now] > RANK[was]:
            improved.append(Moved(action.ref, action.title, was, now))
        elif RANK[now] < RANK[was]:
            slipped.append(Moved(action.ref, action.title, was, now))
    return SinceReview(review.title, review.date, _in_order(improved), _in_order(slipped))


def _in_order(moved: list[Moved]) -> tuple[Moved, ...]:
    return tuple(sorted(moved, key=lambda m: m.ref.casefold()))


def _status(value: str) -> Status:
    return Status(value) if value in set(Status) else Status.NOT_STARTED


def _name(status: Status) -> str:
    return status.label.split(" (")[0].lower()
