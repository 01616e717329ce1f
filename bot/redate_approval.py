"""Re-dates that wait for DfE/NHS England (`redate_approval = "dfe"` in board.toml).

Some boards may not move a date in their plan without DfE and NHS England agreeing. For them an
admin's re-date, typed or approving an owner's request, does not move the date: it is kept as a
date request *awaiting* that approval, and reminders keep the current date. When the answer comes,
an admin records it (`action due REF approved [DATE]` or `action due REF refused REASON`); an
approval re-dates the action through `revise_due`, approved by "dfe", at that moment.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.dates import format_long
from bot.errors import UserError
from bot.message_text import Mention, Text, text
from bot.people import Actor, PersonRef, person_ref
from bot.plan_config import APPROVER_WORDS
from bot.redate_import import approver_words
from bot.results import ActionCard, DirectMessage
from bot.typed_text import COMMAND
from storage.models import Action, DateRequest

AWAITING = "awaiting"  # the board agreed; DfE/NHS England have still to approve
APPROVED, REFUSED = "approved", "declined"
DFE_WORDS = "DfE/NHS England"


@dataclass(frozen=True)
class AwaitingRedate:
    """A re-date awaiting DfE/NHS England: what `action show` and the summary list."""

    request_id: int
    ref: str
    title: str
    due: date | None
    proposed: date
    reason: str
    since: datetime


def awaiting_request(session: Session, action: Action) -> DateRequest | None:
    query = select(DateRequest).where(
        DateRequest.action_id == action.id, DateRequest.state == AWAITING
    )
    return session.scalars(query).first()


def awaiting_for(action: Action) -> AwaitingRedate | None:
    """The re-date of this action awaiting DfE/NHS England, if any (for its card)."""
    session = object_session(action)
    request = awaiting_request(session, action) if session is not None else None
    return None if request is None else _shown(request, action)


def all_awaiting(session: Session) -> list[AwaitingRedate]:
    query = (
        select(DateRequest)
        .where(DateRequest.state == AWAITING)
        .order_by(DateRequest.proposed_date, DateRequest.id)
    )
    return [_shown(r, r.action) for r in session.scalars(query)]


def _shown(request: DateRequest, action: Action) -> AwaitingRedate:
    return AwaitingRedate(
        request.id,
        action.ref,
        action.title,
        action.due_date,
        request.proposed_date,
        request.reason,
        request.decided_at or request.requested_at,
    )


def hold_redate(
    session: Session,
    action: Action,
    actor: Actor,
    now: datetime,
    due: date,
    reason: str | None,
    request: DateRequest | None = None,
) -> str:
    """Keep a re-date the board agreed as awaiting DfE/NHS England; the date does not move.
    `request` is an owner's request the admin approved; else the admin typed the re-date."""
    there = awaiting_request(session, action)
    if there is not None and there is not request:
        raise UserError(
            f"A new date for {action.ref} ({format_long(there.proposed_date)}) is already "
            f"awaiting {DFE_WORDS} approval. Record their answer first: {COMMAND}action due "
            f"{action.ref} approved, or {COMMAND}action due {action.ref} refused REASON. "
            "Nothing was changed."
        )
    if request is None:
        request = DateRequest(
            action_id=action.id,
            requested_by=actor.person_id,
            requested_at=now,
            due_date=action.due_date,
            proposed_date=due,
            reason=reason or "",
        )
        session.add(request)
    request.state = AWAITING
    request.decided_by = actor.person_id
    request.decided_at = now
    session.flush()
    return awaiting_words(action, due)


def awaiting_words(action: Action, due: date) -> str:
    still = (
        f"it stays due on {format_long(action.due_date)}"
        if action.due_date
        else "it keeps no date agreed"
    )
    return (
        f"{action.ref} will be due on {format_long(due)} once {DFE_WORDS} approve it. Until "
        f"then {still}, and reminders use that date. When they answer, an admin types "
        f"{COMMAND}action due {action.ref} approved, or {COMMAND}action due {action.ref} "
        "refused REASON."
    )


@dataclass(frozen=True)
class Recorded:
    said: str
    messages: list[DirectMessage]


def record_answer(
    session: Session,
    action: Action,
    actor: Actor,
    now: datetime,
    approved: bool,
    agreed: date | None,
    note: str | None,
) -> Recorded:
    """An admin records DfE/NHS England's answer to the re-date awaiting it."""
    from bot.action_service import revise_due  # the action service holds this module's hook

    request = awaiting_request(session, action)
    if request is None:
        raise UserError(
            f"No new date for {action.ref} is awaiting {DFE_WORDS} approval. To change its "
            f"date: {COMMAND}action due {action.ref} DATE REASON."
        )
    if not approved and not note:
        raise UserError(f"Say why {DFE_WORDS} refused the new date, after the word refused.")
    due = agreed or request.proposed_date
    request.decided_by = actor.person_id
    request.decided_at = now
    request.decision_note = note
    requester = person_ref(request.requester)
    if approved:
        request.state = APPROVED
        request.proposed_date = due
        reason = request.reason or None
        revise_due(action, actor.person_id, now, due, reason, approved_by="dfe")
        said = f"Recorded: {DFE_WORDS} approved the new date. {action.ref} is now due on "
        said += f"{format_long(due)}."
        told = text(
            f"{DFE_WORDS} approved the new date: {action.ref} is now due on "
            f"{format_long(due)} (recorded by ",
            Mention(actor.person),
            ").",
        )
    else:
        request.state = REFUSED
        stays = format_long(action.due_date) if action.due_date else "no date agreed"
        said = f"Recorded: {DFE_WORDS} refused the new date for {action.ref}. It stays due on "
        said += f"{stays}."
        told = text(
            f"{DFE_WORDS} refused the new date for {action.ref} ({format_long(due)}): {note} "
            f"It is still due on {stays} (recorded by ",
            Mention(actor.person),
            ").",
        )
    session.flush()
    return Recorded(said, _tell(requester, actor, told))


def _tell(requester: PersonRef, actor: Actor, told: Text) -> list[DirectMessage]:
    if requester.id == actor.person_id:
        return []
    return [DirectMessage(requester, told)]


def with_approval(shown: ActionCard, action: Action, tz: ZoneInfo) -> ActionCard:
    """The card as `action show` gives it: who approved the revised date, and any new date
    still awaiting DfE/NHS England."""
    approval = None
    if action.due_approved_by and action.due_approved_at:
        who = APPROVER_WORDS.get(action.due_approved_by, action.due_approved_by)
        approval = f"by {who} on {format_long(action.due_approved_at.astimezone(tz).date())}"
    awaiting = awaiting_for(action)
    waiting = None
    if awaiting is not None:
        why = f": {awaiting.reason}" if awaiting.reason else ""
        waiting = f"{format_long(awaiting.proposed)}, awaiting {DFE_WORDS} approval{why}"
    return replace(shown, due_approval=approval, awaiting_due=waiting)


# The export's columns for a revised date, after "Reason for new date" (the import reads the
# first two back; bot/redate_import.py).
REDATE_COLUMN_NAMES = (
    ("New date approved by", 14),
    ("New date approved on", 13),
    ("New date awaiting approval", 13),
    ("Reason for new date awaiting approval", 30),
)


def awaiting_by_action(session: Session) -> dict[int, DateRequest]:
    query = select(DateRequest).where(DateRequest.state == AWAITING)
    return {r.action_id: r for r in session.scalars(query)}


def redate_cells(
    action: Action, tz: ZoneInfo, waiting: dict[int, DateRequest]
) -> list[str | date | None]:
    approved = action.due_approved_at
    request = waiting.get(action.id)
    return [
        approver_words(action.due_approved_by),
        approved.astimezone(tz).date() if approved is not None else None,
        request.proposed_date if request is not None else None,
        (request.reason or None) if request is not None else None,
    ]


@dataclass(frozen=True)
class AwaitingNotice:
    """A re-date now awaiting DfE/NHS England: said to the admin, with a button to record their
    approval when it comes (a refusal needs a reason, so it is typed)."""

    text: str
    ref: str
