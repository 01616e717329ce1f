"""The Bot Connector's v3 operations on the stand-in's state (called under the server's lock).

Checks that apply to every call (the bearer token, failures on demand, rate limits) live in the
server; this module answers a well-authenticated request as Teams would.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from teams_standin import routes
from teams_standin.directory import Conversation, Directory, personal_conversation_id
from teams_standin.errors import Reply, connector_error

# Teams activity ids are millisecond timestamps; count up from a plausible one.
ACTIVITY_ID_EPOCH = 1_700_000_000_000
# "Messages can be up to approximately 100 KB" (Teams' format docs); above that Teams answers 413.
MAX_ACTIVITY_BYTES = 100 * 1024
DEFAULT_PAGE_SIZE = 200
MAX_PAGE_SIZE = 500


@dataclass
class PostedActivity:
    """An activity the bot posted, as it now stands (after any updates)."""

    conversation_id: str
    id: str
    activity: dict[str, Any]
    reply_to_id: str | None = None
    deleted: bool = False
    versions: list[dict[str, Any]] = field(default_factory=list)  # every body, oldest first


class Connector:
    def __init__(self, directory: Directory, service_url: Callable[[str], str]) -> None:
        self.directory = directory
        self.service_url = service_url  # service segment -> full service URL
        self.posted: list[PostedActivity] = []
        self._by_id: dict[tuple[str, str], PostedActivity] = {}
        self._ids = itertools.count(1)  # never reset, so activity ids stay unique

    def reset(self) -> None:
        self.posted.clear()
        self._by_id.clear()

    def rate_key(self, route: routes.ConnectorRoute, body: Any) -> str | None:
        """The conversation a call counts against for rate limiting."""
        if route.kind != routes.CREATE_CONVERSATION:
            return route.conversation_id
        member = self._requested_member(body)
        return personal_conversation_id(member) if member else None

    def rate_tenant(self, route: routes.ConnectorRoute, body: Any) -> str:
        """The tenant a call counts against: the conversation's, else the one asked for."""
        if route.kind == routes.GET_TEAM_CHANNELS:
            team = self.directory.teams.get(route.conversation_id or "")
            return team.tenant_id if team else self.directory.tenant_id
        if route.kind != routes.CREATE_CONVERSATION:
            conversation = self.directory.conversation(route.conversation_id or "")
            return conversation.tenant_id if conversation else self.directory.tenant_id
        asked = body.get("tenantId") if isinstance(body, dict) else None
        return str(asked or self.directory.tenant_id)

    def handle(self, route: routes.ConnectorRoute, body: Any, query: dict[str, str]) -> Reply:
        if route.kind == routes.CREATE_CONVERSATION:
            return self._create_conversation(route, body)
        if route.kind == routes.GET_TEAM_CHANNELS:
            return self._channels(route.conversation_id or "")
        assert route.conversation_id is not None
        conversation = self.directory.conversation(route.conversation_id)
        if conversation is None:
            return connector_error("ConversationNotFound")
        if route.kind in routes.WRITES and conversation.blocked_with:
            return connector_error(conversation.blocked_with)
        if route.kind in (routes.SEND, routes.REPLY, routes.UPDATE):
            problem = _bad_activity(body)
            if problem is not None:
                return problem
        if route.kind in (routes.SEND, routes.REPLY):
            return self._post(route.conversation_id, body, route.activity_id)
        if route.kind == routes.UPDATE:
            return self._update(route.conversation_id, route.activity_id or "", body)
        if route.kind == routes.DELETE:
            return self._delete(route.conversation_id, route.activity_id or "")
        if route.kind == routes.GET_MEMBERS:
            return 200, {}, [m.as_json() for m in self.directory.roster(conversation)]
        if route.kind == routes.GET_MEMBER:
            return self._member(conversation, route.member_id or "")
        return self._paged_members(conversation, query)

    # -- activities ----------------------------------------------------------------------

    def _post(self, conversation_id: str, body: dict, reply_to: str | None) -> Reply:
        activity_id = str(ACTIVITY_ID_EPOCH + next(self._ids))
        reply_to = reply_to or body.get("replyToId")
        stored = {**body, "id": activity_id}
        posted = PostedActivity(conversation_id, activity_id, stored, reply_to, versions=[stored])
        self.posted.append(posted)
        self._by_id[(conversation_id, activity_id)] = posted
        return 201, {}, {"id": activity_id}

    def _update(self, conversation_id: str, activity_id: str, body: dict) -> Reply:
        posted = self._by_id.get((conversation_id, activity_id))
        if posted is None or posted.deleted:
            return connector_error("ActivityNotFoundInConversation")
        posted.activity = {**body, "id": activity_id}
        posted.versions.append(posted.activity)
        return 200, {}, {"id": activity_id}

    def _delete(self, conversation_id: str, activity_id: str) -> Reply:
        posted = self._by_id.get((conversation_id, activity_id))
        if posted is None or posted.deleted:
            return connector_error("ActivityNotFoundInConversation")
        posted.deleted = True
        return 200, {}, None

    # -- conversations and members --------------------------------------------------------

    def _requested_member(self, body: Any):
        members = body.get("members") if isinstance(body, dict) else None
        if not isinstance(members, list) or len(members) != 1 or not isinstance(members[0], dict):
            return None
        return self.directory.find_member(str(members[0].get("id", "")))

    def _create_conversation(self, route: routes.ConnectorRoute, body: Any) -> Reply:
        if not isinstance(body, dict):
            return connector_error("BadArgument", message="Request body is required.")
        if body.get("isGroup"):
            return connector_error("BadArgument", message="Bots can only create 1:1 chats here.")
        members = body.get("members")
        if not isinstance(members, list) or len(members) != 1:
            return connector_error("BadArgument", message="Exactly one member is required.")
        tenant = body.get("tenantId") or (body.get("channelData") or {}).get("tenant", {}).get("id")
        if not tenant:
            return connector_error("BadArgument", message="Tenant id is required.")
        member = self._requested_member(body)
        # Teams makes the chat only for someone who has the app: personally or through a team.
        reachable = member is not None and (
            tenant == member.tenant_id
            and (
                member.id in self.directory.installed_for
                or any(member.id in team.members for team in self.directory.teams.values())
            )
        )
        if not reachable:
            return connector_error("BotNotInConversationRoster")
        assert member is not None
        conversation = self.directory.personal_conversation(member)
        self.directory.installed_for.add(member.id)
        answer: dict[str, Any] = {
            "id": conversation.id,
            "serviceUrl": self.service_url(route.service),
        }
        if isinstance(body.get("activity"), dict):
            posted = self._post(conversation.id, body["activity"], None)
            answer["activityId"] = posted[2]["id"]
        return 201, {}, answer

    def _channels(self, team_id: str) -> Reply:
        team = self.directory.teams.get(team_id)
        if team is None:
            return connector_error("ConversationNotFound")
        # The General channel is the team's own id, and Teams gives it no name.
        channels = [
            {"id": channel_id, "name": None if channel_id == team.id else name}
            for channel_id, name in team.channels.items()
        ]
        return 200, {}, {"conversations": channels}

    def _member(self, conversation: Conversation, key: str) -> Reply:
        for member in self.directory.roster(conversation):
            if member.answers_to(key):
                return 200, {}, member.as_json()
        return connector_error("MemberNotFoundInConversation")

    def _paged_members(self, conversation: Conversation, query: dict[str, str]) -> Reply:
        try:
            size = int(query.get("pageSize") or DEFAULT_PAGE_SIZE)
            start = _decode_continuation(query.get("continuationToken"))
        except ValueError:
            return connector_error("BadArgument", message="Invalid pageSize or continuationToken.")
        size = min(max(size, 1), MAX_PAGE_SIZE)
        roster = self.directory.roster(conversation)
        page = roster[start : start + size]
        answer: dict[str, Any] = {"members": [m.as_json() for m in page]}
        if start + size < len(roster):
            answer["continuationToken"] = _encode_continuation(start + size)
        return 200, {}, answer


def _bad_activity(body: Any) -> Reply | None:
    if not isinstance(body, dict) or not body.get("type"):
        return connector_error("BadArgument", message="Activity type is required.")
    if len(json.dumps(body).encode()) > MAX_ACTIVITY_BYTES:
        return connector_error("MessageSizeTooBig")
    return None


def _encode_continuation(offset: int) -> str:
    # Opaque to the client, like Teams' own tokens.
    return base64.urlsafe_b64encode(f"standin:{offset}".encode()).decode()


def _decode_continuation(token: str | None) -> int:
    if not token:
        return 0
    prefix, _, offset = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
    if prefix != "standin":
        raise ValueError(token)
    return int(offset)
