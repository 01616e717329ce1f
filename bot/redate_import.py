"""A revised due date in a tracker, as the import reads it: the original date, the revised one,
why it changed, who approved it (the board or DfE/NHS England) and when.

Real trackers keep "Due date" beside "Revised date" / "Revised due date": the revised date is the
one the action is due on now, and the first stays as the original. Our export writes "Original
due date" beside "Due date". Either way the action ends up the same, so importing an export back
changes nothing. A re-date still awaiting DfE/NHS England is exported for the board to see but not
imported: it is recorded in chat, where an admin gives the answer.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from bot.plan_config import BOARD, DFE
from bot.working_calendar import LONDON

FIELDS = ("original_due", "revised_due", "revised_reason", "revised_by", "approved_on")
DATE_FIELDS = {"original_due": "original due date", "revised_due": "revised due date"}
DATE_FIELDS["approved_on"] = "date the new date was approved"
# Headings, as heading_key makes them (letters and digits, one case).
SYNONYMS = {
    "original_due": "originalduedate originaldate originaltimescale",
    "revised_due": "revisedduedate reviseddate revisedtimescale newduedate revisedenddate",
    "revised_reason": "reasonforchange reasonfornewdate reasonforrevision reasonforrevisedate "
    "reasonforrevisedduedate reasonfordelay reasonforthechange",
    "revised_by": "approvedby revisedby revisionapprovedby newdateapprovedby changeapprovedby",
    "approved_on": "approvedon dateapproved approveddate newdateapprovedon",
}
# Our export's columns for a re-date awaiting DfE/NHS England: shown, never imported.
EXPORT_ONLY = ("newdateawaitingapproval", "reasonfornewdateawaitingapproval")
EXPORT_HEADINGS = (
    "Reason for new date",
    "New date approved by",
    "New date approved on",
    "New date awaiting approval",
    "Reason for new date awaiting approval",
)

_APPROVERS = {
    "board": BOARD,
    "theboard": BOARD,
    "improvementboard": BOARD,
    "sendboard": BOARD,
    "dfe": DFE,
    "nhse": DFE,
    "nhsengland": DFE,
    "dfenhse": DFE,
    "dfeandnhse": DFE,
    "dfenhsengland": DFE,
    "dfeandnhsengland": DFE,
}


def read_approver(text: str) -> str:
    """ "Board" → board; "DfE", "NHSE", "DfE/NHSE", "DfE and NHS England" → dfe."""
    key = "".join(ch for ch in text.casefold() if ch.isalnum())
    if key in _APPROVERS:
        return _APPROVERS[key]
    raise ValueError(
        f"“{text[:40]}” is not who approved a new date: write Board, or DfE, NHSE or DfE/NHSE."
    )


def approver_words(approved_by: str | None) -> str | None:
    """As the export writes it, and the import reads it back."""
    return {BOARD: "Board", DFE: "DfE/NHSE"}.get(approved_by or "", approved_by)


def settle_revised(values: dict[str, Any]) -> None:
    """A tracker's revised date is the due date now; its first due date is the original."""
    if values.get("original_due", 0) is None:
        del values["original_due"]  # an empty cell: the original stays as it is
    revised = values.pop("revised_due", None)
    if revised is None:
        return
    if values.get("due") is not None:
        values.setdefault("original_due", values["due"])
    values["due"] = revised


def approved_at(day: date) -> datetime:
    """A day the tracker gives, kept as midday in London of that day."""
    return datetime.combine(day, time(12), tzinfo=LONDON).astimezone(UTC)


def compare_approved_on(action: Any, new: date | None) -> tuple[datetime, str | None] | None:
    old = action.due_approved_at
    old_day = old.astimezone(LONDON).date() if old is not None else None
    if new is None or old_day == new:
        return None
    return approved_at(new), old_day.isoformat() if old_day else None


def fill_new(action: Any, values: dict[str, Any]) -> None:
    """A new action's revision, as the tracker gives it."""
    if values.get("original_due") is not None:
        action.original_due_date = values["original_due"]
    action.due_revised_reason = values.get("revised_reason")
    action.due_approved_by = values.get("revised_by")
    if values.get("approved_on") is not None:
        action.due_approved_at = approved_at(values["approved_on"])


Compare = Callable[[Any, Any], Any]
# Which Action attribute each field is compared with and written to.
ATTRIBUTES = {
    "original_due": "original_due_date",
    "revised_reason": "due_revised_reason",
    "revised_by": "due_approved_by",
}
