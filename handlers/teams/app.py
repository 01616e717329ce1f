"""Wire the Teams door: an ASGI application with `POST /api/messages` and `GET /healthz`."""

import asyncio
import functools
import logging
from collections.abc import Callable
from datetime import date

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.delivery import Delivery, tell_each
from bot.highlight_updates import HighlightService
from bot.people import People
from bot.places import Places
from handlers.teams.cards import block, card
from handlers.teams.connector import BotToken, Connector
from handlers.teams.date_request_invokes import DateRequestInvokes
from handlers.teams.delivery import TeamsDelivery
from handlers.teams.dev_auth import UncheckedInbound
from handlers.teams.file_consent import FileConsent
from handlers.teams.highlight_dialog import with_highlight_updates
from handlers.teams.http_door import Activity, TeamsHttpDoor
from handlers.teams.inbound_auth import InboundAuth
from handlers.teams.invokes import Invoke, TeamsInvokes
from handlers.teams.messages import Answer, TeamsMessages
from handlers.teams.people import TeamsPeople
from handlers.teams.references import References
from sendbot.settings import TeamsSettings
from storage.database import Database
from storage.seen_requests import SeenRequests

log = logging.getLogger(__name__)
MESSAGES_PATH = "/api/messages"
SENT_TO_YOU = card([block("I've sent you the answer in our personal chat.", isSubtle=True)])
CANNOT_REACH_YOU = card(
    [
        block(
            "I could not send you the answer in a personal chat. Add the SEND bot app for "
            "yourself (Apps, then search for it) and ask again."
        )
    ]
)


class TeamsBot:
    """What the bot does with each kind of activity; kinds it does not handle are acknowledged."""

    def __init__(
        self,
        messages: TeamsMessages,
        connector: Connector,
        invokes: dict[str, Invoke],
        references: References,
        files: FileConsent,
        delivery: Callable[[], Delivery],
    ) -> None:
        self.messages = messages
        self.connector = connector
        # Invokes by name (a button, a dialog): each answers in the HTTP response.
        self.invokes = invokes
        self.references = references
        self.files = files
        self.delivery = delivery

    async def __call__(self, activity: Activity) -> tuple[int, dict | None]:
        kind = activity.get("type")
        invoke = self.invokes.get(str(activity.get("name"))) if kind == "invoke" else None
        if invoke is not None:
            return await invoke(activity)
        try:
            # Who and where, kept first: installs and joins are how the bot can write first.
            await self.references.keep(activity)
            if kind == "message" and activity.get("text"):
                answer = await self.messages.answer(activity)
                await self.deliver(activity, answer)
                await self.tell(answer)
            elif kind == "installationUpdate" and str(activity.get("action", "")).startswith("add"):
                # add, or add-upgrade when a new version is installed over the old one.
                await self.connector.reply(activity, await self.messages.welcome(activity))
            elif kind == "invoke" and activity.get("name") == "fileConsent/invoke":
                await self.files.answer(activity)
        except Exception:
            log.exception("could not deliver a reply on Teams")
        return 200, None

    async def deliver(self, activity: Activity, answer: Answer) -> None:
        """Teams has no private replies in a channel: what is the asker's own goes to their
        personal chat, with a one-line pointer in the channel's thread."""
        in_channel = (activity.get("conversation") or {}).get("conversationType") == "channel"
        if answer.shared or not in_channel:
            await self.connector.reply(activity, answer.card)
            return
        try:
            chat = await self.connector.personal_chat(activity)
            await self.connector.send(activity["serviceUrl"], chat, answer.card)
        except Exception as error:
            log.warning("could not open a personal chat on Teams (%s)", type(error).__name__)
            await self.connector.reply(activity, CANNOT_REACH_YOU)
            return
        await self.connector.reply(activity, SENT_TO_YOU)

    async def tell(self, answer: Answer) -> None:
        """Tell the others a typed change concerns (a new owner, say); a failure to tell is
        logged, the change stands."""
        if not answer.told:
            return
        try:
            await asyncio.to_thread(tell_each, self.delivery(), list(answer.told))
        except Exception:
            log.exception("could not tell others of a change made on Teams")


def teams_asgi(
    teams: TeamsSettings,
    db: Database,
    people: People,
    services: dict[str, object],
    today: Callable[[], date],
) -> Starlette:
    connector = Connector(BotToken(teams))
    teams_people = TeamsPeople(people, connector)
    messages = TeamsMessages(teams_people, services, today)
    places = Places(db, people.clock)
    references = References(teams_people, places, connector)
    seen = SeenRequests(db)

    @functools.cache
    def delivery() -> TeamsDelivery:
        """Made when someone is first to be told of a change: it keeps a thread of its own."""
        return TeamsDelivery(Connector(BotToken(teams)), people, places, today)

    invokes = with_highlight_updates(
        DateRequestInvokes(TeamsInvokes(messages, connector, delivery), delivery).table(),
        teams_people,
        HighlightService(db, people.clock),
    )
    files = FileConsent(messages, seen, connector)
    bot = TeamsBot(messages, connector, invokes, references, files, delivery)
    auth = (
        UncheckedInbound()
        if teams.allow_unauthenticated
        else InboundAuth(teams.app_id, teams.openid_url)
    )
    door = TeamsHttpDoor(auth, seen, bot)

    async def health(request: Request) -> JSONResponse:
        healthy = await asyncio.to_thread(db.ping)
        body = {"ok": healthy, "database": "ok" if healthy else "unreachable"}
        return JSONResponse(body, status_code=200 if healthy else 503)

    return Starlette(
        routes=[
            Route(MESSAGES_PATH, door.answer, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ]
    )
