"""Every change to an action becomes a history row; this module writes and reads them."""

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dates import format_long
from bot.message_text import Mention, Text, text
from bot.no_date import NO_DATE_AGREED
from bot.people import PersonRef, optional_ref
from bot.results import HistoryLine
from bot.status import Status
from storage.models import Action, ActionHistory


def record(
    action: Action,
    actor_id: int | None,
    at: datetime,
    event: str,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
    note: str | None = None,
) -> None:
    action.history.append(
        ActionHistory(
            actor_id=actor_id,
            at=at,
            event=event,
            field=field,
            old_value=old,
            new_value=new,
            note=note,
        )
    )


def describe(row: ActionHistory, tz: ZoneInfo, people: dict[int, PersonRef]) -> HistoryLine:
    """One history row in words; `people` names those a change of owner or SRO mentions."""
    return HistoryLine(
        on=row.at.astimezone(tz).date(),
        actor=optional_ref(row.actor),
        summary=_summary(row, people),
    )


def people_named(rows: list[ActionHistory]) -> set[int]:
    """The people that changes of owner or SRO point at, to load in one go."""
    return {
        int(value)
        for row in rows
        if row.field in PERSON_FIELDS
        for value in (row.old_value, row.new_value)
        if value and value.isdigit()
    }


# History fields whose values are people's ids (linking two people rewrites them).
PERSON_FIELDS = ("owner_id", "sro_id", "co_owner")


def _summary(row: ActionHistory, people: dict[int, PersonRef]) -> Text:
    note = row.note or ""
    tail = (": " + note) if note else ""
    if row.event == "created":
        return text("Added to the plan", tail)
    if row.event == "note":
        return text("Note: ", note)
    if row.event == "progress":
        return text("Progress update: ", note)
    if row.event == "withdrawn":
        return text("Withdrawn from the plan", tail)
    if row.event == "linked":
        return text(note)
    if row.field == "co_owner":
        if row.new_value:
            return text("Co-owner added: ", *_person(row.new_value, people), tail)
        return text("Co-owner removed: ", *_person(row.old_value, people), tail)
    if row.field == "status":
        return text(f"Status {_status(row.old_value)} → {_status(row.new_value)}", tail)
    if row.field in ("owner_id", "sro_id"):
        who = "Owner" if row.field == "owner_id" else "Senior responsible officer"
        old, new = _person(row.old_value, people), _person(row.new_value, people)
        return text(f"{who} ", *old, " → ", *new, tail)
    if row.field in ("due_date", "start_date", "original_due_date"):
        label = {"due_date": "Due date", "start_date": "Start date"}.get(row.field, "Due date")
        # An empty due date is one with no date agreed; an empty start date is none.
        empty = "none" if row.field == "start_date" else NO_DATE_AGREED
        old, new = _date(row.old_value, empty), _date(row.new_value, empty)
        return text(f"{label} {old} → {new}", tail)
    if row.field == "snoozed_until":
        return text(f"Reminders snoozed until {_date(row.new_value)}")
    if row.field == "evidence":
        return text("Evidence: ", row.new_value or "")
    if row.field in ("review_brag", "review_progress"):  # an import put a past review right
        what = "BRAG" if row.field == "review_brag" else "Progress"
        old, new = row.old_value or "—", row.new_value or "—"
        return text(f"{what} at the review “{note}”: {old} → {new}")
    label = (row.field or "").replace("_", " ").capitalize()
    return text(f"{label} changed from “{row.old_value or '—'}” to “{row.new_value or '—'}”", tail)


def _status(value: str | None) -> str:
    return Status(value).label if value else "—"


def _person(value: str | None, people: dict[int, PersonRef]) -> tuple:
    if not value:
        return ("nobody",)
    person = people.get(int(value)) if value.isdigit() else None
    return (Mention(person),) if person else ("someone no longer known",)


def _date(value: str | None, empty: str = "none") -> str:
    if not value:
        return empty
    return format_long(datetime.fromisoformat(value).date())
