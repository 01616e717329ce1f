"""The delivery port on Teams: proactive messages to a person's personal chat or a channel.

The clock and the CLI are synchronous; the Teams SDK is asyncio. One event loop, on a thread of
its own for the life of the delivery, does every send (the SDK's HTTP client belongs to the loop
it was first used on).
"""

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any

import httpx

from bot.delivery import DeliveryError, OutgoingFile, Place, Recipient, deliver
from bot.people import People, PersonRef
from handlers.teams.cards import render
from handlers.teams.connector import Connector
from handlers.teams.files import on_teams
from handlers.teams.people import PLATFORM, reach_of

SEND_TIMEOUT_SECONDS = 30
# What Teams answers when trying again cannot help: the person blocked the bot or removed it,
# the conversation is gone.
PERMANENT_STATUSES = (400, 401, 403, 404)


class TeamsDelivery:
    def __init__(self, connector: Connector, people: People, today: Callable[[], date]) -> None:
        self.connector = connector
        self.people = people
        self.today = today
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True, name="teams-send").start()

    def to_person(self, person: PersonRef, content: object) -> None:
        reach = reach_of(self.people.reach(person.id, PLATFORM))
        if not reach.get("serviceUrl"):
            raise DeliveryError("has not used the bot on Teams yet", permanent=True)
        card = self._card(content)
        self._run(self._to_person(person, reach, card))

    async def _to_person(self, person: PersonRef, reach: dict, card: dict) -> None:
        conversation = reach.get("conversationId")
        if not conversation:
            conversation = await self.connector.open_personal_chat(reach)
            account = person.account_on(PLATFORM)
            if account is not None:
                reach = {**reach, "conversationId": conversation}
                await asyncio.to_thread(
                    self.people.keep_reach, PLATFORM, account, json.dumps(reach, sort_keys=True)
                )
        await self.connector.send(reach["serviceUrl"], conversation, card)

    def to_place(self, place: Place, content: object) -> None:
        # A channel is served from its tenant's service URL: where Teams last reached us from.
        reach = reach_of(self.people.latest_reach(PLATFORM))
        if not reach.get("serviceUrl"):
            raise DeliveryError("no one has used the bot on Teams yet", permanent=False)
        card = self._card(content)
        self._run(self.connector.send(reach["serviceUrl"], place.address, card))

    def file(self, to: Recipient, file: OutgoingFile) -> None:
        """A picture shown inline, to a channel or a person; any other file offered to its
        person with a file consent card (Teams sends files only in a personal chat)."""
        deliver(self, to, on_teams(file, to))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)

    def _card(self, content: object) -> dict:
        card = render(content, self.today())
        if card is None:
            raise DeliveryError(f"Teams cannot show {type(content).__name__} yet", permanent=True)
        return card

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        future = asyncio.run_coroutine_threadsafe(work, self.loop)
        try:
            future.result(timeout=SEND_TIMEOUT_SECONDS)
        except httpx.HTTPStatusError as error:
            status = error.response.status_code
            raise DeliveryError(_reason(error.response), status in PERMANENT_STATUSES) from None
        except (httpx.HTTPError, TimeoutError) as error:
            future.cancel()
            raise DeliveryError(type(error).__name__, permanent=False) from None


def _reason(response: httpx.Response) -> str:
    """Teams' own error code (ConversationBlockedByUser, …), else the status."""
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        code = None
    return str(code or f"HTTP {response.status_code}")
