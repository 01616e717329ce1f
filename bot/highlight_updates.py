"""Highlight updates: a working group's short report to a board meeting (SPEC §5, issue 12).

Before a board meeting each group's lead is asked for one; the lead (or an admin) sends it from a
form. Every update sent is kept; the latest for a group and meeting is the one the chair sees.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.dates import format_weekday_long
from bot.deadline_service import KINDS
from bot.errors import NotAllowed, UserError
from bot.message_text import Mention, Text, text
from bot.people import Actor, PersonRef, optional_ref
from bot.permissions import admin_words
from bot.results import Notice
from bot.status import Status, parse_status
from bot.typed_text import COMMAND, form_text
from bot.working_calendar import add_working_days
from storage.database import Database
from storage.models import Deadline, HighlightUpdate, WorkingGroup

# The chair reads the updates with the board papers: they are asked for this many working days
# before the meeting (the request goes out earlier: board_meeting_working_days).
DUE_WORKING_DAYS = 2
# A group's BRAG on the form: "not started" says nothing about a whole group's progress.
GROUP_STATUSES = (Status.BLUE, Status.GREEN, Status.AMBER, Status.RED)
WANTED = "what the group has achieved, any issues or risks, its next steps, and its BRAG status"
NO_LONGER_WORKS = "That button no longer works. Ask an admin when the next board meeting is."


def due_by(meeting: date) -> date:
    """When a group's highlight update is wanted for a meeting on `meeting`."""
    return add_working_days(meeting, -DUE_WORKING_DAYS)


def due_words(meeting: date, today: date) -> str:
    """By when, as the request says it: a date, or, once that has gone, before the meeting."""
    by = due_by(meeting)
    if by >= today:
        return f"by {format_weekday_long(by)}"
    return "as soon as you can, before the meeting"


@dataclass(frozen=True)
class HighlightDraft:
    """What a form shows: the latest update sent, or nothing yet."""

    brag: Status | None = None
    achievements: str | None = None
    issues: str | None = None
    next_steps: str | None = None


@dataclass(frozen=True)
class HighlightForm:
    """Enough for a door to open the form for one group and meeting."""

    meeting_id: int
    meeting_title: str
    meeting_date: date
    group_number: int
    group_name: str
    draft: HighlightDraft
    sent_before: bool

    @property
    def group_words(self) -> str:
        return group_words(self.group_number, self.group_name)


def group_words(number: int, name: str) -> str:
    return f"Working group {number} {name}"


def request_text(
    meeting_title: str, meeting_date: date, lead: PersonRef | None, by_when: str
) -> Text:
    """The request to a group before a board meeting: what is wanted, by when, and where it
    goes. `by_when` is `due_words`'s."""
    named = "" if meeting_title == KINDS["board"] else f" ({meeting_title})"
    sender: tuple = ("the group's lead",)
    if lead is not None:
        sender = ("the group's lead (", Mention(lead), ")")
    return text(
        f"The board meets on {format_weekday_long(meeting_date)}{named}. Please send the "
        f"group's highlight update {by_when}: {WANTED}. It goes to the board chair through "
        f"this bot and is shown in {COMMAND}summary. Only ",
        *sender,
        " or an admin can send it: press Send highlight update.",
    )


class HighlightService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def open_form(self, actor: Actor, meeting_id: object, group_number: object) -> HighlightForm:
        """The form for this group and meeting, filled in with the latest update sent."""
        with self.db.session() as session:
            meeting, group = self._checked(session, actor, meeting_id, group_number)
            latest = latest_update(session, meeting.id, group.id)
            draft = HighlightDraft()
            if latest is not None:
                draft = HighlightDraft(
                    parse_status(latest.brag),
                    latest.achievements,
                    latest.issues,
                    latest.next_steps,
                )
            return HighlightForm(
                meeting.id,
                meeting.title,
                meeting.date,
                group.number,
                group.name,
                draft,
                latest is not None,
            )

    def save(
        self, actor: Actor, meeting_id: object, group_number: object, values: Mapping[str, object]
    ) -> Notice:
        """Check the form and keep it as a new update; a refusal names the field it is about
        and writes nothing."""
        brag = parse_status(str(values.get("brag") or ""))
        if brag not in GROUP_STATUSES:
            raise UserError("Choose the group's BRAG status.", field="brag")
        achievements = form_text(values, "achievements")
        if not achievements:
            raise UserError("Please say what the group has achieved.", field="achievements")
        issues, next_steps = form_text(values, "issues"), form_text(values, "next_steps")
        with self.db.session() as session:
            meeting, group = self._checked(session, actor, meeting_id, group_number)
            again = latest_update(session, meeting.id, group.id) is not None
            session.add(
                HighlightUpdate(
                    deadline_id=meeting.id,
                    working_group_id=group.id,
                    author_id=actor.person_id,
                    at=self.clock.now(),
                    brag=brag.value,
                    achievements=achievements,
                    issues=issues,
                    next_steps=next_steps,
                )
            )
            replaces = " It replaces the one sent before, which is kept." if again else ""
            return Notice(
                f"Your highlight update for {group_words(group.number, group.name)} is saved "
                f"for the board on {format_weekday_long(meeting.date)}.{replaces} "
                f"The chair will see it in {COMMAND}summary."
            )

    def _checked(
        self, session: Session, actor: Actor, meeting_id: object, group_number: object
    ) -> tuple[Deadline, WorkingGroup]:
        """The meeting and group a button names, if an update may still be sent for them by
        this person."""
        if not isinstance(meeting_id, int) or not isinstance(group_number, int):
            raise UserError(NO_LONGER_WORKS)
        meeting = session.get(Deadline, meeting_id)
        group = session.scalar(select(WorkingGroup).where(WorkingGroup.number == group_number))
        if meeting is None or meeting.kind != "board" or group is None:
            raise UserError(NO_LONGER_WORKS)
        when = format_weekday_long(meeting.date)
        if meeting.removed_at is not None:
            raise UserError(
                f"The board meeting on {when} has been removed, so no highlight update is "
                "needed for it. Nothing was saved."
            )
        if meeting.date < self.clock.today():
            raise UserError(
                f"The board meeting on {when} has passed, so a highlight update can no longer "
                "be sent for it. Nothing was saved."
            )
        if not actor.is_admin and actor.person_id != group.lead_id:
            raise NotAllowed(_who_may_send(group, optional_ref(group.lead), admin_words(actor)))
        return meeting, group


def latest_update(session: Session, meeting_id: int, group_id: int) -> HighlightUpdate | None:
    """The update the chair sees for a group and meeting: the last one sent."""
    return session.scalar(
        select(HighlightUpdate)
        .where(
            HighlightUpdate.deadline_id == meeting_id,
            HighlightUpdate.working_group_id == group_id,
        )
        .order_by(HighlightUpdate.at.desc(), HighlightUpdate.id.desc())
        .limit(1)
    )


def _who_may_send(group: WorkingGroup, lead: PersonRef | None, admins: str):
    named = group_words(group.number, group.name)
    lead_words: tuple = (f"the lead of {named}",)
    if lead is not None:
        lead_words = (f"the lead of {named} (", Mention(lead), ")")
    return text(
        "Only ",
        *lead_words,
        f" or {admins} can send its highlight update. Nothing was saved.",
    )
