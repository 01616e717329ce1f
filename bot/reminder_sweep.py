"""The reminder sweep: work out what is due at `now` from the database and send each once.

Run by `sendbot clock` every few minutes and by `sendbot remind`. One sweep runs at a time
(a lease in the database); every occurrence key is claimed before sending (a unique constraint),
so a second sweep, a restart or a second clock process never sends a reminder again.
"""

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from bot.board_config import BoardConfig
from bot.clock import Clock
from bot.dates import format_day, relative_day
from bot.delivery import (
    Delivery,
    DeliveryError,
    Place,
    Recipient,
    deliver,
    recipient_words,
)
from bot.no_date import NO_DATE_AGREED, dated_first
from bot.people import PersonRef, optional_ref, person_ref
from bot.reminder_policy import (
    ActionFacts,
    Due,
    GroupFacts,
    PlanFacts,
    Policy,
    RiskFacts,
    StatusCounts,
)
from bot.review_snapshots import take_due_snapshots
from bot.status import Status
from bot.unreachable import AdminNotice, pending_notices
from bot.visit_facts import load_visit_facts
from bot.working_calendar import DeliveryWindow
from storage import reminder_queries as rq
from storage import reminder_store as store
from storage.action_queries import groups
from storage.database import Database
from storage.models import Action, Risk, WorkingGroup

log = logging.getLogger(__name__)
LEASE = "reminder-sweep"
LEASE_LENGTH = timedelta(minutes=15)


@dataclass(frozen=True)
class Bundle:
    """Everything due for one person or channel in one sweep: one message."""

    recipient: Recipient
    items: tuple[Due, ...]
    counts: StatusCounts | None = None
    today: date | None = None

    def actions(self) -> list["ActionReminder"]:
        """One item per action, soonest due first, however many reminders it has."""
        by_action: dict[int, list[Due]] = {}
        for item in self.items:
            if item.kind not in NOT_ABOUT_ONE_ACTION and item.action is not None:
                by_action.setdefault(item.action.id, []).append(item)
        found = [ActionReminder.of(items) for items in by_action.values()]
        return sorted(found, key=lambda reminder: dated_first(reminder.action.due))

    def others(self) -> list[Due]:
        """The reminders that are not about one action (a visit, a meeting, a risk)."""
        return [item for item in self.items if item.kind in NOT_ABOUT_ONE_ACTION]


NOT_ABOUT_ONE_ACTION = ("visit_owner", "board_meeting", "risk_review", "next_visit")
# The most pressing reason first, when one action has several.
KIND_ORDER = ("overdue", "escalation", "before_due", "stale", "visit_owner")


@dataclass(frozen=True)
class ActionReminder:
    action: ActionFacts
    kinds: frozenset[str]
    reason: str  # why, in words: "Due in 7 days; no update for 30 days"
    # The owner with no chat account, when this reminder comes to their lead instead.
    on_behalf_of: PersonRef | None = None

    @classmethod
    def of(cls, items: list[Due]) -> "ActionReminder":
        ordered = sorted(items, key=lambda i: KIND_ORDER.index(i.kind))
        reason = "; ".join(dict.fromkeys(i.words for i in ordered))
        on_behalf_of = next((i.on_behalf_of for i in items if i.on_behalf_of), None)
        kinds = frozenset(i.kind for i in items)
        return cls(items[0].action, kinds, reason[:1].upper() + reason[1:], on_behalf_of)

    @property
    def may_snooze(self) -> bool:
        """Snoozing helps only before the due date or for a stale action: an overdue one must
        be updated instead."""
        return "before_due" in self.kinds or self.kinds == {"stale"}

    @property
    def overdue(self) -> bool:
        return bool(self.kinds & {"overdue", "escalation"})

    @property
    def next_step(self) -> str:
        """What to do about it, in plain words: every item in a reminder ends with this."""
        if "escalation" in self.kinds and "overdue" not in self.kinds:
            return "Ask the owner to update it, update it yourself, or ask for a new date."
        if self.overdue:
            return "Mark it complete, update it, or ask for a new date."
        if "before_due" in self.kinds:
            return "Update it, mark it complete, or snooze reminders."
        return "Add a short update."

    def last_update_words(self, today: date) -> str:
        """ " · last update 3 days ago", unless staleness is already the reason."""
        if "stale" in self.kinds:
            return ""
        return f" · last update {relative_day(min(self.action.last_update.date(), today), today)}"


def attention_title(count: int) -> str:
    if count == 1:
        return "1 of your actions needs attention"
    return f"{count} of your actions need attention"


def notification_line(bundle: Bundle, today: date) -> str:
    """The line a phone or desktop notification shows: what to do, about what, by when.
    Plain text; each door escapes it. E.g. "Update 1.2 by Friday 24 January, and 2 more
    actions"."""
    reminders = bundle.actions()
    others = bundle.others()
    if reminders:
        first = _action_line(reminders[0], today)
        rest, noun = len(reminders) - 1 + len(others), "action" if not others else "reminder"
    elif others:
        first = _other_line(others[0], today)
        rest, noun = len(others) - 1, "reminder"
    else:
        return "Reminder"
    if rest:
        first += f", and {rest} more {noun}{'s' if rest != 1 else ''}"
    return first


def on_behalf_words(owner: PersonRef, platform_name: str, refs: list[str]) -> str:
    """Whom a reminder sent to a lead is really for: "For Sarah Jones (not on Slack), who owns
    2.1". Plain text; each door escapes it."""
    named = ", ".join(refs[:3]) + (" and more" if len(refs) > 3 else "")
    return f"For {owner.shown} (not on {platform_name}), who owns {named}"


def _action_line(reminder: ActionReminder, today: date) -> str:
    line = _owners_action_line(reminder, today)
    if reminder.on_behalf_of is not None:
        return f"For {reminder.on_behalf_of.shown}: {line[:1].lower()}{line[1:]}"
    return line


def _owners_action_line(reminder: ActionReminder, today: date) -> str:
    action = reminder.action
    day = format_day(action.due, today) if action.due else NO_DATE_AGREED
    if reminder.overdue and "overdue" not in reminder.kinds:
        return f"{action.ref} ({action.owner.shown}) was due on {day} — ask for an update"
    if reminder.overdue:
        return f"{action.ref} was due on {day} — update it or ask for a new date"
    if "before_due" in reminder.kinds:
        return f"Update {action.ref} by {day}"
    return f"Add a short update to {action.ref}"


def _other_line(item: Due, today: date) -> str:
    match item.kind:
        case "risk_review":
            return f"Review risk {item.risk.ref}: rescore it or add a note"
        case "visit_owner":
            refs = ", ".join(a.ref for a in item.actions[:3])
            more = " and more" if len(item.actions) > 3 else ""
            due = format_day(item.event.evidence_due, today)
            return f"Update {refs}{more} by {due}, before {item.event.title}"
        case "board_meeting":
            return (
                f"Send Working group {item.group.number}'s highlight update before "
                f"{item.event.title} on {format_day(item.event.date, today)}"
            )
    return "Reminder"


# Builds the weekly digest when one is due: the board overview and the BRAG chart.
DigestMaker = Callable[[], tuple[object, object]]
# The admins as people, to tell whoever a reminder could not reach.
AdminFinder = Callable[[], list[PersonRef]]


@dataclass
class SweepReport:
    at: datetime
    dry_run: bool = False
    window_open: bool = True
    next_window: datetime | None = None
    another_sweep_running: bool = False
    sent: list[Bundle] = field(default_factory=list)
    failed: list[tuple[Bundle, str]] = field(default_factory=list)
    retry_later: list[tuple[Bundle, str]] = field(default_factory=list)
    admins_told: list[AdminNotice] = field(default_factory=list)
    admins_not_told: list[tuple[AdminNotice, DeliveryError]] = field(default_factory=list)
    no_admin_to_tell: bool = False


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def holder_is_gone(holder: str) -> bool:
    """A holder on this host whose process no longer runs (killed, crashed) is gone.

    Holders on other hosts can't be checked; their claims and leases simply expire.
    """
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class ReminderSweep:
    def __init__(
        self,
        db: Database,
        board: BoardConfig,
        board_channel: str | None,
        clock: Clock,
        digest: DigestMaker | None = None,
        admins: AdminFinder | None = None,
    ) -> None:
        self.db = db
        self.board = board
        self.board_place = Place(board_channel) if board_channel else None
        self.clock = clock
        self.digest = digest
        self.admins = admins
        config = board.reminders
        self.window = DeliveryWindow(clock.tz, config.window_opens, config.window_closes)
        self.policy = Policy(config, board.stale_after_days, self.window)
        self.holder = holder_id()

    def _snapshots(self, now: datetime) -> None:
        """Keep each passed review's snapshot. A failure here must not stop the reminders: the
        next sweep, the summary or the export takes it again."""
        try:
            take_due_snapshots(self.db, self.window.local_date(now), self.clock.tz, now)
        except Exception:
            log.exception("Taking the snapshots of passed reviews failed; the sweep goes on")

    def run(
        self, delivery: Delivery | None, now: datetime | None = None, dry_run: bool = False
    ) -> SweepReport:
        now = now or self.clock.now()
        report = SweepReport(at=now, dry_run=dry_run)
        if not dry_run:  # reviews pass at any hour, not only in the delivery window
            self._snapshots(now)
        if not self.window.is_open(now):
            report.window_open = False
            report.next_window = self.window.earliest_delivery(now)
            return report
        if not dry_run and not self._take_lease():
            report.another_sweep_running = True
            return report
        try:
            for bundle in self._pending_bundles(now):
                if dry_run:
                    report.sent.append(bundle)
                else:
                    self._deliver(bundle, delivery, report)
            if not dry_run and self.admins is not None:
                self._tell_admins(delivery, report)
        finally:
            if not dry_run:
                with self.db.session() as session:
                    store.drop_lease(session, LEASE, self.holder)
        return report

    def _take_lease(self) -> bool:
        with self.db.session() as session:
            return store.take_lease(
                session, LEASE, self.holder, _wall_now(), LEASE_LENGTH, holder_is_gone
            )

    def _pending_bundles(self, now: datetime) -> list[Bundle]:
        today = self.window.local_date(now)
        with self.db.session() as session:
            facts = self._load(session, today, now)
            due = self.policy.due(facts, now)
            keys = [d.key for d in due]
            settled = store.settled_keys(session, keys, _wall_now(), holder_is_gone)
        bundles: dict[Recipient, list[Due]] = {}
        for item in due:
            if item.key not in settled:
                bundles.setdefault(item.recipient, []).append(item)
        return [
            Bundle(recipient, tuple(items), facts.counts, today)
            for recipient, items in bundles.items()
        ]

    def _deliver(self, pending: Bundle, delivery: Delivery, report: SweepReport) -> None:
        def only(won: set[str]) -> Bundle:
            # Another sweep may have won some keys since this one looked: only what it won.
            return replace(pending, items=tuple(d for d in pending.items if d.key in won))

        rows = [_claim_row(d) for d in pending.items]
        won, error = self._once(rows, lambda won: self._send(only(won), delivery))
        if not won:
            return
        bundle = only(won)
        if error is None:
            report.sent.append(bundle)
            return
        target = report.failed if error.permanent else report.retry_later
        target.append((bundle, error.reason))
        _log_failure(recipient_words(bundle.recipient), error)

    def _tell_admins(self, delivery: Delivery, report: SweepReport) -> None:
        """Whoever could not be reached, to each admin not yet told (bot/unreachable.py)."""
        admins = self.admins() if self.admins else []
        report.no_admin_to_tell = bool(report.failed) and not admins
        with self.db.session() as session:
            notices = pending_notices(
                session, admins, _wall_now(), holder_is_gone, self.board_place
            )
        for pending in notices:

            def tell(won: set[str], pending: AdminNotice = pending) -> None:
                delivery.to_person(pending.admin, pending.only(won).message())

            won, error = self._once(pending.claim_rows(), tell)
            if not won:
                continue
            if error is None:
                report.admins_told.append(pending.only(won))
            else:
                report.admins_not_told.append((pending.only(won), error))
                _log_failure(f"admin {pending.admin.shown}", error)

    def _once(
        self, rows: list[dict], send: Callable[[set[str]], None]
    ) -> tuple[set[str], DeliveryError | None]:
        """Claim the rows' occurrence keys and `send` those this sweep won; record them sent,
        failed for good, or given back for the next sweep after a passing fault."""
        with self.db.session() as session:
            won = store.claim(session, rows, self.holder, _wall_now(), holder_is_gone)
        if not won:
            return won, None
        try:
            send(won)
        except DeliveryError as error:
            with self.db.session() as session:
                if error.permanent:
                    store.mark_failed(session, won, error.reason)
                else:
                    store.release(session, won, self.holder)
            return won, error
        with self.db.session() as session:
            store.mark_sent(session, won, _wall_now())
        return won, None

    def _send(self, bundle: Bundle, delivery: Delivery) -> None:
        """One message for the bundle; the weekly digest goes as the overview and its chart."""
        digest = any(item.kind == "digest" for item in bundle.items)
        rest = replace(bundle, items=tuple(i for i in bundle.items if i.kind != "digest"))
        if rest.items:
            deliver(delivery, bundle.recipient, rest)
        if digest and self.digest is not None:
            overview, chart = self.digest()
            deliver(delivery, bundle.recipient, overview)
            delivery.file(bundle.recipient, chart)

    # Loading facts

    def _load(self, session, today: date, now: datetime) -> PlanFacts:
        config = self.board.reminders
        horizon = max(config.before_due_days, default=0) + 7
        rows = rq.candidate_actions(session, today, now, horizon, self.board.stale_after_days)
        visits = load_visit_facts(session, self.board, self.clock.tz, today, _facts)
        counts = None
        if self.board_place:
            by_status, overdue = rq.status_counts(session, today)
            counts = StatusCounts(by_status, overdue)
        risks = tuple(risk_facts(r) for r in rq.risks_due_for_review(session, today))
        return PlanFacts(
            risks_to_review=risks,
            actions=tuple(_facts(a, g) for a, g in rows),
            groups=tuple(
                GroupFacts(
                    g.number,
                    g.name,
                    optional_ref(g.lead),
                    Place(g.channel_id) if g.channel_id else None,
                )
                for g in groups(session)
            ),
            events=visits.events,
            not_updated_since=visits.not_updated_since,
            counts=counts,
            board_place=self.board_place,
            last_visit=visits.last_visit,
            admins=tuple(self.admins()) if self.admins and visits.last_visit else (),
        )


def _log_failure(who: str, error: DeliveryError) -> None:
    log.warning(
        "reminder to %s not delivered (%s): %s",
        who,
        "gave up" if error.permanent else "will retry",
        error.reason,
    )


def _facts(action: Action, group: WorkingGroup) -> ActionFacts:
    return ActionFacts(
        id=action.id,
        ref=action.ref,
        title=action.title,
        group_number=group.number,
        group_name=group.name,
        owner=person_ref(action.owner),
        lead=optional_ref(group.lead),
        status=Status(action.status),
        due=action.due_date,
        last_update=action.last_update_at,
        snoozed_until=action.snoozed_until,
        version=action.version,
        co_owners=tuple(person_ref(p) for p in action.co_owners),
    )


def risk_facts(risk: Risk) -> RiskFacts:
    group = risk.working_group
    lead = optional_ref(group.lead) if group is not None else None
    return RiskFacts(
        risk.id,
        risk.ref,
        risk.description,
        person_ref(risk.owner),
        risk.score,
        risk.review_date,
        lead,
        group is not None,
    )


def _claim_row(item: Due) -> dict:
    place = item.recipient if isinstance(item.recipient, Place) else None
    return {
        "key": item.key,
        "kind": item.kind,
        "recipient_id": None if place else item.recipient.id,
        "place": place.address if place else None,
        "action_id": item.action.id if item.action else None,
    }


def _wall_now() -> datetime:
    """Claims and leases are about real elapsed time, even when a sweep plays another date."""
    return datetime.now(UTC)
