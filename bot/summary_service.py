"""Summaries for the chair (SPEC §3 /summary): plain data, counted in the database."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.board_config import BoardConfig
from bot.clock import Clock
from bot.deadline_service import DeadlineCard, evidence_due
from bot.errors import UserError
from bot.permissions import ADMIN_WORDS
from bot.risk_scale import band_of
from bot.risk_service import RiskCard, risk_card
from bot.status import Status
from bot.tokens import TokenError, parse_number, split_args
from bot.typed_text import to_plain
from storage import summary_queries as sq
from storage.action_queries import find_group
from storage.database import Database
from storage.models import Action

LIST_LIMIT = 10
RISKS_SHOWN = 5
DEADLINES_SHOWN = 5
DUE_SOON_DAYS = 14
GROUP_ACTIONS_SHOWN = 25
VISIT_LOOKBACK_DAYS = 91

USAGE = {
    "overview": ("/summary", "/summary"),
    "wg": ("/summary wg N", "/summary wg 3"),
    "risks": ("/summary risks", "/summary risks"),
    "visit": ("/summary visit", "/summary visit"),
    "export": ("/summary export [xlsx|csv]", "/summary export xlsx"),
    "chart": ("/summary chart", "/summary chart"),
    "here": ("add here to any of them (admins): post it to the channel", "/summary here"),
}


@dataclass(frozen=True)
class ActionLine:
    ref: str
    title: str
    owner_id: str
    status: Status
    due: date
    last_update: date


@dataclass(frozen=True)
class Part:
    """The first items of a list and how many there are in all."""

    items: tuple
    total: int


@dataclass(frozen=True)
class GroupLine:
    number: int
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> int:
        return self.counts.get(Status.BLUE.value, 0)


@dataclass(frozen=True)
class Changes:
    since: date
    status_changes: int
    completed: Part
    new_risks: Part


@dataclass(frozen=True)
class Overview:
    title: str
    today: date
    groups: tuple[GroupLine, ...]
    overdue: Part
    due_soon: Part
    stale: Part
    risks: Part
    deadlines: tuple[DeadlineCard, ...]
    changes: Changes | None = None
    group_actions: Part | None = None
    stale_after_days: int = 28

    @property
    def totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for group in self.groups:
            for status, count in group.counts.items():
                totals[status] = totals.get(status, 0) + count
        return totals


@dataclass(frozen=True)
class RiskSummary:
    today: date
    band_counts: tuple[tuple[str, str, int], ...]  # (band, colour, count)
    grid: dict[tuple[int, int], int]
    top: Part
    bands: tuple = ()


@dataclass(frozen=True)
class VisitReadiness:
    today: date
    visit: DeadlineCard | None
    since: date | None
    groups: tuple[tuple[int, str, int, int], ...] = ()  # number, name, open, updated
    waiting: Part = field(default_factory=lambda: Part((), 0))


@dataclass(frozen=True)
class SummaryRequest:
    """What `/summary …` asked for, and whether to post it to the channel."""

    kind: str  # overview, wg, risks, visit, export, chart, help
    here: bool = False
    group: int | None = None
    file_format: str = "xlsx"


def parse(text: str, is_admin: bool) -> SummaryRequest:
    try:
        words = [w.lower() for w in split_args(text)]
    except TokenError as error:
        raise UserError(str(error), USAGE["overview"][0]) from None
    here = "here" in words
    words = [w for w in words if w != "here"]
    if here and not is_admin:
        raise UserError(
            f"Only {ADMIN_WORDS} can post a summary to the channel. Leave out “here” to see it "
            "yourself."
        )
    if not words:
        return SummaryRequest("overview", here)
    kind, rest = words[0], words[1:]
    if kind == "help":
        return SummaryRequest("help")
    if kind == "wg":
        number = parse_number(rest[0]) if len(rest) == 1 else None
        if number is None:
            raise UserError("Which working group? Give its number, like wg 3.", USAGE["wg"][0])
        return SummaryRequest("wg", here, group=number)
    if kind == "export":
        fmt = rest[0] if rest else "xlsx"
        if fmt not in ("xlsx", "csv") or len(rest) > 1:
            raise UserError("Export as xlsx or csv.", USAGE["export"][0])
        return SummaryRequest("export", here, file_format=fmt)
    if kind in ("risks", "visit", "chart") and not rest:
        return SummaryRequest(kind, here)
    raise UserError(
        f"I don't know “{to_plain(' '.join(words))[:30]}”. Try /summary help.",
        "/summary [wg N | risks | visit | export | chart] [here]",
    )


class SummaryService:
    def __init__(self, db: Database, board: BoardConfig, clock: Clock | None = None) -> None:
        self.db = db
        self.board = board
        self.clock = clock or Clock()

    def today(self) -> date:
        return self.clock.today()

    def _start_of(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=self.clock.tz)

    def overview(self, group: int | None = None) -> Overview:
        today = self.today()
        with self.db.session() as session:
            title = "SEND Improvement Board — where the plan stands"
            if group is not None:
                found = find_group(session, group)
                if found is None:
                    raise UserError(f"There is no working group {group}.", USAGE["wg"][0])
                title = f"Working Group {found.number} {found.name}"
            stale_since = self._start_of(today - timedelta(days=self.board.stale_after_days))
            return Overview(
                title=title,
                today=today,
                groups=self._groups(session, group),
                overdue=self._part(sq.overdue(session, today, LIST_LIMIT, group)),
                due_soon=self._part(
                    sq.due_between(
                        session, today, today + timedelta(days=DUE_SOON_DAYS), LIST_LIMIT, group
                    )
                ),
                stale=self._part(sq.not_updated_since(session, stale_since, LIST_LIMIT, group)),
                risks=self._risks(session, RISKS_SHOWN, group),
                deadlines=self._deadlines(session, today),
                changes=self._changes(session, today) if group is None else None,
                group_actions=(
                    self._part(sq.open_actions(session, GROUP_ACTIONS_SHOWN, group))
                    if group is not None
                    else None
                ),
                stale_after_days=self.board.stale_after_days,
            )

    def risk_summary(self) -> RiskSummary:
        with self.db.session() as session:
            grid = sq.risk_grid(session)
            counts = {band.name: 0 for band in self.board.risk_bands}
            for (likelihood, impact), count in grid.items():
                counts[band_of(likelihood * impact, self.board.risk_bands).name] += count
            bands = tuple((b.name, b.colour, counts[b.name]) for b in self.board.risk_bands)
            return RiskSummary(
                self.today(),
                bands,
                grid,
                self._risks(session, LIST_LIMIT, None),
                self.board.risk_bands,
            )

    def visit_readiness(self) -> VisitReadiness:
        today = self.today()
        with self.db.session() as session:
            visit = sq.next_event(session, "visit", today)
            if visit is None:
                return VisitReadiness(today, None, None)
            previous = sq.last_event(session, "visit", visit.date)
            since = previous or visit.date - timedelta(days=VISIT_LOOKBACK_DAYS)
            moment = self._start_of(since)
            owners, total = sq.owners_waiting(session, moment, 30)
            return VisitReadiness(
                today=today,
                visit=self._deadline(visit),
                since=since,
                groups=tuple(sq.updated_share_by_group(session, moment)),
                waiting=Part(tuple(owners), total),
            )

    # Pieces

    def _groups(self, session, group: int | None) -> tuple[GroupLine, ...]:
        lines: dict[int, GroupLine] = {}
        for number, name, status, count in sq.status_by_group(session, group):
            line = lines.setdefault(number, GroupLine(number, name, {}))
            line.counts[status] = count
        return tuple(lines.values())

    def _part(self, pair: tuple[list[Action], int]) -> Part:
        rows, total = pair
        tz = self.clock.tz
        lines = tuple(
            ActionLine(
                a.ref,
                a.title,
                a.owner_id,
                Status(a.status),
                a.due_date,
                a.last_update_at.astimezone(tz).date(),
            )
            for a in rows
        )
        return Part(lines, total)

    def _risks(self, session, limit: int, group: int | None) -> Part:
        rows, total = sq.top_risks(session, limit, group)
        cards: tuple[RiskCard, ...] = tuple(
            risk_card(r, self.board.risk_bands, self.clock.tz) for r in rows
        )
        return Part(cards, total)

    def _deadlines(self, session, today: date) -> tuple[DeadlineCard, ...]:
        return tuple(self._deadline(d) for d in sq.next_deadlines(session, today, DEADLINES_SHOWN))

    def _deadline(self, deadline) -> DeadlineCard:
        evidence = (
            evidence_due(deadline.date, self.board.evidence_lead_working_days)
            if deadline.kind == "visit"
            else None
        )
        return DeadlineCard(deadline.id, deadline.kind, deadline.date, deadline.title, evidence)

    def _changes(self, session, today: date) -> Changes | None:
        since = sq.last_event(session, "board", today)
        if since is None:
            return None
        moment = self._start_of(since)
        refs, completed = sq.completed_since(session, moment, LIST_LIMIT)
        numbers, logged = sq.risks_logged_since(session, moment, LIST_LIMIT)
        return Changes(
            since=since,
            status_changes=sq.status_changes_since(session, moment),
            completed=Part(tuple(refs), completed),
            new_risks=Part(tuple(f"R{n}" for n in numbers), logged),
        )
