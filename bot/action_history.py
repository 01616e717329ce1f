"""Every change to an action becomes a history row; this module writes and reads them."""

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dates import format_long
from bot.message_text import Mention, Text, text
from bot.results import HistoryLine
from bot.status import Status
from storage.models import Action, ActionHistory


def record(
    action: Action,
    actor_id: str,
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


def describe(row: ActionHistory, tz: ZoneInfo) -> HistoryLine:
    return HistoryLine(
        on=row.at.astimezone(tz).date(), actor_id=row.actor_id, summary=_summary(row)
    )


def _summary(row: ActionHistory) -> Text:
    note = row.note or ""
    tail = (": " + note) if note else ""
    if row.event == "created":
        return text("Added to the plan", tail)
    if row.event == "note":
        return text("Note: ", note)
    if row.event == "withdrawn":
        return text("Withdrawn from the plan", tail)
    if row.field == "status":
        return text(f"Status {_status(row.old_value)} → {_status(row.new_value)}", tail)
    if row.field in ("owner_id", "sro_id"):
        who = "Owner" if row.field == "owner_id" else "Senior responsible officer"
        return text(f"{who} ", *_person(row.old_value), " → ", *_person(row.new_value), tail)
    if row.field in ("due_date", "start_date", "original_due_date"):
        label = {"due_date": "Due date", "start_date": "Start date"}.get(row.field, "Due date")
        return text(f"{label} {_date(row.old_value)} → {_date(row.new_value)}", tail)
    if row.field == "snoozed_until":
        return text(f"Reminders snoozed until {_date(row.new_value)}")
    if row.field == "evidence":
        return text("Evidence: ", row.new_value or "")
    label = (row.field or "").replace("_", " ").capitalize()
    return text(f"{label} changed from “{row.old_value or '—'}” to “{row.new_value or '—'}”", tail)


def _status(value: str | None) -> str:
    return Status(value).label if value else "—"


def _person(user_id: str | None) -> tuple:
    return (Mention(user_id),) if user_id else ("nobody",)


def _date(value: str | None) -> str:
    if not value:
        return "none"
    return format_long(datetime.fromisoformat(value).date())
