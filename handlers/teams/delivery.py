"""The delivery port on Teams: proactive messages to a person's personal chat or a channel.

The clock and the CLI are synchronous; the Teams SDK is asyncio. One event loop, on a thread of
its own for the life of the delivery, does every send (the SDK's HTTP client belongs to the loop
it was first used on). Every call keeps to Teams' rate limits and is retried as Teams asks
(handlers/teams/outbound.py).
"""

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine
from datetime import date
from functools import partial
from typing import Any

import httpx

from bot.delivery import DeliveryError, OutgoingFile, Place, Recipient, deliver
from bot.people import People, PersonRef
from bot.places import Places
from handlers.teams.cards import render
from handlers.teams.connector import Connector
from handlers.teams.files import on_teams
from handlers.teams.outbound import Outbound, delivery_error
from handlers.teams.people import PLATFORM, reach_of

# Long enough for a call's tries and their waits (handlers/teams/outbound.py); a send still
# unanswered by then is given back to the sweep, which tries again next time.
SEND_TIMEOUT_SECONDS = 180
NEVER_REACHED = "the bot has no way to reach them in Teams yet: they have not installed it"
CHANNEL_UNKNOWN = "the bot app has not been added to this channel's team in Teams"


class TeamsDelivery:
    def __init__(
        self,
        connector: Connector,
        people: People,
        places: Places,
        today: Callable[[], date],
        outbound: Outbound | None = None,
    ) -> None:
        self.connector = connector
        self.people = people
        self.places = places
        self.today = today
        self.outbound = outbound or Outbound()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True, name="teams-send").start()

    def to_person(self, person: PersonRef, content: object) -> None:
        reach = reach_of(self.people.reach(person.id, PLATFORM))
        if not reach.get("serviceUrl"):
            raise DeliveryError(NEVER_REACHED, permanent=True)
        card = self._card(content)
        self._run(self._to_person(person, reach, card))

    async def _to_person(self, person: PersonRef, reach: dict, card: dict) -> None:
        """Known only by their AAD id (from the team's roster), a person's personal chat is
        made first (Teams makes it once, then gives the same one) and kept for next time."""
        tenant = str(reach.get("tenantId"))
        conversation = reach.get("conversationId")
        if not conversation:
            opening = f"new chat with {reach.get('memberId')}"
            open_chat = partial(self.connector.open_personal_chat, reach)
            conversation = await self.outbound.call(opening, tenant, open_chat)
            account = person.account_on(PLATFORM)
            if account is not None:
                reach = {**reach, "conversationId": conversation}
                await asyncio.to_thread(
                    self.people.keep_reach, PLATFORM, account, json.dumps(reach, sort_keys=True)
                )
        send = partial(self.connector.send, reach["serviceUrl"], conversation, card)
        await self.outbound.call(conversation, tenant, send)

    def to_place(self, place: Place, content: object) -> None:
        """A channel is posted to through its own team's service URL, kept when the app was
        added to the team or someone wrote there."""
        reach = reach_of(self.places.reach(PLATFORM, place.address))
        if not reach.get("serviceUrl"):
            raise DeliveryError(CHANNEL_UNKNOWN, permanent=True)
        card = self._card(content)
        send = partial(self.connector.send, reach["serviceUrl"], place.address, card)
        self._run(self.outbound.call(place.address, str(reach.get("tenantId")), send))

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

    def _run(self, work: Coroutine[Any, Any, object]) -> None:
        future = asyncio.run_coroutine_threadsafe(work, self.loop)
        try:
            future.result(timeout=SEND_TIMEOUT_SECONDS)
        except (httpx.HTTPError, TimeoutError) as error:
            future.cancel()
            raise delivery_error(error) from None
