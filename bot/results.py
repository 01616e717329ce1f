"""What the core answers: plain data that each door renders in its own way, or the CLI as text."""

from dataclasses import dataclass, field
from datetime import date

from bot.message_text import Text
from bot.people import PersonRef
from bot.status import Status


@dataclass(frozen=True)
class ActionCard:
    """A snapshot of one action, detached from the database session."""

    ref: str
    title: str
    group_number: int
    group_name: str
    owner: PersonRef
    status: Status
    due: date | None  # None: no date agreed
    original_due: date | None
    last_update_on: date  # local date of the last report on progress
    version: int
    description: str | None = None
    sro: PersonRef | None = None
    start: date | None = None
    due_revised_reason: str | None = None
    due_revised_by: PersonRef | None = None
    # In words, for `action show`: who approved the revised date and when, and a new date
    # awaiting DfE/NHS England (bot/redate_approval.py).
    due_approval: str | None = None
    awaiting_due: str | None = None
    success_measures: str | None = None
    evidence: str | None = None
    source: str | None = None
    outcome: str | None = None  # the intended outcome
    achieved_on: date | None = None  # the day it went blue
    areas: tuple[tuple[int, str], ...] = ()
    withdrawn: bool = False
    co_owners: tuple[PersonRef, ...] = ()  # leads beside the owner, reminded as the owner is

    @property
    def owners(self) -> tuple[PersonRef, ...]:
        """The owner, then any co-owners: everyone who answers for the action."""
        return (self.owner, *self.co_owners)

    @property
    def owners_label(self) -> str:
        return "Owners" if self.co_owners else "Owner"

    def days_overdue(self, today: date) -> int:
        if self.status.is_complete or self.withdrawn or self.due is None or self.due >= today:
            return 0
        return (today - self.due).days

    def may_snooze(self, today: date) -> bool:
        """Snooze is offered on an open action not yet due: an overdue one needs an update,
        and a snooze never runs past the due date."""
        if self.status.is_complete or self.withdrawn:
            return False
        return self.due is None or self.due > today


@dataclass(frozen=True)
class HistoryLine:
    on: date  # local date
    actor: PersonRef | None  # None: the bot itself (an import)
    summary: str


@dataclass(frozen=True)
class Notice:
    """A short answer, optionally about one action (shown with its buttons)."""

    text: Text
    action: ActionCard | None = None


@dataclass(frozen=True)
class ActionList:
    heading: str
    actions: tuple[ActionCard, ...]
    total: int
    empty: str
    filters: Text = ()
    # The asker's own actions: a door offers them the controls to update each one.
    own: bool = False
    # What to type to see the rest, when the list is cut.
    see_all: str = ""


@dataclass(frozen=True)
class ActionDetail:
    action: ActionCard
    history: tuple[HistoryLine, ...]
    history_total: int
    # Whether the person asking may change it: a door offers them the controls to.
    may_change: bool = False


@dataclass(frozen=True)
class Help:
    title: str
    lines: tuple[tuple[str, str], ...]  # (usage, example)


@dataclass(frozen=True)
class OpenAddForm:
    """The add command with no arguments: the door opens its form."""


@dataclass(frozen=True)
class DirectMessage:
    person: PersonRef
    text: Text
    action: ActionCard | None = None


@dataclass
class Outcome:
    """A result plus the people to tell about it (e.g. a new owner)."""

    result: object
    messages: list[DirectMessage] = field(default_factory=list)
