"""What the reminder sweep needs to know about visits and board meetings: the readiness window
and evidence of each visit coming up, who has not updated in it, and the last visit if it has
passed with no next one set. The same window as the visit summary (bot/readiness.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.board_config import BoardConfig
from bot.deadline_service import evidence_due
from bot.readiness import evidence_words, readiness_window
from bot.reminder_policy import ActionFacts, EventFacts
from storage import reminder_queries as rq
from storage import summary_queries as sq
from storage.models import Action, Deadline, WorkingGroup

FactsOf = Callable[[Action, WorkingGroup], ActionFacts]


@dataclass(frozen=True)
class VisitFacts:
    events: tuple[EventFacts, ...]
    not_updated_since: dict[int, tuple[ActionFacts, ...]]
    last_visit: EventFacts | None


def load_visit_facts(
    session: Session, board: BoardConfig, tz: ZoneInfo, today: date, facts_of: FactsOf
) -> VisitFacts:
    events: list[EventFacts] = []
    not_updated: dict[int, tuple[ActionFacts, ...]] = {}
    for deadline in rq.upcoming_events(session, today):
        if deadline.kind != "visit":
            events.append(EventFacts(deadline.id, deadline.kind, deadline.date, deadline.title))
            continue
        window = readiness_window(session, deadline.date, board.plan_start, tz, today, board.plan)
        events.append(_visit(deadline, board, tz, today, window.words))
        rows = sq.not_progressed_since(session, window.moment)
        not_updated[deadline.id] = tuple(facts_of(a, g) for a, g in rows)
    return VisitFacts(tuple(events), not_updated, _passed_visit(session, board, tz, today))


def _visit(
    deadline: Deadline, board: BoardConfig, tz: ZoneInfo, today: date, since_words: str = ""
) -> EventFacts:
    due = evidence_due(deadline.date, board.evidence_lead_working_days)
    sent = deadline.evidence_sent_at
    sent_on = sent.astimezone(tz).date() if sent is not None else None
    return EventFacts(
        deadline.id,
        "visit",
        deadline.date,
        deadline.title,
        evidence_due=due,
        since_words=since_words,
        evidence_words=evidence_words(deadline.id, due, today, sent_on),
        evidence_sent=sent is not None,
        review=board.plan.main_review,
    )


def _passed_visit(
    session: Session, board: BoardConfig, tz: ZoneInfo, today: date
) -> EventFacts | None:
    if sq.next_event(session, "visit", today) is not None:
        return None
    latest = sq.latest_event(session, "visit", today)
    return _visit(latest, board, tz, today) if latest is not None else None
