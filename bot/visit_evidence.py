"""Evidence of impact gathered per area of weakness for the next visit (issue 13, item 5).

For each area, each action's evidence entries since the previous review, dated and saying who
gave them (an owner's `done` in chat, or the plan import), and the actions in the area with no
new evidence named as gaps: what the board must find before the visit. The window is the one the
visit's readiness is counted in (bot/readiness.py), so the two summaries never disagree.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.board_config import BoardConfig
from bot.clock import Clock
from bot.deadline_service import DeadlineCard, deadline_card
from bot.errors import UserError
from bot.people import PersonRef, optional_ref, person_ref
from bot.readiness import ReadinessWindow, readiness_window
from bot.typed_text import COMMAND, hand_back
from storage import summary_queries as sq
from storage.action_queries import areas as all_areas
from storage.database import Database
from storage.models import Action, ActionHistory, Person

USAGE = (f"{COMMAND}summary evidence [area N]", f"{COMMAND}summary evidence area 2")
NO_AREA = 0  # the number shown for actions linked to no area


@dataclass(frozen=True)
class EvidenceEntry:
    on: date
    by: PersonRef | None  # None: the plan import
    text: str


@dataclass(frozen=True)
class ActionEvidence:
    ref: str
    title: str
    owner: PersonRef
    entries: tuple[EvidenceEntry, ...]  # newest first


@dataclass(frozen=True)
class AreaEvidence:
    number: int  # NO_AREA for actions linked to no area
    title: str
    with_evidence: tuple[ActionEvidence, ...]
    gaps: tuple[ActionEvidence, ...]  # actions with no evidence in the window


@dataclass(frozen=True)
class VisitEvidence:
    today: date
    visit: DeadlineCard | None
    window: ReadinessWindow
    areas: tuple[AreaEvidence, ...]

    @property
    def heading(self) -> str:
        return "Evidence of impact by area of weakness"

    @property
    def entry_count(self) -> int:
        return sum(len(a.entries) for area in self.areas for a in area.with_evidence)

    @property
    def gap_count(self) -> int:
        return sum(len(area.gaps) for area in self.areas)


def parse_area(words: list[str]) -> int | None:
    """`evidence`, `evidence area 3` or `evidence 3`: the area asked about, if one."""
    if not words:
        return None
    typed = words
    if words[0] == "area":
        words = words[1:]
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    error = UserError("Which area of weakness? Give its number, like area 2.", USAGE[0])
    hand_back(error, f"{COMMAND}summary evidence {' '.join(typed)}")
    raise error


def visit_evidence(
    db: Database, board: BoardConfig, clock: Clock, area: int | None = None
) -> VisitEvidence:
    today = clock.today()
    with db.session() as session:
        known = {a.number: a.title for a in all_areas(session)}
        if area is not None and area not in known:
            numbers = ", ".join(str(n) for n in sorted(known)) or "none yet"
            raise UserError(f"There is no area {area} (areas: {numbers}).", USAGE[0])
        visit = sq.next_event(session, "visit", today)
        window = readiness_window(
            session, visit.date if visit else today, board.plan_start, clock.tz, today
        )
        actions = _actions(session)
        entries = _entries(session, window.moment, clock)
        by_area: dict[int, list[Action]] = {}
        for action in actions:
            for number in [a.number for a in action.areas] or [NO_AREA]:
                by_area.setdefault(number, []).append(action)
        wanted = [area] if area is not None else sorted(by_area)
        shown = tuple(
            _area(
                number, known.get(number, "Not linked to an area"), by_area.get(number, []), entries
            )
            for number in wanted
        )
        card = deadline_card(visit, board.evidence_lead_working_days) if visit else None
        return VisitEvidence(today, card, window, shown)


def _actions(session: Session) -> list[Action]:
    query = (
        select(Action)
        .where(Action.withdrawn_at.is_(None))
        .options(selectinload(Action.areas))
        .order_by(Action.ref_key)
    )
    return list(session.scalars(query))


def _entries(session: Session, since: datetime, clock: Clock) -> dict[int, list[EvidenceEntry]]:
    """Each action's evidence entries since `since`, newest first. A `done` typed again adds to
    what was there: only the new part is the entry."""
    found: dict[int, list[EvidenceEntry]] = {}
    rows = session.scalars(
        select(ActionHistory)
        .where(ActionHistory.field == "evidence", ActionHistory.at >= since)
        .order_by(ActionHistory.id.desc())
    )
    for row in rows:
        text = (row.new_value or "").strip()
        old = (row.old_value or "").strip()
        if old and text.startswith(old):
            text = text[len(old) :].strip()
        if text:
            on = row.at.astimezone(clock.tz).date()
            found.setdefault(row.action_id, []).append(
                EvidenceEntry(on, optional_ref(row.actor), text)
            )
    # Evidence that came in with an imported action is in its "created" row's action.
    created = session.execute(
        select(ActionHistory.action_id, ActionHistory.at, ActionHistory.actor_id).where(
            ActionHistory.event == "created", ActionHistory.at >= since
        )
    ).all()
    for action_id, at, actor_id in created:
        action = session.get(Action, action_id)
        if action is not None and action.evidence and action_id not in found:
            by = optional_ref(session.get(Person, actor_id)) if actor_id else None
            on = at.astimezone(clock.tz).date()
            found[action_id] = [EvidenceEntry(on, by, action.evidence.strip())]
    return found


def _area(
    number: int, title: str, actions: list[Action], entries: dict[int, list[EvidenceEntry]]
) -> AreaEvidence:
    with_evidence, gaps = [], []
    for action in actions:
        own = tuple(entries.get(action.id, ()))
        shown = ActionEvidence(action.ref, action.title, person_ref(action.owner), own)
        (with_evidence if own else gaps).append(shown)
    return AreaEvidence(number, title, tuple(with_evidence), tuple(gaps))
