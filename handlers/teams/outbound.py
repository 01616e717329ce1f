"""Every message the bot sends on its own on Teams: paced, tried again when Teams says so, and a
refusal told apart from a passing fault.

Microsoft's "Rate limiting for bots" asks for exponential backoff with random jitter on 429,
412, 502 and 504, and a bounded number of tries (its example: 3 retries, 2 s to 20 s, ±20 %).
A fault that outlasts the tries is passing: the sweep gives the reminder back and the next sweep
sends it. A 403 (the person blocked the bot, the app was removed) will not pass: the reminder is
recorded as failed, and the admins told.
"""

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx

from bot.delivery import DeliveryError
from handlers.teams.pacing import Pacer

T = TypeVar("T")
RETRIED = frozenset({412, 429, 502, 504})
# What Teams answers when trying again cannot help: refused, gone, or a message too big.
PERMANENT = frozenset({400, 401, 403, 404, 413})
# Teams' error codes in words an admin can act on.
REFUSALS = {
    "ConversationBlockedByUser": "they have blocked the bot in Teams",
    "BotNotInConversationRoster": "the bot app is not installed there in Teams",
    "MessageWritesBlocked": "Teams is not accepting messages in this conversation",
    "BotDisabledByAdmin": "a Teams admin has turned the bot off",
    "ConversationNotFound": "Teams no longer has this conversation",
    "MessageSizeTooBig": "the message is too big for Teams",
}


@dataclass(frozen=True)
class Backoff:
    tries: int = 4
    first: float = 2.0  # seconds before the second try, doubling after
    most: float = 20.0
    # A Retry-After longer than this is not waited out inside a sweep: the next sweep retries.
    longest_hint: float = 60.0

    def delay(self, response: httpx.Response, tries_made: int) -> float | None:
        """Seconds to wait before trying again, or None to give up now."""
        if response.status_code not in RETRIED or tries_made >= self.tries:
            return None
        hint = _retry_after(response)
        if hint is not None:
            return hint * random.uniform(1.0, 1.2) if hint <= self.longest_hint else None
        return min(self.most, self.first * 2 ** (tries_made - 1)) * random.uniform(0.8, 1.2)


class Outbound:
    def __init__(
        self,
        pacer: Pacer | None = None,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.pacer = pacer or Pacer()
        self.backoff = backoff or Backoff()
        self.sleep = sleep

    async def call(self, conversation: str, tenant: str, make: Callable[[], Awaitable[T]]) -> T:
        """`make()` a Bot Connector call in its turn, trying again while Teams says to."""
        tries = 0
        while True:
            tries += 1
            try:
                async with self.pacer.turn(conversation, tenant):
                    return await make()
            except httpx.HTTPStatusError as error:
                wait = self.backoff.delay(error.response, tries)
                if wait is None:
                    raise
            await self.sleep(wait)


def delivery_error(error: Exception) -> DeliveryError:
    """A failed call as the core's DeliveryError: permanent when trying again cannot help."""
    if isinstance(error, httpx.HTTPStatusError):
        status = error.response.status_code
        return DeliveryError(_reason(error.response), permanent=status in PERMANENT)
    return DeliveryError(type(error).__name__, permanent=False)


def _reason(response: httpx.Response) -> str:
    """Teams' own error code in words, with the code for whoever looks it up; else the status."""
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        code = None
    if not code:
        return f"Teams answered HTTP {response.status_code}"
    return f"{REFUSALS[code]} — {code}" if code in REFUSALS else str(code)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None
