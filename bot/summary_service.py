"""Summaries for the chair (SPEC §3, the summary command): plain data, counted in the database."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot import board_pack, family_requests, visit_evidence
from bot.action_commands import DUE_SOON_DAYS
from bot.action_service import card
from bot.board_config import BoardConfig
from bot.clean_text import clean
from bot.clock import Clock
from bot.dates import format_long, relative_day
from bot.deadline_service import DeadlineCard, deadline_card
from bot.delivery import OutgoingFile, Place
from bot.errors import UserError
from bot.no_date_summary import for_viewer
from bot.people import Actor, PersonRef, person_ref, refs
from bot.permissions import ADMIN_WORDS, admin_words, export_groups
from bot.plan_config import plan_heading
from bot.readiness import ReadinessWindow, evidence_words, readiness_window
from bot.redate_approval import all_awaiting
from bot.results import ActionCard, Help, Outcome
from bot.review_snapshots import SinceReview, since_last_review, take_due_snapshots
from bot.risk_scale import band_of
from bot.risk_service import RiskCard, risk_card
from bot.status import Status
from bot.summary_files import chart_file, export_file, group_numbers
from bot.summary_lines import area_name
from bot.tokens import TokenError, parse_number, split_args
from bot.typed_text import COMMAND, quoted
from storage import summary_queries as sq
from storage.action_queries import areas as all_areas
from storage.action_queries import find_group
from storage.database import Database
from storage.models import Action, Deadline, HighlightUpdate, WorkingGroup

LIST_LIMIT = 10
RISKS_SHOWN = 5
DEADLINES_SHOWN = 5
GROUP_ACTIONS_SHOWN = 25

USAGE = {
    "overview": (f"{COMMAND}summary", f"{COMMAND}summary"),
    "wg": (f"{COMMAND}summary wg N", f"{COMMAND}summary wg 3"),
    "area": (f"{COMMAND}summary area N (an area of weakness)", f"{COMMAND}summary area 2"),
    "risks": (f"{COMMAND}summary risks", f"{COMMAND}summary risks"),
    "visit": (f"{COMMAND}summary visit", f"{COMMAND}summary visit"),
    "evidence": visit_evidence.USAGE,
    "export": (
        f"{COMMAND}summary export [xlsx|csv] (admins: the whole plan; working group leads: "
        "their group's actions)",
        f"{COMMAND}summary export xlsx",
    ),
    "chart": (f"{COMMAND}summary chart", f"{COMMAND}summary chart"),
    "board-pack": board_pack.USAGE,
    "family-update": family_requests.USAGE,
    "here": ("add here to any of them (admins): post it to the channel", f"{COMMAND}summary here"),
}


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
class OffTrack:
    """A red or amber action, and when its owner last reported on it (None: never)."""

    action: ActionCard
    last_progress: date | None

    def progress_words(self, today: date) -> str:
        if self.last_progress is None:
            return "no update yet"
        return f"last update {relative_day(self.last_progress, today)}"


@dataclass(frozen=True)
class Highlight:
    """A working group's latest highlight update for a board meeting."""

    group_number: int
    group_name: str
    brag: Status
    achievements: str
    issues: str | None
    next_steps: str | None
    author: PersonRef
    on: date


@dataclass(frozen=True)
class Highlights:
    meeting: DeadlineCard
    sent: tuple[Highlight, ...]
    missing: tuple[tuple[int, str], ...]  # groups with none yet: number, name


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
    off_track: Part = field(default_factory=lambda: Part((), 0))
    overdue_on_track: Part = field(default_factory=lambda: Part((), 0))
    areas: tuple[GroupLine, ...] = ()  # one line per area of weakness (number, title, counts)
    highlights: Highlights | None = None
    no_date: Part = field(default_factory=lambda: Part((), 0))  # items for admins only
    since_review: SinceReview | None = None  # improved and slipped since the latest review
    # For admins: re-dates awaiting DfE/NHS England approval (bot/redate_approval.py).
    awaiting: Part = field(default_factory=lambda: Part((), 0))

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
    window: ReadinessWindow | None
    evidence: str = ""  # where the evidence stands, in the right tense
    groups: tuple[tuple[int, str, int, int], ...] = ()  # number, name, open, updated
    areas: tuple[tuple[int, str, int, int], ...] = ()  # number, title, open, updated
    waiting: Part = field(default_factory=lambda: Part((), 0))  # (person, how many)
    off_track: Part = field(default_factory=lambda: Part((), 0))
    review: str = "monitoring visit"  # what the board calls it ([plan] review_kinds)

    @property
    def open_total(self) -> int:
        return sum(total for _, _, total, _ in self.groups)

    @property
    def updated(self) -> int:
        return sum(done for _, _, _, done in self.groups)


@dataclass(frozen=True)
class SummaryRequest:
    """What `summary …` asked for, and whether to post it to the channel."""

    kind: str  # overview, wg, area, risks, visit, export, chart, help
    here: bool = False
    group: int | None = None
    area: int | None = None
    file_format: str = "xlsx"
    words: tuple[str, ...] = ()  # what followed the kind: board-pack's meeting date
    draft: int | None = None  # family-update approve N


def parse(text: str, is_admin: bool, admins: str = ADMIN_WORDS) -> SummaryRequest:
    try:
        words = [w.lower() for w in split_args(text)]
    except TokenError as error:
        raise UserError(str(error), USAGE["overview"][0]) from None
    here = "here" in words
    words = [w for w in words if w != "here"]
    if here and not is_admin:
        raise UserError(
            f"Only {admins} can post a summary to the channel. Leave out “here” to see it yourself."
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
    if kind == "area":
        number = parse_number(rest[0]) if len(rest) == 1 else None
        if number is None:
            raise UserError(
                "Which area of weakness? Give its number, like area 2.", USAGE["area"][0]
            )
        return SummaryRequest("area", here, area=number)
    if kind == "export":
        fmt = rest[0] if rest else "xlsx"
        if fmt not in ("xlsx", "csv") or len(rest) > 1:
            raise UserError("Export as xlsx or csv.", USAGE["export"][0])
        return SummaryRequest("export", here, file_format=fmt)
    if kind == family_requests.WORD:
        return SummaryRequest(kind, draft=family_requests.parse(rest))
    if kind == "evidence":
        return SummaryRequest("evidence", here, area=visit_evidence.parse_area(rest))
    if kind == "board-pack":
        return SummaryRequest(kind, here, words=tuple(rest))
    if kind in ("risks", "visit", "chart") and not rest:
        return SummaryRequest(kind, here)
    raise UserError(
        f"I don't know “{quoted(' '.join(words), 30)}”. Try {COMMAND}summary help.",
        f"{COMMAND}summary [wg N | area N | risks | visit | evidence | export | chart | "
        "board-pack | family-update] [here]",
    )


@dataclass(frozen=True)
class ToChannel:
    """`here`: the answer goes to the channel it was asked in, for everyone (admins only)."""

    result: object


def _where(request: SummaryRequest) -> str:
    return "to this channel" if request.here else "to you in a direct message"


@dataclass(frozen=True)
class FileReply:
    """A file for the asker (or, with `here`, the channel), and a line to say it is coming."""

    file: OutgoingFile
    to_channel: bool
    notice: str


class SummaryService:
    def __init__(
        self,
        db: Database,
        board: BoardConfig,
        clock: Clock | None = None,
        board_place: Place | None = None,
    ) -> None:
        self.db = db
        self.board_place = board_place  # where an approved family-friendly update is shared
        self.board = board
        self.clock = clock or Clock()

    def today(self) -> date:
        return self.clock.today()

    def handle(self, actor: Actor, text: str) -> Outcome:
        """Carry out `summary …`: one answer, a file, or an answer for the channel."""
        request = parse(clean(text, multiline=True), actor.is_admin, admin_words(actor))
        if request.kind == "export":
            return Outcome(self.export(actor, request))
        if request.kind == "board-pack":
            return Outcome(self.board_pack(actor, request))
        if request.kind == family_requests.WORD:
            return Outcome(
                family_requests.handle(
                    self.db, self.board, self.clock, self.board_place, actor, request.draft
                )
            )
        result = self._answer(request)
        if isinstance(result, Overview) and actor.is_admin and not request.here:
            result = replace(result, awaiting=self._awaiting(result))
        result = for_viewer(result, actor.is_admin)
        if isinstance(result, OutgoingFile):
            where = _where(request)
            return Outcome(FileReply(result, request.here, f"The chart is on its way {where}."))
        return Outcome(ToChannel(result) if request.here else result)

    def export(self, actor: Actor, request: SummaryRequest) -> FileReply:
        """The plan as a file: the whole of it for an admin, the groups they lead for a lead;
        anyone else is refused and sent nothing."""
        with self.db.session() as session:
            led = session.execute(
                select(WorkingGroup.number, WorkingGroup.name)
                .where(WorkingGroup.lead_id == actor.person_id)
                .order_by(WorkingGroup.number)
            ).all()
        groups = export_groups(actor, tuple(number for number, _ in led))
        file = export_file(
            self.db,
            self.today(),
            self.clock.tz,
            self.board.risk_bands,
            request.file_format,
            groups,
            self.board.plan,
        )
        if groups is None:
            return FileReply(file, request.here, f"The export is on its way {_where(request)}.")
        names = "; ".join(name for _, name in led)
        return FileReply(
            file,
            request.here,
            f"The export of {group_numbers(groups)} ({names}) is on its way {_where(request)}. "
            f"It holds only the {'group' if len(led) == 1 else 'groups'} you lead (actions, "
            "history and risks); admins can export the whole plan.",
        )

    def board_pack(self, actor: Actor, request: SummaryRequest) -> FileReply:
        """The highlight report for a board meeting as a Word document (admins only)."""
        if not actor.is_admin:
            raise UserError(
                f"Only {admin_words(actor)} can make the board pack.", USAGE["board-pack"][0]
            )
        day = board_pack.meeting_date(list(request.words), self.today())
        file, said = board_pack.board_pack_file(self, day)
        return FileReply(file, request.here, f"{said} It is on its way {_where(request)}.")

    def _answer(self, request: SummaryRequest) -> object:
        match request.kind:
            case "help":
                return Help(f"{COMMAND}summary — where the plan stands", tuple(USAGE.values()))
            case "overview" | "wg":
                return self.overview(request.group)
            case "area":
                return self.overview(area=request.area)
            case "risks":
                return self.risk_summary()
            case "visit":
                return self.visit_readiness()
            case "chart":
                return chart_file(self.overview())
            case "evidence":
                return visit_evidence.visit_evidence(self.db, self.board, self.clock, request.area)
        raise TypeError(f"no summary {request.kind}")

    def digest(self) -> tuple[Overview, OutgoingFile]:
        """The weekly digest: the board overview, then the BRAG chart beneath it."""
        overview = for_viewer(self.overview(), is_admin=False)  # the channel's: counts only
        title = f"Weekly digest — {format_long(overview.today)}"
        return replace(overview, title=title), chart_file(overview)

    def _awaiting(self, overview: Overview) -> Part:
        if overview.group_actions is not None:  # one group's or area's: the chair's list only
            return Part((), 0)
        with self.db.session() as session:
            items = all_awaiting(session)
        return Part(tuple(items[:LIST_LIMIT]), len(items))

    def _start_of(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=self.clock.tz)

    def overview(self, group: int | None = None, area: int | None = None) -> Overview:
        """The whole plan, one working group's part (`wg N`) or one area of weakness's."""
        today = self.today()
        take_due_snapshots(self.db, today, self.clock.tz)
        with self.db.session() as session:
            title = self._title(session, group, area)
            whole = group is None and area is None
            stale_since = self._start_of(today - timedelta(days=self.board.stale_after_days))
            soon = today + timedelta(days=DUE_SOON_DAYS)
            return Overview(
                title=title,
                today=today,
                groups=self._groups(session, group, area),
                overdue=self._part(sq.overdue(session, today, LIST_LIMIT, group, area)),
                due_soon=self._part(sq.due_between(session, today, soon, LIST_LIMIT, group, area)),
                stale=self._part(
                    sq.not_updated_since(session, stale_since, LIST_LIMIT, group, area)
                ),
                risks=self._risks(session, RISKS_SHOWN, group) if area is None else Part((), 0),
                deadlines=self._deadlines(session, today),
                changes=self._changes(session, today) if whole else None,
                group_actions=(
                    None
                    if whole
                    else self._part(sq.open_actions(session, GROUP_ACTIONS_SHOWN, group, area))
                ),
                stale_after_days=self.board.stale_after_days,
                off_track=self._off_track(session, group, area),
                overdue_on_track=self._part(
                    sq.overdue_on_track(session, today, LIST_LIMIT, group, area)
                ),
                areas=self._areas(session) if whole else (),
                highlights=self._highlights(session, today) if whole else None,
                no_date=self._part(sq.no_date_agreed(session, LIST_LIMIT, group, area)),
                since_review=since_last_review(session, today, group, area),
            )

    def _title(self, session, group: int | None, area: int | None) -> str:
        if group is not None:
            found = find_group(session, group)
            if found is None:
                raise UserError(f"There is no working group {group}.", USAGE["wg"][0])
            return f"Working group {found.number} {found.name}"
        if area is not None:
            place = sq.find_area(session, area)
            if place is None:
                raise UserError(f"There is no area of weakness {area}.", USAGE["area"][0])
            return f"Area of weakness: {area_name(place.number, place.title)}"
        return f"{plan_heading(self.board.plan)} — where the plan stands"

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
        """How ready the plan is for the next visit: updates in the readiness window."""
        today = self.today()
        with self.db.session() as session:
            visit = sq.next_event(session, "visit", today)
            review = self.board.plan.main_review
            if visit is None:
                return VisitReadiness(today, None, None, review=review)
            window = readiness_window(
                session, visit.date, self.board.plan_start, self.clock.tz, today, self.board.plan
            )
            owners, total = sq.owners_waiting(session, window.moment, 30)
            named = refs(session, [owner for owner, _ in owners])
            waiting = tuple((named[owner], count) for owner, count in owners)
            shown = self._deadline(visit)
            return VisitReadiness(
                today=today,
                visit=shown,
                window=window,
                evidence=self._evidence(session, visit, shown.evidence_due, today),
                groups=tuple(sq.updated_share_by_group(session, window.moment)),
                areas=tuple(sq.updated_share_by_area(session, window.moment)),
                waiting=Part(waiting, total),
                off_track=self._off_track(session, None, None),
                review=review,
            )

    def _evidence(self, session, visit: Deadline, due: date, today: date) -> str:
        sent_on = sent_by = None
        if visit.evidence_sent_at is not None:
            sent_on = visit.evidence_sent_at.astimezone(self.clock.tz).date()
            if visit.evidence_sent_by is not None:
                sent_by = refs(session, [visit.evidence_sent_by])[visit.evidence_sent_by].shown
        return evidence_words(visit.id, due, today, sent_on, sent_by)

    def _off_track(self, session, group: int | None, area: int | None) -> Part:
        rows, total = sq.off_track(session, LIST_LIMIT, group, area)
        tz = self.clock.tz
        lines = tuple(
            OffTrack(card(a, tz), a.progress_at.astimezone(tz).date() if a.progress_at else None)
            for a in rows
        )
        return Part(lines, total)

    def _areas(self, session) -> tuple[GroupLine, ...]:
        """Every area of weakness, those with no actions too: a gap the board should see."""
        lines = {a.number: GroupLine(a.number, a.title, {}) for a in all_areas(session)}
        for number, title, status, count in sq.status_by_area(session):
            lines.setdefault(number, GroupLine(number, title, {})).counts[status] = count
        return tuple(lines[number] for number in sorted(lines))

    def _highlights(self, session, today: date) -> Highlights | None:
        meeting = sq.board_meeting_for_highlights(session, today)
        if meeting is None:
            return None
        sent = tuple(self._highlight(row) for row in sq.latest_highlights(session, meeting.id))
        done = {h.group_number for h in sent}
        missing = tuple((n, name) for n, name in sq.live_groups(session) if n not in done)
        return Highlights(self._deadline(meeting), sent, missing)

    def _highlight(self, row: HighlightUpdate) -> Highlight:
        brag = Status(row.brag) if row.brag in set(Status) else Status.NOT_STARTED
        return Highlight(
            row.working_group.number,
            row.working_group.name,
            brag,
            row.achievements,
            row.issues,
            row.next_steps,
            person_ref(row.author),
            row.at.astimezone(self.clock.tz).date(),
        )

    # Pieces

    def _groups(self, session, group: int | None, area: int | None) -> tuple[GroupLine, ...]:
        lines: dict[int, GroupLine] = {}
        for number, name, status, count in sq.status_by_group(session, group, area):
            line = lines.setdefault(number, GroupLine(number, name, {}))
            line.counts[status] = count
        return tuple(lines.values())

    def _part(self, pair: tuple[list[Action], int]) -> Part:
        rows, total = pair
        return Part(tuple(card(a, self.clock.tz) for a in rows), total)

    def _risks(self, session, limit: int, group: int | None) -> Part:
        rows, total = sq.top_risks(session, limit, group)
        cards: tuple[RiskCard, ...] = tuple(risk_card(r, self.board.risk_bands) for r in rows)
        return Part(cards, total)

    def _deadlines(self, session, today: date) -> tuple[DeadlineCard, ...]:
        return tuple(self._deadline(d) for d in sq.next_deadlines(session, today, DEADLINES_SHOWN))

    def _deadline(self, deadline) -> DeadlineCard:
        return deadline_card(deadline, self.board.evidence_lead_working_days)

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
