"""Which reminders are due at `now`: a pure function of the plan's facts and the time (SPEC §5).

Every reminder belongs to a series (the before-due reminders of one action, its overdue
reminders, …). Only the latest occurrence of a series that has fallen due is ever offered, so
after downtime nobody gets "14 days to go" after "due tomorrow". Each occurrence has a key; the
sweep sends a key at most once.
"""

from calendar import monthrange
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from bot.board_config import ReminderConfig
from bot.dates import due_with_date, format_weekday_long
from bot.delivery import Place, Recipient
from bot.highlight_updates import due_words as highlight_due_words
from bot.people import PersonRef
from bot.status import Status
from bot.working_calendar import (
    DeliveryWindow,
    add_working_days,
    next_working_day,
    working_day_on_or_after,
)

NEXT_VISIT_MONTHS = 3  # visits come about a quarter apart: the date suggested for the next one


@dataclass(frozen=True)
class ActionFacts:
    id: int
    ref: str
    title: str
    group_number: int
    group_name: str
    owner: PersonRef
    lead: PersonRef | None
    status: Status
    due: date | None  # None: no date agreed, so no due-date reminders
    last_update: datetime
    snoozed_until: date | None = None
    version: int = 1
    co_owners: tuple[PersonRef, ...] = ()  # reminded as the owner is


@dataclass(frozen=True)
class GroupFacts:
    number: int
    name: str
    lead: PersonRef | None
    place: Place | None


@dataclass(frozen=True)
class EventFacts:
    """A visit or board meeting. For a visit: where its evidence stands in words, whether it
    has been recorded as sent, and the readiness window in words ("since the last visit on …",
    "since the plan started on …")."""

    id: int
    kind: str
    date: date
    title: str
    evidence_due: date | None = None
    since_words: str = ""
    evidence_words: str = ""
    evidence_sent: bool = False
    review: str = "monitoring visit"  # what the board calls a visit ([plan] review_kinds)


@dataclass(frozen=True)
class RiskFacts:
    id: int
    ref: str
    description: str
    owner: PersonRef
    score: int
    review_date: date
    lead: PersonRef | None = None  # its working group's lead, if it has a group
    has_group: bool = False


@dataclass(frozen=True)
class StatusCounts:
    counts: dict[str, int]
    overdue: int


@dataclass(frozen=True)
class PlanFacts:
    """What the sweep loaded: only what could be due now, never the whole plan."""

    actions: tuple[ActionFacts, ...] = ()
    groups: tuple[GroupFacts, ...] = ()
    events: tuple[EventFacts, ...] = ()
    not_updated_since: dict[int, tuple[ActionFacts, ...]] = field(default_factory=dict)
    counts: StatusCounts | None = None
    board_place: Place | None = None
    risks_to_review: tuple[RiskFacts, ...] = ()
    # The latest visit, when it has passed and no later one is set: admins are asked for the next.
    last_visit: EventFacts | None = None
    admins: tuple[PersonRef, ...] = ()


@dataclass(frozen=True)
class Due:
    """One reminder occurrence that has fallen due."""

    key: str
    kind: str
    recipient: Recipient
    action: ActionFacts | None = None
    words: str = ""
    event: EventFacts | None = None
    group: GroupFacts | None = None
    actions: tuple[ActionFacts, ...] = ()
    risk: RiskFacts | None = None
    suggested: date | None = None  # the next visit's date, suggested to the admins
    # The owner with no chat account whom this reminder is for: it goes to their lead instead.
    on_behalf_of: PersonRef | None = None


@dataclass(frozen=True)
class Policy:
    config: ReminderConfig
    stale_after_days: int
    window: DeliveryWindow

    def due(self, facts: PlanFacts, now: datetime) -> list[Due]:
        if not self.window.is_open(now):
            return []
        today = self.window.local_date(now)
        found: list[Due] = []
        for action in facts.actions:
            found += self._action_reminders(action, now, today)
        for event in facts.events:
            found += self._event_reminders(event, facts, now, today)
        found += self._next_visit(facts, now, today)
        found += self._digest(facts, now, today)
        found += self._risk_reviews(facts, now)
        return found

    # Actions

    def _action_reminders(self, action: ActionFacts, now: datetime, today: date) -> list[Due]:
        if action.status is Status.BLUE:
            return []
        snoozed = action.snoozed_until is not None and today < action.snoozed_until
        found = []
        if not snoozed:
            found += self._before_due(action, now, today)
            found += self._stale(action, now, today)
        found += self._overdue(action, now, today, owner_snoozed=snoozed)
        return found + _for_co_owners(found, action)

    def _before_due(self, action: ActionFacts, now: datetime, today: date) -> list[Due]:
        if action.due is None or today > action.due:  # no date agreed: nothing to be due
            return []
        config = self.config
        series = [(f"{d}d", action.due - timedelta(days=d)) for d in config.before_due_days]
        series.append(
            (
                f"{config.before_due_working_days}wd",
                add_working_days(action.due, -config.before_due_working_days),
            )
        )
        if config.on_due_day:
            series.append(("0d", action.due))
        label = self._latest(series, now)
        if label is None:
            return []
        key = f"before:{action.id}:{action.due.isoformat()}:{label}"
        words = due_with_date(action.due, today)
        return [_to_owner(Due(key, "before_due", action.owner, action, words), action.lead)]

    def _overdue(
        self, action: ActionFacts, now: datetime, today: date, owner_snoozed: bool
    ) -> list[Due]:
        if action.due is None or today <= action.due:
            return []
        first = next_working_day(action.due)
        every = self.config.overdue_every_days
        if today < first:
            return []
        series = [
            (str(k), first + timedelta(days=every * k))
            for k in range((today - first).days // every + 1)
        ]
        label = self._latest(series[-2:], now)
        if label is None:
            return []
        occurrence = first + timedelta(days=every * int(label))
        words = due_with_date(action.due, today)
        stem = f"{action.id}:{action.due.isoformat()}:{label}"
        found = (
            []
            if owner_snoozed
            else [
                _to_owner(
                    Due(f"overdue:{stem}", "overdue", action.owner, action, words), action.lead
                )
            ]
        )
        escalate = (occurrence - action.due).days >= self.config.escalate_after_days
        if escalate and action.lead and action.lead.id != action.owner.id:
            found.append(Due(f"escalate:{stem}", "escalation", action.lead, action, words))
        return found

    def _stale(self, action: ActionFacts, now: datetime, today: date) -> list[Due]:
        updated = self.window.local_date(action.last_update)
        period = (today - updated).days // self.stale_after_days
        if period < 1:
            return []
        occurrence = updated + timedelta(days=period * self.stale_after_days)
        if self.window.delivery_for_day(occurrence) > now:
            period -= 1
            if period < 1:
                return []
        key = f"stale:{action.id}:{updated.isoformat()}:{period}"
        words = f"no update for {(today - updated).days} days"
        return [_to_owner(Due(key, "stale", action.owner, action, words), action.lead)]

    # Visits and board meetings

    def _event_reminders(
        self, event: EventFacts, facts: PlanFacts, now: datetime, today: date
    ) -> list[Due]:
        if event.kind == "visit":
            return self._visit_owners(event, facts, now, today) + self._visit_board(
                event, facts, now, today
            )
        if event.kind == "board":
            return self._board_meeting(event, facts, now, today)
        return []

    def _visit_owners(
        self, visit: EventFacts, facts: PlanFacts, now: datetime, today: date
    ) -> list[Due]:
        """Owners with nothing updated in the readiness window, before the evidence deadline;
        once the evidence is recorded as sent, nobody is asked again."""
        if visit.evidence_due is None or today > visit.evidence_due or visit.evidence_sent:
            return []
        series = [
            (str(n), add_working_days(visit.evidence_due, -n))
            for n in self.config.visit_owner_working_days
        ]
        label = self._latest(series, now)
        if label is None:
            return []
        by_owner: dict[PersonRef, list[ActionFacts]] = {}
        for action in facts.not_updated_since.get(visit.id, ()):
            for owner in (action.owner, *action.co_owners):
                by_owner.setdefault(owner, []).append(action)
        return [
            _to_owner(
                Due(
                    f"visit-owner:{visit.id}:{label}:{owner.id}",
                    "visit_owner",
                    owner,
                    event=visit,
                    actions=tuple(actions),
                ),
                _one_lead(actions),
            )
            for owner, actions in by_owner.items()
        ]

    def _visit_board(
        self, visit: EventFacts, facts: PlanFacts, now: datetime, today: date
    ) -> list[Due]:
        if not facts.board_place or today > visit.date:
            return []
        series = [(str(d), visit.date - timedelta(days=d)) for d in self.config.visit_board_days]
        label = self._latest(series, now)
        if label is None:
            return []
        key = f"visit-board:{visit.id}:{label}"
        stale = facts.not_updated_since.get(visit.id, ())
        return [Due(key, "visit_readiness", facts.board_place, event=visit, actions=stale)]

    def _board_meeting(
        self, meeting: EventFacts, facts: PlanFacts, now: datetime, today: date
    ) -> list[Due]:
        if today > meeting.date:
            return []
        ask_on = add_working_days(meeting.date, -self.config.board_meeting_working_days)
        if self._latest([("ask", ask_on)], now) is None:
            return []
        found = []
        by_when = highlight_due_words(meeting.date, today)
        for group in facts.groups:
            recipient = group.place or group.lead
            if recipient:
                found.append(
                    Due(
                        f"board:{meeting.id}:wg{group.number}",
                        "board_meeting",
                        recipient,
                        words=by_when,
                        event=meeting,
                        group=group,
                    )
                )
        return found

    def _next_visit(self, facts: PlanFacts, now: datetime, today: date) -> list[Due]:
        """Once a visit has passed with no later one set, each admin is asked once for the
        next visit's date, three months on suggested."""
        visit = facts.last_visit
        if visit is None or today <= visit.date:
            return []
        if self.window.delivery_for_day(next_working_day(visit.date)) > now:
            return []
        suggested = next_visit_suggestion(visit.date)
        return [
            Due(
                f"next-visit:{visit.id}:{admin.id}",
                "next_visit",
                admin,
                event=visit,
                suggested=suggested,
            )
            for admin in facts.admins
        ]

    # Weekly digest

    def _digest(self, facts: PlanFacts, now: datetime, today: date) -> list[Due]:
        if not facts.board_place or facts.counts is None:
            return []
        week_start = today - timedelta(days=(today.weekday() - self.config.digest_weekday) % 7)
        moment = datetime.combine(week_start, self.config.digest_time, tzinfo=self.window.tz)
        if self.window.earliest_delivery(moment) > now:
            return []
        return [Due(f"digest:{week_start.isoformat()}", "digest", facts.board_place)]

    # Risk reviews

    def _risk_reviews(self, facts: PlanFacts, now: datetime) -> list[Due]:
        """A risk whose review date has come reminds its owner, once for that date; an owner
        with no chat account through their group's lead, or the board channel when the risk
        has no group."""
        return [
            _risk_to_owner(
                Due(
                    f"risk-review:{risk.id}:{risk.review_date.isoformat()}",
                    "risk_review",
                    risk.owner,
                    risk=risk,
                    words=f"review due {format_weekday_long(risk.review_date)}",
                ),
                facts.board_place,
            )
            for risk in facts.risks_to_review
            if self.window.delivery_for_day(risk.review_date) <= now
        ]

    def _latest(self, series: list[tuple[str, date]], now: datetime) -> str | None:
        """The label of the latest occurrence whose delivery time has come."""
        arrived = [
            (day, label) for label, day in series if self.window.delivery_for_day(day) <= now
        ]
        return max(arrived)[1] if arrived else None


def _to_owner(due: Due, lead: PersonRef | None) -> Due:
    """A reminder for an owner with no chat account goes to their working group's lead, on
    their behalf (SPEC §2). With no lead to take it, it stays theirs: the sweep cannot deliver
    it, and tells the admins whom it could not reach, once."""
    owner = due.recipient
    if not isinstance(owner, PersonRef) or owner.has_account:
        return due
    if lead is None or lead.id == owner.id:
        return due
    return replace(due, recipient=lead, on_behalf_of=owner)


def _for_co_owners(found: list[Due], action: ActionFacts) -> list[Due]:
    """Each co-owner gets what the owner gets (not an escalation, which is the lead's), under
    keys of their own; one with no chat account through the lead, as an owner is."""
    copies = []
    for co_owner in action.co_owners:
        for due in found:
            if due.kind == "escalation" or co_owner.id == action.owner.id:
                continue
            copy = replace(due, key=f"{due.key}:co{co_owner.id}", recipient=co_owner)
            copy = _to_owner(replace(copy, on_behalf_of=None), action.lead)
            # The lead already has this reminder on the owner's behalf: once is enough.
            if not any(d.recipient == copy.recipient and d.kind == copy.kind for d in found):
                copies.append(copy)
    return copies


def _risk_to_owner(due: Due, board_place: Place | None) -> Due:
    """A risk owner with no chat account is reached as an action's owner is: through the
    group's lead; with no group, through the board channel."""
    risk = due.risk
    if risk is None or risk.owner.has_account:
        return due
    if risk.has_group:
        return _to_owner(due, risk.lead)
    if board_place is None:
        return due
    return replace(due, recipient=board_place, on_behalf_of=risk.owner)


def _one_lead(actions: list[ActionFacts]) -> PersonRef | None:
    """The lead of every one of these actions' groups, when it is one person."""
    leads = {action.lead for action in actions}
    return leads.pop() if len(leads) == 1 else None


def next_visit_suggestion(visit: date) -> date:
    """Three months after a visit, on a working day (the last day of a shorter month if need be)."""
    month = visit.month - 1 + NEXT_VISIT_MONTHS
    year, month = visit.year + month // 12, month % 12 + 1
    day = min(visit.day, monthrange(year, month)[1])
    return working_day_on_or_after(date(year, month, day))
