"""Ask for a new date: an owner asks from an overdue reminder, an admin approves or declines.

Approval re-dates the action exactly as an admin's `action due` does (the original date is kept,
the revision records who approved it and why, and it is in the history). A request is decided
once: a second press, or a second admin, changes nothing and is told who decided and when.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.action_service import card, revise_due
from bot.clock import Clock
from bot.dates import DateError, format_long, format_weekday_long, parse_date
from bot.errors import NotAllowed, UserError
from bot.message_text import Mention, Part, Text, text
from bot.people import Actor, PersonRef, person_ref
from bot.permissions import require_update
from bot.plan_config import PlanConfig
from bot.redate_approval import AWAITING, DFE_WORDS, AwaitingNotice, hold_redate
from bot.results import ActionCard, DirectMessage, Notice
from bot.status import Status
from bot.typed_text import COMMAND, form_text
from storage import action_queries as q
from storage.database import Database
from storage.models import Action, DateRequest

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"
MAX_REASON = 1000
NO_LONGER_WORKS = f"That button no longer works. Type {COMMAND}action mine to see your actions."


@dataclass(frozen=True)
class RequestCard:
    """One request for a new date, as an admin is shown it (with Approve and Decline)."""

    id: int
    ref: str
    title: str
    requester: PersonRef
    due: date
    proposed: date
    reason: str
    state: str = PENDING


def request_line(request: RequestCard) -> str:
    """The line an admin's notification shows: who asks what, and what to do."""
    proposed = format_long(request.proposed)
    return (
        f"{request.requester.shown} asks for {request.ref} to be due on {proposed} — approve "
        "or decline it"
    )


@dataclass(frozen=True)
class ToAdmin:
    """A request to put before one admin."""

    admin: PersonRef
    request: RequestCard


@dataclass
class Asked:
    """What asking did: the answer for the asker, and the request for each admin."""

    notice: Notice
    to_admins: list[ToAdmin] = field(default_factory=list)


@dataclass
class Decided:
    """What deciding did: the answer for the admin, and whom else to tell (the asker)."""

    notice: Notice | AwaitingNotice
    messages: list[DirectMessage] = field(default_factory=list)


AdminFinder = Callable[[], list[PersonRef]]


class DateRequests:
    def __init__(
        self, db: Database, clock: Clock, admins: AdminFinder, plan: PlanConfig | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.admins = admins
        self.plan = plan or PlanConfig()

    def prepare(self, actor: Actor, ref: str) -> ActionCard:
        """The action as it is now, before the form opens, if this person may ask for it."""
        with self.db.session() as session:
            return card(self._askable(session, actor, ref), self.clock.tz)

    def ask(self, actor: Actor, ref: str, values: Mapping[str, object]) -> Asked:
        """Record a request from the form's `date` (typed or picked) and `reason`."""
        today = self.clock.today()
        proposed = _proposed_date(values.get("date"), today)
        reason = form_text(values, "reason")
        if not reason:
            raise UserError("Say why the action needs a new date.", field="reason")
        if len(reason) > MAX_REASON:
            raise UserError(f"Keep the reason under {MAX_REASON} characters.", field="reason")
        admins = self.admins()
        if not admins:
            raise UserError(
                "The bot knows no admin to approve a new date: ask the board chair to add "
                "themselves to BOT_ADMINS. Nothing was changed."
            )
        with self.db.session() as session:
            action = self._askable(session, actor, ref)
            if action.start_date and proposed < action.start_date:
                raise UserError(
                    f"{action.ref} starts on {format_long(action.start_date)}, so it can't be "
                    "due before then.",
                    field="date",
                )
            if proposed == action.due_date:
                raise UserError(
                    f"{action.ref} is already due on {format_long(proposed)}.", field="date"
                )
            if self._pending(session, action) is not None:
                raise UserError(
                    f"A new date for {action.ref} has already been asked for and is waiting "
                    "for an admin. Nothing was changed."
                )
            request = DateRequest(
                action_id=action.id,
                requested_by=actor.person_id,
                requested_at=self.clock.now(),
                due_date=action.due_date,
                proposed_date=proposed,
                reason=reason,
            )
            session.add(request)
            session.flush()
            shown = _request_card(request, action, actor.person)
        notice = Notice(
            text(
                f"You have asked for {shown.ref} to be due on {format_long(proposed)}. ",
                *_mentions(admins),
                " will approve or decline it, and you will be told.",
            )
        )
        return Asked(notice, [ToAdmin(admin, shown) for admin in admins])

    def pending(self, actor: Actor, request_id: int) -> RequestCard:
        """A request still to decide, before an admin's form opens; else why not."""
        self._require_admin(actor)
        with self.db.session() as session:
            request = session.get(DateRequest, request_id)
            if request is None:
                raise UserError(NO_LONGER_WORKS)
            if request.state != PENDING:
                raise UserError(_already_decided(request, request.action, self.clock))
            return _request_card(request, request.action, person_ref(request.requester))

    def decide(self, actor: Actor, request_id: int, approve: bool, note: str | None) -> Decided:
        """Approve (re-date the action) or decline (a reason is needed) a pending request."""
        self._require_admin(actor)
        note = form_text({"note": note}, "note")
        if not approve and not note:
            raise UserError("Say why the new date is declined.", field="note")
        with self.db.session() as session:
            locked = select(DateRequest).where(DateRequest.id == request_id)
            request = session.scalars(locked.with_for_update(of=DateRequest)).first()
            if request is None:
                raise UserError(NO_LONGER_WORKS)
            action = request.action
            if request.state != PENDING:
                return Decided(Notice(_already_decided(request, action, self.clock)))
            if approve and (action.withdrawn_at is not None or action.status == Status.BLUE):
                raise UserError(
                    f"{action.ref} is {'withdrawn' if action.withdrawn_at else 'complete'} now, "
                    "so it needs no new date: decline the request, saying so."
                )
            if approve and request.proposed_date <= self.clock.today():
                raise UserError(
                    f"The date asked for, {format_long(request.proposed_date)}, has passed: "
                    "decline it, saying so, and the owner can ask for another."
                )
            now = self.clock.now()
            if approve and self.plan.needs_dfe:
                return _held(session, request, action, actor, now, note)
            request.state = APPROVED if approve else DECLINED
            request.decided_by = actor.person_id
            request.decided_at = now
            request.decision_note = note
            requester = person_ref(request.requester)
            if approve:
                self._redate(session, action, request, actor, now)
            said, told = _decision_words(request, action, actor, note)
        return Decided(Notice(said), [DirectMessage(requester, told)])

    def _require_admin(self, actor: Actor) -> None:
        if not actor.is_admin:
            who = _names(self.admins()) or "the board chair or project manager"
            raise NotAllowed(
                f"Only an admin ({who}) can approve or decline a new date. Nothing was changed."
            )

    def _redate(
        self, session: Session, action: Action, request: DateRequest, actor: Actor, now: datetime
    ) -> None:
        """As an admin's `action due` does: the original kept, the revision explained."""
        note = f": {request.decision_note}" if request.decision_note else ""
        reason = f"{request.reason} (approved by {actor.person.shown}{note})"
        revise_due(action, actor.person_id, now, request.proposed_date, reason)
        session.flush()

    def _askable(self, session: Session, actor: Actor, ref: str) -> Action:
        action = q.find_action(session, ref, for_update=True)
        if action is None:
            raise UserError(f"There is no action {ref}. {COMMAND}action list shows the open ones.")
        if action.withdrawn_at is not None:
            raise UserError(f"{action.ref} was withdrawn from the plan, so it needs no new date.")
        if action.status == Status.BLUE:
            raise UserError(f"{action.ref} is already complete, so it needs no new date.")
        require_update(actor, action)
        if action.due_date is None:
            # A request is to move an agreed date; the first date is the board's to agree.
            raise UserError(
                f"{action.ref} has no date agreed yet, so there is no date to move. Ask an "
                f"admin to agree its first date with {COMMAND}action due {action.ref} DATE. "
                "Nothing was changed."
            )
        return action

    def _pending(self, session: Session, action: Action) -> DateRequest | None:
        query = select(DateRequest).where(
            DateRequest.action_id == action.id, DateRequest.state.in_((PENDING, AWAITING))
        )
        return session.scalars(query).first()


def _proposed_date(value: object, today: date) -> date:
    if isinstance(value, date):
        proposed = value
    elif isinstance(value, str) and value.strip():
        try:
            proposed = parse_date(value)
        except DateError as error:
            raise UserError(str(error), field="date") from None
    else:
        raise UserError("Choose the new due date.", field="date")
    if proposed <= today:
        raise UserError(f"The new date must be after today ({format_long(today)}).", field="date")
    return proposed


def _request_card(request: DateRequest, action: Action, requester: PersonRef) -> RequestCard:
    return RequestCard(
        request.id,
        action.ref,
        action.title,
        requester,
        request.due_date,
        request.proposed_date,
        request.reason,
        request.state,
    )


def _decision_words(
    request: DateRequest, action: Action, actor: Actor, note: str | None
) -> tuple[str, Text]:
    """What the admin is told, and what the asker is told."""
    proposed = format_long(request.proposed_date)
    if request.state == APPROVED:
        said = f"Approved: {action.ref} is now due on {proposed}."
        told = text(
            f"Your request was approved: {action.ref} is now due on {proposed}, approved by ",
            Mention(actor.person),
            f". {note}" if note else ".",
        )
        return said, told
    # An import may have taken the date away ("TBC") while the request waited.
    stays = f"due on {format_long(action.due_date)}" if action.due_date else "with no date agreed"
    said = f"Declined: {action.ref} stays {stays}."
    told = text(
        f"Your request for {action.ref} to be due on {proposed} was declined by ",
        Mention(actor.person),
        f": {note} It stays {stays}: update it or mark it complete.",
    )
    return said, told


def _held(
    session: Session,
    request: DateRequest,
    action: Action,
    actor: Actor,
    now: datetime,
    note: str | None,
) -> Decided:
    """The board agrees, but the date moves only once DfE/NHS England approve it."""
    said = hold_redate(session, action, actor, now, request.proposed_date, request.reason, request)
    request.decision_note = note
    told = text(
        f"Your request for {action.ref} to be due on {format_long(request.proposed_date)} was "
        "agreed by ",
        Mention(actor.person),
        f", and now awaits {DFE_WORDS} approval. Until they approve it, {action.ref} stays due "
        f"on {format_long(action.due_date)}. You will be told their answer.",
    )
    return Decided(
        AwaitingNotice(f"Agreed, awaiting {DFE_WORDS} approval: {said}", action.ref),
        [DirectMessage(person_ref(request.requester), told)],
    )


def _already_decided(request: DateRequest, action: Action, clock: Clock) -> str:
    who = person_ref(request.decider).shown if request.decider else "an admin"
    when = format_weekday_long(request.decided_at.astimezone(clock.tz).date())
    state = f"agreed (awaiting {DFE_WORDS})" if request.state == AWAITING else request.state
    return (
        f"The request for {action.ref} to be due on {format_long(request.proposed_date)} was "
        f"already {state} by {who} on {when}. Nothing was changed."
    )


def _names(people: list[PersonRef]) -> str:
    names = [p.shown for p in people]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _mentions(people: list[PersonRef]) -> list[Part]:
    """'@Alex or @Jane', as mentions each door shows by name (a name the bot has not yet
    heard is still shown right by the platform)."""
    parts: list[Part] = []
    for i, person in enumerate(people):
        if i:
            parts.append(" or " if i == len(people) - 1 else ", ")
        parts.append(Mention(person))
    return parts
