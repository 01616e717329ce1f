"""Typed messages to the bot on Teams: `action mine`, `/risk list`, `@SEND bot summary` …"""

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from bot import action_commands as cmd
from bot.errors import UserError
from bot.family_requests import FamilyApproved, FamilyDraftReply
from bot.people import Actor
from bot.results import DirectMessage, Outcome
from bot.summary_service import FileReply, ToChannel
from handlers.teams.buttons import ON_HOME, shown_on
from handlers.teams.cards import block, card, inert, render, words
from handlers.teams.cards_chart import is_picture
from handlers.teams.family_update import family_card
from handlers.teams.files import on_teams
from handlers.teams.people import TeamsPeople

log = logging.getLogger(__name__)
COMMANDS = ("action", "risk", "summary", "deadline")
T = TypeVar("T")


@dataclass(frozen=True)
class Answer:
    card: dict
    # For everyone where it was asked (`summary here`); every other answer is the asker's own.
    shared: bool = False
    # Others to tell of the change (a new owner, say), as Slack's door tells them.
    told: tuple[DirectMessage, ...] = ()


@dataclass(frozen=True)
class Typed:
    command: str  # action, risk, summary, deadline or help
    rest: str


def typed_command(text: str) -> Typed | None:
    """The command in decoded text (TeamsPeople.decode), with or without a leading slash."""
    words_typed = text.strip().removeprefix("/").split(maxsplit=1)
    if not words_typed:
        return None
    first = words_typed[0].lower()
    rest = words_typed[1] if len(words_typed) > 1 else ""
    if first == "help":
        return Typed("action", "help")
    if first == "home":
        return Typed("home", "")
    if first in COMMANDS:
        return Typed(first, rest)
    return None


class TeamsMessages:
    """Answers a typed command with one card, whatever happens."""

    def __init__(
        self, people: TeamsPeople, services: dict[str, object], today: Callable[[], date]
    ) -> None:
        self.people = people
        self.services = services
        self.today = today

    def home(self, actor: Actor, greeting: str | None = None) -> dict:
        """Teams' App Home: your actions, your risks, the next deadlines; admins see the board."""
        today = self.today()
        parts = [
            self.services["action"].execute(actor, cmd.Mine()).result,
            self.services["risk"].owned_by(actor),
            self.services["deadline"].upcoming(limit=5),
        ]
        if actor.is_admin:
            parts.append(self.services["summary"].overview())
        body = [block(inert(greeting), weight="Bolder")] if greeting else []
        for part in parts:
            shown = render(part, today)
            if shown is not None:
                body.extend(shown["body"])
        body.append(
            block("Type action help, risk help or summary for more; home shows this again.")
        )
        return card(shown_on(body, ON_HOME))

    async def welcome(self, activity: dict) -> dict:
        """The card the app says hello with when it is added for someone."""

        def greet() -> dict:
            actor = self.people.actor(activity)
            hello = (
                f"Hello {actor.person.shown}. I keep {self.services['action'].plan.the_plan}: "
                "your actions, reminders before they are due, and the updates you send me here."
            )
            return self.home(actor, hello)

        return await asyncio.to_thread(greet)

    async def answer(self, activity: dict) -> Answer:
        return await asyncio.to_thread(self._answer, activity)

    def _answer(self, activity: dict) -> Answer:
        typed_text = str(activity.get("text") or "")
        return answer_safely(lambda: self._carry_out(activity), typed_text)

    def _carry_out(self, activity: dict) -> Answer:
        typed = typed_command(self.people.decode(activity))
        if typed is None:
            return Answer(NOT_A_COMMAND)
        actor = self.people.actor(activity)
        if typed.command == "home":
            return Answer(self.home(actor))
        outcome = self.services[typed.command].handle(actor, typed.rest)
        told = tuple(outcome.messages) if isinstance(outcome, Outcome) else ()
        result = outcome.result if isinstance(outcome, Outcome) else outcome
        shared = isinstance(result, ToChannel)
        if shared:
            result = result.result
        if isinstance(result, FamilyDraftReply | FamilyApproved):
            return Answer(family_card(result))
        if isinstance(result, FileReply):
            # A picture may be posted for everyone (`summary chart here`); any other file goes
            # only to its asker, in their personal chat.
            shared = result.to_channel and is_picture(result.file)
            result = on_teams(result.file, actor.person)
        shown = render(result, self.today())
        if shown is None:
            shown = card([block("That answer cannot be shown in Teams yet.")])
        return Answer(shown, shared, told)


def answer_safely(work: Callable[[], T], typed_text: str = "") -> T | Answer:
    """What `work` answers; else the reason for a mistake, or a short apology with an id that
    is in the log. Nothing is changed by a failed piece of work, and no trace reaches a user."""
    try:
        return work()
    except UserError as error:
        return Answer(user_error_card(error))
    except (OperationalError, DBAPIError):
        log.error("database unreachable answering on Teams")
        return Answer(UNREACHABLE_DATABASE)
    except Exception:
        error_id = uuid.uuid4().hex[:8]
        log.exception("unexpected error %s answering on Teams", error_id)
        body = [block(apology_words(error_id))]
        if typed_text:
            body.append(block(inert(f"You typed: {typed_text}"), isSubtle=True))
        return Answer(card(body))


def apology_words(error_id: str) -> str:
    return (
        "Sorry — something went wrong on our side and nothing was changed. If it happens "
        f"again, tell your admin the error id {error_id}."
    )


NOT_A_COMMAND = card(
    [
        block(
            "I did not recognise that. Type **help** to see what I can do, or start with action, "
            "risk, summary or deadline."
        )
    ]
)
UNREACHABLE_WORDS = (
    "The bot cannot reach its database just now; nothing was changed. "
    "Please try again in a few minutes."
)
UNREACHABLE_DATABASE = card([block(UNREACHABLE_WORDS)])


def user_error_card(error: UserError) -> dict:
    body = [block(words(error.reason))]
    if error.echo:
        body.append(block(inert(error.echo), fontType="Monospace"))
    if error.usage:
        body.append(block(inert("Usage: " + error.usage), isSubtle=True))
    return card(body)
