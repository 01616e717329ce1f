"""The deadline command: monitoring visits, board meetings and other dated events (SPEC §3)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clean_text import clean
from bot.clock import Clock
from bot.dates import DateError, format_long, take_date
from bot.errors import UserError
from bot.people import Actor, refs
from bot.permissions import require_admin
from bot.plan_config import PlanConfig
from bot.results import Help, Notice, Outcome
from bot.review_kinds import review_kinds, take_kind
from bot.tokens import TokenError, parse_number, split_args
from bot.typed_text import COMMAND, quoted, shown
from bot.working_calendar import add_working_days
from storage.database import Database
from storage.models import Deadline

KINDS = {
    "visit": "DfE/NHSE monitoring visit",
    "board": "SEND Improvement Board meeting",
    "stocktake": "Plan stocktake",
}
MAX_TITLE = 300
USAGE = {
    "list": (f"{COMMAND}deadline list", f"{COMMAND}deadline list"),
    "add visit": (
        f"{COMMAND}deadline add visit DATE [title]",
        f"{COMMAND}deadline add visit in 8 weeks",
    ),
    "add board": (
        f"{COMMAND}deadline add board DATE [title]",
        f"{COMMAND}deadline add board next Tuesday Board meeting",
    ),
    "add stocktake": (
        f"{COMMAND}deadline add stocktake DATE [title] (a review of the plan between visits)",
        f"{COMMAND}deadline add stocktake end of June",
    ),
    "add": (
        f"{COMMAND}deadline add DATE TITLE",
        f"{COMMAND}deadline add end of March Self-evaluation refresh due",
    ),
    "remove": (f"{COMMAND}deadline remove ID", f"{COMMAND}deadline remove 3"),
    "evidence-sent": (
        f"{COMMAND}deadline evidence-sent ID (admins: the visit's evidence has gone in)",
        f"{COMMAND}deadline evidence-sent 1",
    ),
}


def evidence_due(visit: date, lead_working_days: int) -> date:
    """Evidence for a monitoring visit is due this many working days before it."""
    return add_working_days(visit, -lead_working_days)


@dataclass(frozen=True)
class DeadlineCard:
    id: int
    kind: str
    date: date
    title: str
    evidence_due: date | None
    evidence_sent: bool = False


def deadline_card(deadline: Deadline, lead_working_days: int) -> DeadlineCard:
    """A deadline as results carry it; a visit with its evidence deadline."""
    evidence = evidence_due(deadline.date, lead_working_days) if deadline.kind == "visit" else None
    sent = deadline.evidence_sent_at is not None
    return DeadlineCard(deadline.id, deadline.kind, deadline.date, deadline.title, evidence, sent)


@dataclass(frozen=True)
class DeadlineList:
    deadlines: tuple[DeadlineCard, ...]
    today: date


class DeadlineService:
    def __init__(
        self,
        db: Database,
        evidence_lead_working_days: int = 10,
        clock: Clock | None = None,
        plan: PlanConfig | None = None,
    ) -> None:
        self.kinds = review_kinds(plan or PlanConfig())
        self.db = db
        self.lead_days = evidence_lead_working_days
        self.clock = clock or Clock()
        self.now = self.clock.now
        self.today = self.clock.today

    def evidence_due(self, visit: date) -> date:
        return evidence_due(visit, self.lead_days)

    def handle(self, actor: Actor, text: str) -> Outcome:
        text = clean(text, multiline=True)
        try:
            words = split_args(text)
        except TokenError as error:
            raise UserError(str(error), USAGE["add"][0]) from None
        verb = words[0].lower() if words else "list"
        if verb == "help":
            return Outcome(
                Help(
                    f"{COMMAND}deadline — visits, board meetings and other deadlines",
                    self._usage_lines(),
                )
            )
        if verb == "list":
            return Outcome(self.upcoming())
        if verb == "add":
            return self._add(actor, text.strip()[3:].strip())
        if verb == "remove":
            return self._remove(actor, words[1:])
        if verb == "evidence-sent":
            return self._evidence_sent(actor, words[1:])
        raise UserError(
            f"I don't know “{quoted(words[0], 30)}”.",
            f"{COMMAND}deadline list | add | remove | evidence-sent",
        )

    def _usage_lines(self) -> tuple[tuple[str, str], ...]:
        """Help, with one `add` line for each kind of review the board has."""
        lines = [USAGE["list"], *(k.usage for k in self.kinds)]
        return tuple(
            lines + [u for n, u in USAGE.items() if n not in ("list", "add visit", "add stocktake")]
        )

    def upcoming(self, limit: int = 20) -> DeadlineList:
        today = self.today()
        with self.db.session() as session:
            rows = session.scalars(
                select(Deadline)
                .where(Deadline.removed_at.is_(None), Deadline.date >= today)
                .order_by(Deadline.date, Deadline.id)
                .limit(limit)
            )
            return DeadlineList(tuple(self.card(d) for d in rows), today)

    def card(self, deadline: Deadline) -> DeadlineCard:
        return deadline_card(deadline, self.lead_days)

    def _add(self, actor: Actor, rest: str) -> Outcome:
        require_admin(actor, "add deadlines")
        kind, usage, default_title = "other", USAGE["add"][0], ""
        first = rest.split(maxsplit=1)
        review, after = take_kind(rest, self.kinds)
        if review is not None:
            kind, usage, rest, default_title = review.stored, review.usage[0], after, review.title
        elif first and first[0].lower() == "board":
            kind, default_title = "board", KINDS["board"]
            usage = USAGE["add board"][0]
            rest = first[1] if len(first) > 1 else ""
        try:
            when, title = take_date(rest, self.today())
        except DateError as error:
            raise UserError(str(error), usage) from None
        title = clean(shown(title.strip('"“”')), multiline=False).strip()
        if not title:
            if kind == "other":
                raise UserError("What is the deadline for? Add a title after the date.", usage)
            title = default_title
        if len(title) > MAX_TITLE:
            raise UserError(f"The title can be at most {MAX_TITLE} characters.", usage)
        with self.db.session() as session:
            typed = f"{review.words if review else kind} {rest}"
            self._refuse_a_second_review(session, kind, when, usage, typed, default_title)
            deadline = Deadline(
                kind=kind, date=when, title=title, created_by=actor.person_id, created_at=self.now()
            )
            session.add(deadline)
            session.flush()
            card = self.card(deadline)
        return Outcome(Notice(self._added_text(card)))

    def _refuse_a_second_review(
        self, session: Session, kind: str, when: date, usage: str, typed: str, what: str
    ) -> None:
        """A visit or board meeting on a date that already has one would double every message
        about it: refused, naming the one there is (other deadlines may share a date)."""
        if kind not in KINDS:
            return
        there = session.scalar(
            select(Deadline).where(
                Deadline.kind == kind, Deadline.date == when, Deadline.removed_at.is_(None)
            )
        )
        if there is not None:
            raise UserError(
                f"There is already a {what} on {format_long(when)}: "
                f"{there.title} (deadline {there.id}). To change it, remove it first "
                f"({COMMAND}deadline remove {there.id}), then add it again.",
                usage,
                echo=f"{COMMAND}deadline add {typed}",
            )

    def _added_text(self, card: DeadlineCard) -> str:
        text = f"Added deadline {card.id}: {card.title} on {format_long(card.date)}."
        if card.evidence_due:
            text += f" Evidence is due by {format_long(card.evidence_due)}."
        if card.date < self.today():
            text += " (That date has passed: it is kept as a past deadline.)"
        return text

    def _remove(self, actor: Actor, words: list[str]) -> Outcome:
        require_admin(actor, "remove deadlines")
        usage = USAGE["remove"][0]
        number = _number(words, "deadline", usage)
        with self.db.session() as session:
            deadline = _live(session, number, usage)
            deadline.removed_at, deadline.removed_by = self.now(), actor.person_id
            return Outcome(
                Notice(
                    f"Removed deadline {number}: {deadline.title} on {format_long(deadline.date)}."
                )
            )

    def _evidence_sent(self, actor: Actor, words: list[str]) -> Outcome:
        """Record that a visit's evidence went in: its evidence reminders stop from now on."""
        require_admin(actor, "record that evidence was sent")
        usage = USAGE["evidence-sent"][0]
        number = _number(words, "visit", usage)
        with self.db.session() as session:
            visit = _live(session, number, usage)
            if visit.kind != "visit":
                raise UserError(
                    f"Deadline {number}, {visit.title}, is not a monitoring visit: evidence is "
                    "recorded only for visits.",
                    usage,
                )
            if visit.evidence_sent_at is not None:
                raise UserError(self._already_sent(session, visit), usage)
            visit.evidence_sent_at, visit.evidence_sent_by = self.now(), actor.person_id
            return Outcome(
                Notice(
                    f"Recorded: the evidence for the {visit.title} on "
                    f"{format_long(visit.date)} (deadline {number}) has been sent. Owners will "
                    "not be reminded about it again."
                )
            )

    def _already_sent(self, session: Session, visit: Deadline) -> str:
        sent_on = format_long(visit.evidence_sent_at.astimezone(self.clock.tz).date())
        by = ""
        if visit.evidence_sent_by is not None:
            by = f" by {refs(session, [visit.evidence_sent_by])[visit.evidence_sent_by].shown}"
        return (
            f"The evidence for {visit.title} (deadline {visit.id}) was already recorded as sent on "
            f"{sent_on}{by}."
        )


def _number(words: list[str], which: str, usage: str) -> int:
    """The one deadline number typed (#3 or 3)."""
    number = parse_number(words[0].lstrip("#"), 10**6) if len(words) == 1 else None
    if number is None:
        raise UserError(f"Which {which}? Give its number from {COMMAND}deadline list.", usage)
    return number


def _live(session: Session, number: int, usage: str) -> Deadline:
    """The deadline with that number, unless it does not exist or was removed."""
    deadline = session.get(Deadline, number)
    if deadline is None or deadline.removed_at is not None:
        raise UserError(f"There is no deadline {number}.", usage)
    return deadline
