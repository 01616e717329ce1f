"""The risk register: the risk command and its forms land here (SPEC §2 and §3)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot import risk_commands as cmd
from bot.clean_text import clean
from bot.clock import Clock
from bot.dates import format_long
from bot.errors import NotAllowed, UserError
from bot.message_text import Mention, Text, text
from bot.people import Actor, PersonRef, load_person, optional_ref, person_ref
from bot.permissions import admin_words
from bot.results import Help, Notice, Outcome
from bot.risk_scale import DEFAULT_BANDS, Band, band_of, trend
from bot.typed_text import COMMAND, hand_back
from storage.action_queries import find_group, groups
from storage.database import Database
from storage.models import Risk, RiskHistory, WorkingGroup
from storage.summary_queries import top_risks

LIST_LIMIT = 30
HISTORY_SHOWN = 5
ATTEMPTS = 3


@dataclass(frozen=True)
class RiskCard:
    ref: str
    description: str
    owner: PersonRef
    likelihood: int
    impact: int
    band: Band
    status: str
    version: int
    trend: str | None = None
    group: tuple[int, str] | None = None
    mitigation: str | None = None
    review_date: date | None = None

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class RiskHistoryLine:
    on: date
    actor: PersonRef | None  # None: the plan import
    summary: Text


@dataclass(frozen=True)
class RiskList:
    heading: str
    risks: tuple[RiskCard, ...]
    total: int
    empty: str


@dataclass(frozen=True)
class RiskDetail:
    risk: RiskCard
    history: tuple[RiskHistoryLine, ...]


@dataclass(frozen=True)
class RiskForm:
    """Open the log form (risk None) or the update form for a risk, filled in."""

    risk: RiskCard | None = None
    prefill: cmd.OpenLogForm | None = None


class RiskService:
    def __init__(
        self,
        db: Database,
        bands: tuple[Band, ...] = DEFAULT_BANDS,
        clock: Clock | None = None,
    ) -> None:
        self.db = db
        self.bands = bands
        self.clock = clock or Clock()

    def today(self) -> date:
        return self.clock.today()

    def handle(self, actor: Actor, command_text: str) -> Outcome:
        try:
            return self.execute(actor, cmd.parse(clean(command_text, multiline=True), self.today()))
        except UserError as error:
            hand_back(error, f"{COMMAND}risk {command_text.strip()}")
            raise

    def execute(self, actor: Actor, command: object) -> Outcome:
        for attempt in range(ATTEMPTS):
            try:
                with self.db.session() as session:
                    return self._dispatch(session, actor, command)
            except (StaleDataError, IntegrityError):
                # Someone saved the same risk, or took the next number, a moment before us.
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _dispatch(self, session: Session, actor: Actor, command: object) -> Outcome:
        match command:
            case cmd.ShowHelp():
                return Outcome(
                    Help(f"{COMMAND}risk — the risk register", tuple(cmd.USAGE.values()))
                )
            case cmd.ListRisks():
                return self._list(session, command)
            case cmd.ShowRisk():
                return self._show(session, command)
            case cmd.OpenLogForm():
                return Outcome(RiskForm(prefill=command))
            case cmd.LogRisk():
                return self._log(session, actor, command)
            case cmd.OpenUpdateForm():
                return self._open_update_form(session, actor, command)
            case cmd.UpdateRisk():
                return self._update(session, actor, command)
            case cmd.CloseRisk():
                return self._close(session, actor, command)
        raise TypeError(f"no use case for {type(command).__name__}")

    def owned_by(self, actor: Actor, limit: int = 10) -> RiskList:
        """The person's open risks, highest score first (for App Home)."""
        with self.db.session() as session:
            rows, total = top_risks(session, limit, owner=actor.person_id)
            cards = tuple(self._card(r) for r in rows)
        return RiskList("Your open risks", cards, total, "You own no open risks.")

    def groups(self) -> list[tuple[int, str]]:
        with self.db.session() as session:
            return [(g.number, g.name) for g in groups(session)]

    # Reading

    def _list(self, session: Session, command: cmd.ListRisks) -> Outcome:
        query = select(Risk)
        statuses = [
            s
            for s, on in (("open", command.include_open), ("closed", command.include_closed))
            if on
        ]
        query = query.where(Risk.status.in_(statuses))
        if command.group is not None:
            group = self._group(session, command.group, "list")
            query = query.where(Risk.working_group_id == group.id)
        if command.high_only:
            high = max(self.bands, key=lambda b: b.lowest)
            score = Risk.likelihood * Risk.impact
            query = query.where(score >= high.lowest, score <= high.highest)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by((Risk.likelihood * Risk.impact).desc(), Risk.number).limit(LIST_LIMIT)
        )
        heading = (
            "Closed risks"
            if not command.include_open
            else ("Risks" if command.include_closed else "Open risks")
        )
        if command.high_only:
            heading = "High " + heading.lower()
        return Outcome(
            RiskList(heading, tuple(self._card(r) for r in rows), total, "No risks match.")
        )

    def _show(self, session: Session, command: cmd.ShowRisk) -> Outcome:
        risk = self._find(session, command.number, "show")
        rows = session.scalars(
            select(RiskHistory)
            .where(RiskHistory.risk_id == risk.id)
            .order_by(RiskHistory.id.desc())
            .limit(HISTORY_SHOWN)
        )
        history = tuple(
            RiskHistoryLine(
                r.at.astimezone(self.clock.tz).date(), optional_ref(r.actor), _summary(r)
            )
            for r in rows
        )
        return Outcome(RiskDetail(self._card(risk), history))

    # Writing

    def _log(self, session: Session, actor: Actor, command: cmd.LogRisk) -> Outcome:
        group = self._group(session, command.group, "log") if command.group else None
        owner = load_person(session, command.owner or actor.person_id, "owner")
        number = (session.scalar(select(func.max(Risk.number))) or 0) + 1
        now = self.clock.now()
        risk = Risk(
            number=number,
            description=command.description,
            owner=owner,
            working_group=group,
            likelihood=command.likelihood,
            impact=command.impact,
            mitigation=command.mitigation,
            review_date=command.review,
            status="open",
            created_by=actor.person_id,
            created_at=now,
            updated_at=now,
        )
        session.add(risk)
        risk.history.append(
            RiskHistory(
                actor_id=actor.person_id,
                at=now,
                event="logged",
                new_score=risk.score,
                note=command.description,
            )
        )
        session.flush()
        card = self._card(risk)
        words = text(
            f"Logged {risk.ref}: score {card.score} ({card.band.name}), owned by ",
            Mention(person_ref(owner)),
            ".",
        )
        return Outcome(
            Notice(words),
        )

    def _open_update_form(self, session: Session, actor: Actor, command: cmd.OpenUpdateForm):
        risk = self._find_open(session, command.number, "update")
        self._require_owner(actor, risk, "update")
        return Outcome(RiskForm(risk=self._card(risk)))

    def _update(self, session: Session, actor: Actor, command: cmd.UpdateRisk) -> Outcome:
        risk = self._find_open(session, command.number, "update")
        self._require_owner(actor, risk, "update")
        if command.expected_version is not None and command.expected_version != risk.version:
            raise UserError(
                f"{risk.ref} has changed since you opened it. Nothing was changed — "
                f"have a look with {COMMAND}risk show {risk.ref} and try again."
            )
        now = self.clock.now()
        old_score = risk.score
        risk.likelihood = command.likelihood or risk.likelihood
        risk.impact = command.impact or risk.impact
        rescored = command.likelihood is not None or command.impact is not None
        if rescored:
            risk.trend = trend(old_score, risk.score)
        risk.history.append(
            RiskHistory(
                actor_id=actor.person_id,
                at=now,
                event="rescored" if rescored else "note",
                old_score=old_score,
                new_score=risk.score,
                note=command.note,
            )
        )
        self._set(risk, actor, now, "mitigation", command.mitigation)
        self._set(risk, actor, now, "review_date", command.review)
        risk.updated_at = now
        session.flush()
        card = self._card(risk)
        if rescored:
            change = {"up": "up from", "down": "down from", "same": "unchanged at"}[risk.trend]
            words = f"{risk.ref} now scores {card.score} ({card.band.name}), {change} {old_score}."
        else:
            words = f"Your note on {risk.ref} is saved."
        return Outcome(Notice(words))

    def _close(self, session: Session, actor: Actor, command: cmd.CloseRisk) -> Outcome:
        risk = self._find(session, command.number, "close")
        self._require_owner(actor, risk, "close")
        if risk.status == "closed":
            return Outcome(Notice(f"{risk.ref} is already closed. Nothing was changed."))
        now = self.clock.now()
        risk.history.append(
            RiskHistory(
                actor_id=actor.person_id,
                at=now,
                event="closed",
                old_score=risk.score,
                new_score=risk.score,
                note=command.note,
            )
        )
        risk.status, risk.closed_at, risk.updated_at = "closed", now, now
        return Outcome(Notice(f"{risk.ref} is closed. It stays in the register's history."))

    # Helpers

    def _set(self, risk: Risk, actor: Actor, now: datetime, field: str, value) -> None:
        old = getattr(risk, field)
        if value is None or value == old:
            return
        risk.history.append(
            RiskHistory(
                actor_id=actor.person_id,
                at=now,
                event="changed",
                field=field,
                old_value=_text(old),
                new_value=_text(value),
            )
        )
        setattr(risk, field, value)

    def _find(self, session: Session, number: int, usage_name: str) -> Risk:
        risk = session.scalars(select(Risk).where(Risk.number == number)).first()
        if risk is None:
            raise UserError(
                f"There is no risk R{number}. {COMMAND}risk list shows them.", cmd.usage(usage_name)
            )
        return risk

    def _find_open(self, session: Session, number: int, usage_name: str) -> Risk:
        risk = self._find(session, number, usage_name)
        if risk.status == "closed":
            raise UserError(f"{risk.ref} is closed, so it can't be changed.", cmd.usage(usage_name))
        return risk

    def _group(self, session: Session, number: int, usage_name: str) -> WorkingGroup:
        group = find_group(session, number)
        if group is None:
            raise UserError(
                f"There is no working group {number}.", cmd.usage(usage_name), field="group"
            )
        return group

    def _require_owner(self, actor: Actor, risk: Risk, verb: str) -> None:
        if actor.is_admin or actor.person_id == risk.owner_id:
            return
        raise NotAllowed(
            text(
                f"Only the owner of {risk.ref} (",
                Mention(person_ref(risk.owner)),
                f") or {admin_words(actor)} can {verb} it. Nothing was changed.",
            )
        )

    def _card(self, risk: Risk) -> RiskCard:
        return risk_card(risk, self.bands)


def risk_card(risk: Risk, bands: tuple[Band, ...]) -> RiskCard:
    group = risk.working_group
    return RiskCard(
        ref=risk.ref,
        description=risk.description,
        owner=person_ref(risk.owner),
        likelihood=risk.likelihood,
        impact=risk.impact,
        band=band_of(risk.score, bands),
        status=risk.status,
        version=risk.version,
        trend=risk.trend,
        group=(group.number, group.name) if group else None,
        mitigation=risk.mitigation,
        review_date=risk.review_date,
    )


def _text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _summary(row: RiskHistory) -> Text:
    note = f": {row.note}" if row.note else ""
    if row.event == "logged" and row.actor_id is None:
        own_ref = f" (the register's ref {row.new_value})" if row.new_value else ""
        return text(f"Added by import with score {row.new_score}{own_ref}")
    if row.event == "logged":
        return text(f"Logged with score {row.new_score}")
    if row.event == "inherent":
        return text(f"Inherent score before controls: {row.new_value}")
    if row.event == "rescored":
        return text(f"Rescored {row.old_score} → {row.new_score}{note}")
    if row.event == "closed":
        return text(f"Closed{note}")
    if row.event == "changed":
        label = (row.field or "").replace("_", " ").capitalize()
        new = row.new_value or "—"
        if row.field == "review_date" and row.new_value:
            new = format_long(date.fromisoformat(row.new_value))
        return text(f"{label} set to {new}")
    return text(f"Note{note}")
