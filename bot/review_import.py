"""The import's side of review snapshots: a tracker's `BRAG <review>` and `Progress <review>`
columns, as our export writes them and as councils keep them ("RAG Q1 2024/25", "BRAG Jan 24",
"Progress update Mar 2024").

A label naming a stored review is compared with its snapshots: equal is unchanged, missing is
created, different is updated with a history row and reported. A label that reads as a date,
month or quarter and names no review becomes a past stocktake (said as a warning), so a tracker
arrives with its past quarters; any other label is reported and its column skipped.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clean_text import clean
from bot.dates import DateError, format_long, parse_written_date
from bot.review_snapshots import (
    State,
    end_of_day,
    passed_reviews,
    review_labels,
    take_one,
)
from bot.tracker_values import CellValueError, StatusWords, read_tracker_date
from bot.working_calendar import LONDON
from storage.models import Action, ActionHistory, Deadline, ReviewSnapshot

_SEP = r"[\s:\-–—]*"
_BRAG = re.compile(rf"(?:b?rag(?:\s+(?:rating|status))?|status)\b{_SEP}(.+)", re.IGNORECASE)
_PROGRESS = re.compile(
    rf"(?:progress(?:\s+updates?)?|updates?|commentary)\b{_SEP}(.+)", re.IGNORECASE
)
NEW_KIND = "stocktake"


def review_heading(heading: str) -> tuple[str, str] | None:
    """("brag" or "progress", the review's label) for a review column's heading, else None."""
    text = " ".join(heading.split())
    for kind, pattern in (("brag", _BRAG), ("progress", _PROGRESS)):
        if (m := pattern.fullmatch(text)) and m[1].strip(" -–—:"):
            return kind, m[1].strip(" -–—:")
    return None


@dataclass
class _Column:
    label: str
    headings: list[str] = field(default_factory=list)
    brag: str | None = None  # the heading of its BRAG column
    progress: str | None = None  # and of its Progress column
    review: Deadline | None = None


def import_reviews(
    session: Session,
    headings: Iterable[str],
    cells: dict[int, dict[str, str]],
    rows: list[tuple[int, Action | None]],
    report,
    now: datetime,
    status_words: StatusWords,
) -> None:
    """Bring in the review columns for the rows taken in: (line, action; None when a check would
    create it). Warnings go to the report; actions whose snapshots change are updated."""
    columns = _columns(headings)
    if not columns:
        return
    today = now.astimezone(LONDON).date()
    for column in columns:
        _resolve(session, column, report, now, today)
    updated: set[str] = set()
    for column in (c for c in columns if c.review is not None):
        stored = _stored(session, column.review.id)
        for line, action in rows:
            if action is None:
                continue
            row = cells.get(line, {})
            if _row(session, column, row, line, action, stored, report, now, status_words):
                updated.add(action.ref)
    moved = [ref for ref in report.unchanged if ref in updated]
    report.unchanged[:] = [ref for ref in report.unchanged if ref not in updated]
    report.updated += moved


def _columns(headings: Iterable[str]) -> list[_Column]:
    found: dict[str, _Column] = {}
    for heading in headings:
        read = review_heading(heading)
        if read is None:
            continue
        kind, label = read
        column = found.setdefault(label.casefold(), _Column(label))
        column.headings.append(heading)
        if getattr(column, kind) is None:
            setattr(column, kind, heading)
    return list(found.values())


def _resolve(session: Session, column: _Column, report, now: datetime, today: date) -> None:
    reviews = passed_reviews(session, today)
    labels = review_labels(reviews)
    key = column.label.casefold()
    by_label = [r for r in reviews if labels[r.id].casefold() == key]
    by_title = [r for r in reviews if r.title.casefold() == key]
    named = ", ".join(f"“{h}”" for h in column.headings)
    day = _label_date(column.label)
    on_day = [r for r in reviews if r.date == day]
    match = by_label or (by_title if len(by_title) == 1 else []) or on_day[:1]
    if match:
        column.review = match[0]
        if column.review.snapshot_at is None:  # it passed while no clock was running
            take_one(session, column.review.id, end_of_day(column.review.date), now)
        return
    if day is not None and day >= today:
        report.warnings.append(
            f"The columns {named}: “{column.label}” is still to come, so they were skipped."
        )
        return
    if day is None:
        report.warnings.append(
            f"The columns {named}: “{column.label}” is not a review in the plan, so they were "
            "skipped. Add the review with the deadline command first, or name it by a date, "
            "month or quarter."
        )
        return
    review = Deadline(
        kind=NEW_KIND,
        date=day,
        title=column.label,
        created_by=None,  # the import brought it in: no one typed it
        created_at=now,
        snapshot_at=now,  # the tracker is the record of it: nothing to rebuild
    )
    session.add(review)
    session.flush()
    column.review = review
    report.warnings.append(
        f"The columns {named}: no review was in the plan for “{column.label}”, so a past "
        f"stocktake “{column.label}” on {format_long(day)} was added for them."
    )


def _label_date(label: str) -> date | None:
    """The day a label names: the label whole ("Q1 2024/25", "Jan 24"), or its last words
    ("Monitoring visit 10 Sep 2026")."""
    words = label.split()
    for start in range(len(words)):
        text = " ".join(words[start:])
        try:
            read = read_tracker_date(text)
            return read.value if read else parse_written_date(text)
        except (CellValueError, DateError, ValueError):
            continue
    return None


def _stored(session: Session, review_id: int) -> dict[int, ReviewSnapshot]:
    query = select(ReviewSnapshot).where(ReviewSnapshot.deadline_id == review_id)
    return {snap.action_id: snap for snap in session.scalars(query)}


def _row(
    session: Session,
    column: _Column,
    row: dict[str, str],
    line: int,
    action: Action,
    stored: dict[int, ReviewSnapshot],
    report,
    now: datetime,
    status_words: StatusWords,
) -> bool:
    """One action's snapshot at one review; True when it was created or changed."""
    brag_text = clean(row.get(column.brag or "", ""), multiline=False).strip()
    progress = clean(row.get(column.progress or "", ""), multiline=True).strip() or None
    had = stored.get(action.id)
    if not brag_text and progress is None:
        return False  # the file says nothing of this action at this review
    where = f"Line {line}: {action.ref} at “{column.label}”"
    if not brag_text:
        if had is None:
            report.warnings.append(f"{where} has progress but no BRAG, so it was left out.")
            return False
        brag = had.brag
    else:
        try:
            brag = str(status_words.read(brag_text).value)
        except CellValueError as error:
            report.warnings.append(f"{where}: {error} Left out.")
            return False
    if column.progress is None and had is not None:
        progress = had.progress  # the file has no Progress column for this review
    new = State(brag, progress)
    if had is None:
        session.add(
            ReviewSnapshot(
                deadline_id=column.review.id,
                action_id=action.id,
                brag=brag,
                progress=progress,
                taken_at=now,
            )
        )
        return True
    old = State(had.brag, had.progress)
    if old == new:
        return False
    for field_name, before, after in (
        ("review_brag", old.brag, new.brag),
        ("review_progress", old.progress, new.progress),
    ):
        if before != after:
            session.add(
                ActionHistory(
                    action_id=action.id,
                    at=now,
                    actor_id=None,
                    event="import",
                    field=field_name,
                    old_value=before,
                    new_value=after,
                    note=column.label,
                )
            )
    what = f"BRAG {old.brag} → {new.brag}" if old.brag != new.brag else "progress changed"
    report.warnings.append(f"{where}: {what} (the snapshot was updated).")
    had.brag, had.progress, had.taken_at = brag, progress, now
    return True
