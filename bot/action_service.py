"""The action register: every action command, button and form lands here, whatever the door."""

import random
import re
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot import action_commands as cmd
from bot.action_history import describe, people_named, record
from bot.clean_text import clean
from bot.clock import Clock
from bot.co_owners import change_co_owner
from bot.dates import format_long, format_weekday_long, in_the_past
from bot.errors import UserError
from bot.message_text import Mention, Text, text
from bot.minutes_service import OpenMinutesForm
from bot.people import Actor, PersonRef, load_person, optional_ref, person_ref, refs
from bot.permissions import may_update, require_admin, require_update
from bot.person_link import link_in_chat
from bot.plan_config import PlanConfig
from bot.redate_approval import DFE_WORDS, AwaitingNotice, hold_redate, record_answer, with_approval
from bot.results import (
    ActionCard,
    ActionDetail,
    ActionList,
    DirectMessage,
    Help,
    Notice,
    OpenAddForm,
    Outcome,
)
from bot.status import Status
from bot.typed_text import COMMAND, hand_back
from bot.working_calendar import add_working_days
from storage import action_queries as q
from storage.database import Database
from storage.models import Action

MINE_LIMIT = 15
LIST_LIMIT = 40
HISTORY_SHOWN = 5
WRITE_ATTEMPTS = 6
SNOOZE_WORKING_DAYS = 2


class ActionService:
    def __init__(
        self, db: Database, clock: Clock | None = None, plan: PlanConfig | None = None
    ) -> None:
        self.db = db
        self.clock = clock or Clock()
        self.now = self.clock.now
        self.plan = plan or PlanConfig()

    def today(self) -> date:
        return self.clock.today()

    def handle(self, actor: Actor, command_text: str) -> Outcome:
        """Parse and carry out `action …` typed by `actor`."""
        try:
            return self.execute(actor, cmd.parse(clean(command_text, multiline=True), self.today()))
        except UserError as error:
            hand_back(error, f"{COMMAND}action {command_text.strip()}")
            raise

    def execute(self, actor: Actor, command: object) -> Outcome:
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self.db.session() as session:
                    return self._dispatch(session, actor, command)
            except StaleDataError:
                # Someone saved the same action a moment before us: read it again and reapply,
                # after a short random pause so that two retries do not collide again.
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))
        raise AssertionError("unreachable")

    def _dispatch(self, session: Session, actor: Actor, command: object) -> Outcome:
        match command:
            case cmd.ShowHelp():
                return self._help()
            case cmd.Mine():
                return self._mine(session, actor)
            case cmd.ListActions():
                return self._list(session, command)
            case cmd.Show():
                return self._show(session, actor, command)
            case cmd.UpdateStatus():
                return self._update_status(session, actor, command)
            case cmd.AddNote():
                return self._add_note(session, actor, command)
            case cmd.MarkDone():
                return self._mark_done(session, actor, command)
            case cmd.Snooze():
                return self._snooze(session, actor, command)
            case cmd.OpenAdd():
                require_admin(actor, "add actions")
                return Outcome(OpenAddForm())
            case cmd.AddAction():
                return self._add(session, actor, command)
            case cmd.Assign():
                return self._assign(session, actor, command)
            case cmd.Redate():
                return self._redate(session, actor, command)
            case cmd.RedateAnswer():
                return self._redate_answer(session, actor, command)
            case cmd.Remove():
                return self._remove(session, actor, command)
            case cmd.PrepareForm():
                return self._prepare_form(session, actor, command)
            case cmd.CoOwner():
                action = self._find_open(session, command.ref, "co-owner")
                return change_co_owner(session, actor, action, command, self.now(), self._card)
            case cmd.LinkPerson():
                return link_in_chat(session, actor, command, self.now())
            case cmd.FromMinutes():
                require_admin(actor, "draft actions from minutes")
                return Outcome(OpenMinutesForm())
        raise TypeError(f"no use case for {type(command).__name__}")

    def _prepare_form(self, session: Session, actor: Actor, command: cmd.PrepareForm) -> Outcome:
        """Before opening a form: the action as it is now, if this person may change it."""
        action = self._find_open(session, command.ref, "update")
        require_update(actor, action)
        if command.completing and action.status == Status.BLUE:
            raise UserError(_already_complete(action))
        return Outcome(self._card(action))

    def board_lists(self) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """Working groups and areas, for the pickers of the Add form."""
        with self.db.session() as session:
            groups = [(g.number, g.name) for g in q.groups(session)]
            return groups, [(a.number, a.title) for a in q.areas(session)]

    # Reading

    def _help(self) -> Outcome:
        lines = tuple(cmd.USAGE[name] for name in cmd.USAGE if name != "help")
        return Outcome(Help(f"{COMMAND}action — the actions of {self.plan.the_plan}", lines))

    def _mine(self, session: Session, actor: Actor) -> Outcome:
        flt = q.ActionFilter(owner=actor.person_id)
        rows, total = q.list_actions(session, flt, self.today(), MINE_LIMIT)
        return Outcome(
            ActionList(
                heading="Your open actions",
                actions=tuple(self._card(a) for a in rows),
                total=total,
                empty="You have no open actions. Nice work.",
                own=True,
                see_all=f"{COMMAND}action list owner @you shows them all.",
            )
        )

    def _list(self, session: Session, command: cmd.ListActions) -> Outcome:
        self._check_filter(session, command.filter)
        rows, total = q.list_actions(session, command.filter, self.today(), LIST_LIMIT)
        heading = "Actions" if command.filter.include_complete else "Open actions"
        return Outcome(
            ActionList(
                heading=heading,
                filters=describe_filter(command.filter, refs(session, _owner(command.filter))),
                actions=tuple(self._card(a) for a in rows),
                total=total,
                empty="No actions match.",
                see_all="Narrow the list with wg N, owner @user or a status.",
            )
        )

    def _check_filter(self, session: Session, flt: q.ActionFilter) -> None:
        if flt.group is not None and q.find_group(session, flt.group) is None:
            raise UserError(self._no_group(session, flt.group), cmd.usage("list"))
        if flt.area is not None and not q.find_areas(session, [flt.area]):
            raise UserError(self._no_area(session, flt.area), cmd.usage("list"))

    def _show(self, session: Session, actor: Actor, command: cmd.Show) -> Outcome:
        action = self._find(session, command.ref, "show")
        rows, total = q.recent_history(session, action.id, HISTORY_SHOWN)
        named = refs(session, people_named(rows))
        lines = tuple(describe(r, self.clock.tz, named) for r in rows)
        may_change = action.withdrawn_at is None and may_update(actor, action)
        shown = with_approval(self._card(action), action, self.clock.tz)
        return Outcome(ActionDetail(shown, lines, total, may_change))

    # Owners, leads and admins

    def _update_status(self, session: Session, actor: Actor, command: cmd.UpdateStatus) -> Outcome:
        action = self._find_open(session, command.ref, "update")
        require_update(actor, action)
        self._check_version(action, command.expected_version)
        old = Status(action.status)
        if old == command.status and not command.note and not command.evidence:
            return Outcome(Notice(f"{action.ref} is already {old.label}. Nothing was changed."))
        now = self.now()
        if old != command.status:
            record(
                action, actor.person_id, now, "update", "status", old, command.status, command.note
            )
            action.status = command.status
            # The day it was achieved goes with blue, and goes if it is reopened.
            action.achieved_on = self.today() if command.status == Status.BLUE else None
        elif command.note:
            record(action, actor.person_id, now, "note", note=command.note)
        self._set_evidence(action, actor, now, command.evidence)
        action.last_update_at = action.progress_at = now
        session.flush()
        saved = " Your note is saved." if command.note else ""
        verb = "stays" if old == command.status else "is now"
        return Outcome(
            Notice(f"{action.ref} {verb} {command.status.label}.{saved}", self._card(action))
        )

    def _add_note(self, session: Session, actor: Actor, command: cmd.AddNote) -> Outcome:
        action = self._find_open(session, command.ref, "note")
        require_update(actor, action)
        now = self.now()
        record(action, actor.person_id, now, "note", note=command.note)
        action.last_update_at = action.progress_at = now
        session.flush()
        return Outcome(Notice(f"Your note on {action.ref} is saved.", self._card(action)))

    def _mark_done(self, session: Session, actor: Actor, command: cmd.MarkDone) -> Outcome:
        action = self._find_open(session, command.ref, "done")
        require_update(actor, action)
        if action.status == Status.BLUE:
            return self._more_evidence(action, actor, command)
        self._check_version(action, command.expected_version)
        now = self.now()
        record(action, actor.person_id, now, "update", "status", action.status, Status.BLUE)
        action.status = Status.BLUE
        action.achieved_on = self.today()
        self._set_evidence(action, actor, now, command.evidence)
        action.last_update_at = action.progress_at = now
        session.flush()
        thanks = " The evidence is saved." if command.evidence else ""
        return Outcome(Notice(f"{action.ref} is complete — thank you.{thanks}", self._card(action)))

    def _more_evidence(self, action: Action, actor: Actor, command: cmd.MarkDone) -> Outcome:
        """`done` typed again on a complete action: its evidence is kept beside what is there,
        never thrown away. A form opened before it was completed (a version given) changes
        nothing: it is the same press twice."""
        evidence = command.evidence
        if command.expected_version is not None or not evidence:
            return Outcome(Notice(_already_complete(action)))
        if action.evidence and evidence in action.evidence:
            return Outcome(Notice(f"{action.ref} is complete and already has that evidence."))
        combined = f"{action.evidence}\n\n{evidence}" if action.evidence else evidence
        self._set_evidence(action, actor, self.now(), combined)
        action.last_update_at = action.progress_at = self.now()
        text = f"{action.ref} was already complete. Your evidence is added to it and its history."
        return Outcome(Notice(text, self._card(action)))

    def _snooze(self, session: Session, actor: Actor, command: cmd.Snooze) -> Outcome:
        action = self._find_open(session, command.ref, "update")
        require_update(actor, action)
        today = self.today()
        if action.status == Status.BLUE:
            return Outcome(Notice(f"{action.ref} is complete, so it has no reminders to snooze."))
        if action.due_date is not None and action.due_date <= today:
            raise UserError(
                f"{action.ref} is due {'today' if action.due_date == today else 'already'}, "
                "so its reminders can't be snoozed — please update it instead."
            )
        until = add_working_days(today, SNOOZE_WORKING_DAYS)
        if action.due_date is not None:
            until = min(until, action.due_date)
        if action.snoozed_until and action.snoozed_until >= until:
            shown = format_weekday_long(action.snoozed_until)
            return Outcome(Notice(f"Reminders for {action.ref} are already snoozed until {shown}."))
        old = action.snoozed_until.isoformat() if action.snoozed_until else None
        record(
            action, actor.person_id, self.now(), "snooze", "snoozed_until", old, until.isoformat()
        )
        action.snoozed_until = until
        session.flush()
        return Outcome(
            Notice(f"Reminders for {action.ref} are snoozed until {format_weekday_long(until)}.")
        )

    def _set_evidence(self, action: Action, actor: Actor, now: datetime, evidence: str | None):
        if evidence:
            record(action, actor.person_id, now, "update", "evidence", action.evidence, evidence)
            action.evidence = evidence

    # Admins

    def _add(self, session: Session, actor: Actor, command: cmd.AddAction) -> Outcome:
        require_admin(actor, "add actions")
        if command.due is not None:  # None: no date agreed yet
            self._refuse_past(command.due, "add")
        group = q.find_group(session, command.group)
        if group is None:
            raise UserError(self._no_group(session, command.group), cmd.usage("add"), field="group")
        areas = q.find_areas(session, list(command.areas))
        missing = sorted(set(command.areas) - {a.number for a in areas})
        if missing:
            raise UserError(self._no_area(session, missing[0]), cmd.usage("add"), field="areas")
        if command.start and command.due and command.start > command.due:
            raise UserError(
                "The start date is after the due date.", cmd.usage("add"), field="start"
            )
        owner = load_person(session, command.owner, "owner")
        sro = load_person(session, command.sro, "sro") if command.sro is not None else None
        ref = command.ref or self._next_ref(session)
        if q.find_action(session, ref) is not None:
            raise UserError(
                f"There is already an action {ref}. Pick another reference.",
                cmd.usage("add"),
                field="ref",
            )
        now = self.now()
        action = Action(
            ref=ref,
            ref_key=q.ref_key(ref),
            title=command.title,
            description=command.description,
            working_group=group,
            owner=owner,
            sro=sro,
            start_date=command.start,
            original_due_date=command.due,
            due_date=command.due,
            status=Status.NOT_STARTED,
            success_measures=command.success_measures,
            source=command.source,
            created_at=now,
            last_update_at=now,
        )
        action.areas = areas
        session.add(action)
        record(action, actor.person_id, now, "created", note=command.title)
        try:
            session.flush()
        except IntegrityError:
            raise UserError(
                f"There is already an action {ref}.", cmd.usage("add"), field="ref"
            ) from None
        messages = self._tell_owner(actor, action, "You are the owner of a new action")
        return Outcome(
            Notice(
                text(f"Added {action.ref}, owned by ", Mention(person_ref(owner)), "."),
                self._card(action),
            ),
            messages,
        )

    def _assign(self, session: Session, actor: Actor, command: cmd.Assign) -> Outcome:
        require_admin(actor, "reassign actions")
        action = self._find_open(session, command.ref, "assign")
        owner = load_person(session, command.owner, "owner")
        if action.owner_id == owner.id:
            return Outcome(
                Notice(text(f"{action.ref} is already owned by ", Mention(person_ref(owner)), "."))
            )
        now = self.now()
        old_owner = str(action.owner_id)
        record(action, actor.person_id, now, "update", "owner_id", old_owner, str(owner.id))
        action.owner = owner
        session.flush()
        return Outcome(
            Notice(
                text(f"{action.ref} is now owned by ", Mention(person_ref(owner)), "."),
                self._card(action),
            ),
            self._tell_owner(actor, action, "You are now the owner of an action"),
        )

    def _redate(self, session: Session, actor: Actor, command: cmd.Redate) -> Outcome:
        require_admin(actor, "change due dates")
        action = self._find_open(session, command.ref, "due")
        self._refuse_past(command.due, "due")
        if action.due_date == command.due:
            return Outcome(Notice(f"{action.ref} is already due on {format_long(command.due)}."))
        if action.start_date and command.due < action.start_date:
            raise UserError(
                f"{action.ref} starts on {format_long(action.start_date)}, so it can't be due "
                "before then.",
                cmd.usage("due"),
            )
        first = action.original_due_date is None
        if self.plan.needs_dfe and not first:  # a first date agreed moves no date in the plan
            said = hold_redate(session, action, actor, self.now(), command.due, command.reason)
            said = f"Recorded, awaiting {DFE_WORDS} approval: {said}"
            return Outcome(AwaitingNotice(said, action.ref))
        revise_due(action, actor.person_id, self.now(), command.due, command.reason)
        session.flush()
        since = (
            "the first date agreed for it"
            if first
            else f"originally {format_long(action.original_due_date)}"
        )
        return Outcome(
            Notice(
                f"{action.ref} is now due on {format_long(command.due)} ({since}).",
                self._card(action),
            )
        )

    def _redate_answer(self, session: Session, actor: Actor, command: cmd.RedateAnswer) -> Outcome:
        require_admin(actor, "record DfE/NHS England's answer to a new date")
        action = self._find_open(session, command.ref, "due")
        if command.agreed is not None:
            self._refuse_past(command.agreed, "due")
        done = record_answer(
            session, action, actor, self.now(), command.approved, command.agreed, command.note
        )
        return Outcome(Notice(done.said, self._card(action)), done.messages)

    def _remove(self, session: Session, actor: Actor, command: cmd.Remove) -> Outcome:
        require_admin(actor, "remove actions")
        action = self._find_open(session, command.ref, "remove")
        now = self.now()
        record(action, actor.person_id, now, "withdrawn")
        action.withdrawn_at = now
        session.flush()
        return Outcome(
            Notice(
                f"{action.ref} is withdrawn: it stays in the history "
                "but leaves lists and reminders."
            )
        )

    # Helpers

    def _refuse_past(self, due: date, usage_name: str) -> None:
        """A due date typed or chosen in the past is a slip, never a plan (an import only warns:
        an old plan has past dates)."""
        if reason := in_the_past(due, self.today()):
            raise UserError(reason, cmd.usage(usage_name), field="due")

    def _find(
        self, session: Session, ref: str, usage_name: str, for_update: bool = False
    ) -> Action:
        action = q.find_action(session, ref, for_update)
        if action is None:
            raise UserError(
                f"There is no action {ref}. {COMMAND}action list shows the open ones.",
                cmd.usage(usage_name),
            )
        return action

    def _find_open(self, session: Session, ref: str, usage_name: str) -> Action:
        """An action about to be changed: locked for this unit of work, and not withdrawn."""
        action = self._find(session, ref, usage_name, for_update=True)
        if action.withdrawn_at is not None:
            raise UserError(
                f"{action.ref} was withdrawn from the plan, so it can't be changed.",
                cmd.usage(usage_name),
            )
        return action

    def _check_version(self, action: Action, expected: int | None) -> None:
        if expected is not None and expected != action.version:
            raise UserError(
                f"{action.ref} has changed since you opened it (it is now "
                f"{Status(action.status).label}). Nothing was changed — "
                f"have a look with {COMMAND}action show {action.ref} and try again."
            )

    def _tell_owner(self, actor: Actor, action: Action, opening: str) -> list[DirectMessage]:
        if action.owner_id == actor.person_id:
            return []
        return [
            DirectMessage(
                person_ref(action.owner),
                text(f"{opening}, given to you by ", Mention(actor.person), ":"),
                self._card(action),
            )
        ]

    def _card(self, action: Action) -> ActionCard:
        return card(action, self.clock.tz)

    def _next_ref(self, session: Session) -> str:
        numbers = [
            int(m.group(1)) for r in q.auto_refs(session) if (m := re.fullmatch(r"A(\d+)", r))
        ]
        return f"A{max(numbers, default=0) + 1}"

    def _no_group(self, session: Session, number: int) -> str:
        known = ", ".join(f"{g.number} {g.name}" for g in q.groups(session))
        return f"There is no working group {number}. The groups are: {known}."

    def _no_area(self, session: Session, number: int) -> str:
        count = len(q.areas(session))
        return f"There is no area {number}; areas are numbered 1 to {count}."


def _already_complete(action: Action) -> str:
    return f"{action.ref} is already complete. Nothing was changed."


def _owner(flt: q.ActionFilter) -> list[int]:
    return [flt.owner] if flt.owner is not None else []


def describe_filter(flt: q.ActionFilter, people: dict[int, PersonRef]) -> Text:
    """The filters in words, e.g. "Working group 3 · owned by @Sam · overdue"."""
    segments: list[tuple] = []
    if flt.group is not None:
        segments.append((f"Working group {flt.group}",))
    if flt.area is not None:
        segments.append((f"area {flt.area}",))
    if flt.owner is not None and flt.owner in people:
        segments.append(("owned by ", Mention(people[flt.owner])))
    if flt.statuses:
        segments.append((", ".join(sorted(Status(s).label for s in flt.statuses)),))
    if flt.overdue:
        segments.append(("overdue",))
    if flt.due_within_days:
        segments.append((f"due in the next {flt.due_within_days} days",))
    parts: list = []
    for segment in segments:
        parts += [" · ", *segment] if parts else list(segment)
    return text(*parts)


def card(action: Action, tz: ZoneInfo) -> ActionCard:
    return ActionCard(
        ref=action.ref,
        title=action.title,
        group_number=action.working_group.number,
        group_name=action.working_group.name,
        owner=person_ref(action.owner),
        status=Status(action.status),
        due=action.due_date,
        original_due=action.original_due_date,
        last_update_on=action.last_update_at.astimezone(tz).date(),
        version=action.version,
        description=action.description,
        sro=optional_ref(action.sro),
        start=action.start_date,
        due_revised_reason=action.due_revised_reason,
        due_revised_by=optional_ref(action.due_reviser),
        success_measures=action.success_measures,
        evidence=action.evidence,
        source=action.source,
        outcome=action.outcome,
        achieved_on=action.achieved_on,
        areas=tuple((a.number, a.title) for a in action.areas),
        withdrawn=action.withdrawn_at is not None,
        co_owners=tuple(person_ref(p) for p in action.co_owners),
    )


def revise_due(
    action: Action,
    actor_id: int,
    now: datetime,
    due: date,
    reason: str | None,
    approved_by: str = "board",
) -> None:
    """A new due date, as an admin's re-date or an approved request sets it: the original is
    kept, and the revision says who, when and why (and who approved it: the board or DfE/NHS
    England), in the action and its history. An action with no date agreed gets its first date:
    that is its original too."""
    old = action.due_date.isoformat() if action.due_date else None
    record(action, actor_id, now, "update", "due_date", old, due.isoformat(), reason)
    action.due_date = due
    if action.original_due_date is None:
        action.original_due_date = due  # agreed, not revised: the history says who and why
        return
    action.due_revised_by = actor_id
    action.due_revised_at = now
    action.due_revised_reason = reason
    action.due_approved_by = approved_by
    action.due_approved_at = now
