"""Typed messages to the bot on Teams: `action mine`, `/risk list`, `@SEND bot summary` …"""

import asyncio
import html
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.errors import UserError
from bot.people import Actor, People, Profile
from bot.results import Outcome
from bot.typed_text import strip_markers
from handlers.teams.cards import block, card, inert, render, words

log = logging.getLogger(__name__)
PLATFORM = "teams"
COMMANDS = ("action", "risk", "summary", "deadline")
# Teams writes a mention of the bot into the text as <at>Its name</at>; channel messages may
# also arrive as a little HTML.
_MENTION = re.compile(r"<at>.*?</at>", re.DOTALL)
_TAG = re.compile(r"<[^>]{0,200}>")


@dataclass(frozen=True)
class Typed:
    command: str  # action, risk, summary, deadline or help
    rest: str


def typed_command(text: str) -> Typed | None:
    """The command in a message, with or without a leading slash or an @mention of the bot."""
    plain = html.unescape(_TAG.sub(" ", _MENTION.sub(" ", text or "")))
    words_typed = strip_markers(plain).strip().removeprefix("/").split(maxsplit=1)
    if not words_typed:
        return None
    first = words_typed[0].lower()
    rest = words_typed[1] if len(words_typed) > 1 else ""
    if first == "help":
        return Typed("action", "help")
    if first in COMMANDS:
        return Typed(first, rest)
    return None


class TeamsMessages:
    """Answers a typed command with one card, whatever happens."""

    def __init__(self, people: People, services: dict[str, object], today: Callable[[], date]):
        self.people = people
        self.services = services
        self.today = today

    def actor(self, activity: dict) -> Actor:
        sender = activity.get("from") or {}
        account = sender.get("aadObjectId") or sender.get("id") or "unknown"
        name = sender.get("name") if isinstance(sender.get("name"), str) else None
        person = self.people.by_account(PLATFORM, str(account), lambda: Profile(name=name))
        assert person is not None  # a profile is always given, so a person is always made
        return self.people.actor(person)

    async def answer(self, activity: dict) -> dict:
        return await asyncio.to_thread(self._answer, activity)

    def _answer(self, activity: dict) -> dict:
        typed = typed_command(str(activity.get("text") or ""))
        if typed is None:
            return card(
                [
                    block(
                        "I did not recognise that. Type **help** to see what I can do, or start "
                        "with action, risk, summary or deadline."
                    )
                ]
            )
        try:
            outcome = self.services[typed.command].handle(self.actor(activity), typed.rest)
            result = outcome.result if isinstance(outcome, Outcome) else outcome
            shown = render(result, self.today())
            if shown is None:
                return card([block("That answer cannot be shown in Teams yet; ask in Slack.")])
            return shown
        except UserError as error:
            return _user_error(error)
        except (OperationalError, DBAPIError):
            log.error("database unreachable answering a Teams message")
            return card(
                [
                    block(
                        "The bot cannot reach its database just now; nothing was changed. "
                        "Please try again in a few minutes."
                    )
                ]
            )
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("unexpected error %s answering a Teams message", error_id)
            return card(
                [
                    block(
                        "Sorry — something went wrong on our side and nothing was changed. If it "
                        f"happens again, tell your admin the error id {error_id}."
                    ),
                    block(inert(f"You typed: {typed.command} {typed.rest}"), isSubtle=True),
                ]
            )


def _user_error(error: UserError) -> dict:
    body = [block(words(error.reason))]
    if error.echo:
        body.append(block(inert(error.echo), fontType="Monospace"))
    if error.usage:
        body.append(block(inert("Usage: " + error.usage), isSubtle=True))
    return card(body)
