"""Talking to the Bot Connector: the bot's own token, and replies to the conversation it was in.

The Teams SDK's HTTP client sends; the token comes from TEAMS_AUTHORITY_URL by the OAuth client
credentials grant. (The SDK gets its token through MSAL, which accepts only Microsoft's own
https authorities, so a government cloud's or a stand-in's authority would be unreachable.)
"""

import asyncio
import time

import httpx
from microsoft_teams.api import Account, ApiClient, CreateConversationParams, MessageActivityInput
from microsoft_teams.common.http import ClientOptions

from handlers.teams.cards import attachment
from sendbot.settings import TeamsSettings

SCOPE = "https://api.botframework.com/.default"
# Ask for a new token this long before the old one expires, so no request carries a dead one.
RENEW_BEFORE_SECONDS = 300
TIMEOUT_SECONDS = 10


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

    def client(self, service_url: str) -> ApiClient:
        return ApiClient(service_url, ClientOptions(timeout=TIMEOUT_SECONDS, token=self.token))

    async def member(self, service_url: str, conversation_id: str, member_id: str) -> dict:
        """What Teams knows of a member of a conversation: name, email, AAD object id."""
        client = self.client(service_url)
        found = await client.conversations.get_member_by_id(conversation_id, member_id)
        return {"name": found.name, "email": found.email, "aadObjectId": found.aad_object_id}

    async def personal_chat(self, activity: dict) -> str:
        """The id of the asker's personal chat with the bot."""
        tenant = (activity.get("conversation") or {}).get("tenantId") or (
            (activity.get("channelData") or {}).get("tenant") or {}
        ).get("id")
        return await self.open_personal_chat(
            {
                "serviceUrl": activity["serviceUrl"],
                "tenantId": tenant,
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
        await self.client(service_url).conversations.create_activity(conversation_id, message)

    async def reply(self, activity: dict, card: dict) -> None:
        """Answer in the conversation the activity came from, threaded under it."""
        conversation = activity["conversation"]["id"]
        message = MessageActivityInput(attachments=[attachment(card)])
        message.reply_to_id = activity.get("id")
        client = self.client(activity["serviceUrl"])
        await client.conversations.create_activity(conversation, message)

    async def update(self, activity: dict, activity_id: str, card: dict) -> None:
        """Replace a message the bot sent in the activity's conversation (a card once answered,
        so that it cannot be answered again)."""
        message = MessageActivityInput(attachments=[attachment(card)])
        conversation = activity["conversation"]["id"]
        client = self.client(activity["serviceUrl"])
        await client.conversations.update_activity(conversation, activity_id, message)
