"""Talking to the Bot Connector: the bot's own token, and replies to the conversation it was in.

The Teams SDK's HTTP client sends; the token comes from TEAMS_AUTHORITY_URL by the OAuth client
credentials grant. (The SDK gets its token through MSAL, which accepts only Microsoft's own
https authorities, so a government cloud's or a stand-in's authority would be unreachable.)
"""

import asyncio
import functools
import ssl
import time
from weakref import WeakKeyDictionary

import httpx
from microsoft_teams.api import Account, ApiClient, CreateConversationParams, MessageActivityInput
from microsoft_teams.common.http import Client, ClientOptions

from handlers.teams.cards import attachment
from sendbot.settings import TeamsSettings

SCOPE = "https://api.botframework.com/.default"
# Ask for a new token this long before the old one expires, so no request carries a dead one.
RENEW_BEFORE_SECONDS = 300
TIMEOUT_SECONDS = 10
ROSTER_PAGE_SIZE = 500  # the most Teams gives in one page


@functools.cache
def _tls() -> ssl.SSLContext:
    """The system's trusted certificates, loaded once: loading them takes tens of milliseconds,
    which every new HTTP client would otherwise spend on the event loop."""
    return httpx.create_ssl_context()


class BotToken:
    """The bot's access token for the Bot Connector, fetched once and renewed before it expires."""

    def __init__(self, teams: TeamsSettings) -> None:
        self.url = f"{teams.authority_url}/{teams.tenant_id}/oauth2/v2.0/token"
        self.form = {
            "grant_type": "client_credentials",
            "client_id": teams.app_id,
            "client_secret": teams.app_password,
            "scope": SCOPE,
        }
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def __call__(self) -> str:
        async with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
                    response = await client.post(self.url, data=self.form)
                response.raise_for_status()
                answer = response.json()
                self._token = str(answer["access_token"])
                lifetime = float(answer.get("expires_in", 3600))
                self._renew_at = time.monotonic() + max(lifetime - RENEW_BEFORE_SECONDS, 0)
            return self._token


class Connector:
    def __init__(self, token: BotToken) -> None:
        self.token = token
        # One client per event loop and service URL: making one costs tens of milliseconds and
        # a fresh connection, and an HTTP client belongs to the loop it was first used on.
        self._clients: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, ApiClient]] = (
            WeakKeyDictionary()
        )

    def client(self, service_url: str) -> ApiClient:
        on_loop = self._clients.setdefault(asyncio.get_running_loop(), {})
        if service_url not in on_loop:
            on_loop[service_url] = ApiClient(service_url, self._http())
        return on_loop[service_url]

    def _http(self) -> Client:
        pool = httpx.AsyncClient(timeout=TIMEOUT_SECONDS, verify=_tls())
        return Client(ClientOptions(token=self.token), _http=pool)

    async def member(self, service_url: str, conversation_id: str, member_id: str) -> dict:
        """What Teams knows of a member of a conversation: name, email, AAD object id."""
        client = self.client(service_url)
        found = await client.conversations.get_member_by_id(conversation_id, member_id)
        return {"name": found.name, "email": found.email, "aadObjectId": found.aad_object_id}

    async def roster(self, service_url: str, team_id: str) -> list[dict]:
        """Everyone in a team, page by page: their Teams id, name, email and AAD object id."""
        members = self.client(service_url).conversations.members(team_id)
        found, token = [], None
        while True:
            page = await members.get_paged(ROSTER_PAGE_SIZE, token)
            found += [
                {"id": m.id, "name": m.name, "email": m.email, "aadObjectId": m.aad_object_id}
                for m in page.members
            ]
            token = page.continuation_token
            if not token:
                return found

    async def channels(self, service_url: str, team_id: str) -> list[str]:
        """The ids of a team's channels (the General channel's is the team's own)."""
        found = await self.client(service_url).teams.get_conversations(team_id)
        return [channel.id for channel in found if channel.id]

    async def personal_chat(self, activity: dict) -> str:
        """The id of the asker's personal chat with the bot."""
        return await self.open_personal_chat(
            {
                "serviceUrl": activity["serviceUrl"],
                "tenantId": tenant_of(activity),
                "memberId": activity["from"]["id"],
                "botId": activity["recipient"]["id"],
            }
        )

    async def open_personal_chat(self, reach: dict) -> str:
        """A member's personal chat with the bot (Teams makes it once, then returns the same
        one), from what was kept to reach them: service URL, tenant, their id and ours."""
        tenant = reach.get("tenantId")
        params = CreateConversationParams(
            members=[Account(id=reach["memberId"])],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
            # Not fields of the SDK's model: passed through as Teams spells them.
            isGroup=False,
            bot={"id": reach.get("botId")},
        )
        created = await self.client(reach["serviceUrl"]).conversations.create(params)
        return created.id

    async def send(self, service_url: str, conversation_id: str, card: dict) -> None:
        message = MessageActivityInput(attachments=[attachment(card)])
        if card.get("fallbackText"):
            # What a notification shows for a card ("Update 1.2 by Friday 24 January").
            message.summary = card["fallbackText"]
        await self.client(service_url).conversations.create_activity(conversation_id, message)

    async def reply(self, activity: dict, card: dict) -> None:
        """Answer in the conversation the activity came from, threaded under it."""
        conversation = activity["conversation"]["id"]
        message = MessageActivityInput(attachments=[attachment(card)])
        message.reply_to_id = activity.get("id")
        client = self.client(activity["serviceUrl"])
        await client.conversations.create_activity(conversation, message)

    async def update(self, activity: dict, card: dict, activity_id: str | None = None) -> None:
        """Show `card` in place of a message the bot sent in the activity's conversation: by
        default the one whose button was pressed (a card refreshed, or one once answered, so
        that it cannot be answered again)."""
        message = MessageActivityInput(attachments=[attachment(card)])
        conversation = activity["conversation"]["id"]
        client = self.client(activity["serviceUrl"])
        message_id = activity_id or activity["replyToId"]
        await client.conversations.update_activity(conversation, message_id, message)


def tenant_of(activity: dict) -> str | None:
    """The tenant an activity came from."""
    return (activity.get("conversation") or {}).get("tenantId") or (
        (activity.get("channelData") or {}).get("tenant") or {}
    ).get("id")
