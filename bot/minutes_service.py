"""Minutes in, draft actions out: what every door (the form in chat, `sendbot draft-actions`) asks.

Nothing is written here. Each proposal is what the add-action form is filled in with; an admin
edits it and saves it there (or edits the CSV and imports it), or drops it.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from bot.clock import Clock
from bot.dates import format_long
from bot.errors import UserError
from bot.minutes_actions import draft_actions
from bot.minutes_suggestions import (
    KnownPerson,
    meeting_date_in,
    source_for,
    suggest_due,
    suggest_owner,
)
from bot.people import Actor
from bot.permissions import require_admin
from storage.database import Database
from storage.models import Deadline, Person

BOARD_KIND = "board"  # a board meeting, as `deadline add board` stores it
MEETING_NEEDED = (
    "I can't find the date of the meeting in the minutes' heading. Give the date of the meeting."
)


@dataclass(frozen=True)
class OpenMinutesForm:
    """`action from-minutes`: the door opens its form for pasting minutes."""


@dataclass(frozen=True)
class Proposal:
    """One draft action, as the add-action form will be filled in with it."""

    number: int  # 1, 2, … in the minutes' order: how the admin names it
    title: str
    decision: str  # the sentence it came from, as minuted
    owner: KnownPerson | None  # the person whose role the minutes name, if the board knows it
    owner_hint: str | None  # who the minutes say will do it, in their words
    due: date | None
    due_hint: str | None  # "the January meeting", as minuted
    source: str  # "Board 14/01/2027"


@dataclass(frozen=True)
class MinutesDrafts:
    meeting: date
    proposals: tuple[Proposal, ...]

    @property
    def empty_words(self) -> str:
        return (
            f"I found no decisions to do something in the minutes of {format_long(self.meeting)}. "
            "Nothing was added."
        )


class MinutesService:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or Clock()

    def open_form(self, actor: Actor) -> OpenMinutesForm:
        require_admin(actor, "draft actions from minutes")
        return OpenMinutesForm()

    def propose(self, actor: Actor, minutes: str, meeting: date | None = None) -> MinutesDrafts:
        """The draft actions in `minutes`, for an admin to accept or drop."""
        require_admin(actor, "draft actions from minutes")
        return self.drafts(minutes, meeting)

    def drafts(self, minutes: str, meeting: date | None = None) -> MinutesDrafts:
        """The same without asking who: the command line is the operator's own."""
        if not minutes.strip():
            raise UserError("Paste the minutes: there is nothing to read.", field="minutes")
        meeting = meeting or meeting_date_in(minutes)
        if meeting is None:
            raise UserError(MEETING_NEEDED, field="meeting")
        meetings, people = self._board_meetings_and_people()
        proposals = []
        for number, draft in enumerate(draft_actions(minutes), start=1):
            owner = suggest_owner(draft.owner_hint, draft.decision, draft.context, people)
            proposals.append(
                Proposal(
                    number=number,
                    title=draft.title,
                    decision=draft.decision,
                    owner=owner,
                    owner_hint=draft.owner_hint,
                    due=suggest_due(draft.due_hint, meeting, meetings),
                    due_hint=draft.due_hint,
                    source=source_for(meeting),
                )
            )
        return MinutesDrafts(meeting, tuple(proposals))

    def _board_meetings_and_people(self) -> tuple[list[date], list[KnownPerson]]:
        with self.db.session() as session:
            meetings = session.scalars(
                select(Deadline.date).where(
                    Deadline.kind == BOARD_KIND, Deadline.removed_at.is_(None)
                )
            )
            people = session.scalars(
                select(Person).where(Person.role_title.is_not(None)).order_by(Person.id)
            )
            known = [
                KnownPerson(p.id, p.name or p.email or p.role_title or "", p.role_title or "")
                for p in people
            ]
            return list(meetings), known
