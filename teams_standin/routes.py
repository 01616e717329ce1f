"""Which Bot Connector operation a request is, from its method and path."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

# Operation names, as recorded in Call.kind and used with fail_next() and calls_to().
SEND = "send"  # POST /v3/conversations/{id}/activities
REPLY = "reply"  # POST /v3/conversations/{id}/activities/{activityId}
UPDATE = "update"  # PUT /v3/conversations/{id}/activities/{activityId}
DELETE = "delete"  # DELETE /v3/conversations/{id}/activities/{activityId}
CREATE_CONVERSATION = "create_conversation"  # POST /v3/conversations
GET_MEMBERS = "get_members"  # GET /v3/conversations/{id}/members
GET_MEMBER = "get_member"  # GET /v3/conversations/{id}/members/{memberId}
GET_PAGED_MEMBERS = "get_paged_members"  # GET /v3/conversations/{id}/pagedmembers
GET_TEAM_CHANNELS = "get_team_channels"  # GET /v3/teams/{teamId}/conversations
UPLOAD = "upload"  # PUT to an upload URL from new_upload()
TOKEN = "token"  # POST /{tenant}/oauth2/v2.0/token
OPENID = "openid"  # GET the Bot Framework OpenID document
KEYS = "keys"  # GET the Bot Framework JWKS

WRITES = frozenset({SEND, REPLY, UPDATE, DELETE})

_CONVERSATION = r"/v3/conversations/(?P<conversation>[^/]+)"
_CONNECTOR_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"/v3/conversations/?"), CREATE_CONVERSATION),
    ("POST", re.compile(_CONVERSATION + r"/activities/?"), SEND),
    ("POST", re.compile(_CONVERSATION + r"/activities/(?P<activity>[^/]+)"), REPLY),
    ("PUT", re.compile(_CONVERSATION + r"/activities/(?P<activity>[^/]+)"), UPDATE),
    ("DELETE", re.compile(_CONVERSATION + r"/activities/(?P<activity>[^/]+)"), DELETE),
    ("GET", re.compile(_CONVERSATION + r"/members/?"), GET_MEMBERS),
    ("GET", re.compile(_CONVERSATION + r"/members/(?P<member>[^/]+)"), GET_MEMBER),
    # The docs write pagedmembers, the SDK pagedMembers: the service does not mind.
    ("GET", re.compile(_CONVERSATION + r"/pagedmembers/?", re.IGNORECASE), GET_PAGED_MEMBERS),
    # A team's channels; the team id stands where a conversation id stands elsewhere.
    ("GET", re.compile(r"/v3/teams/(?P<conversation>[^/]+)/conversations/?"), GET_TEAM_CHANNELS),
]


@dataclass(frozen=True)
class ConnectorRoute:
    kind: str
    service: str  # the service URL's path segment, e.g. "teams" for {base}/teams/
    conversation_id: str | None = None
    activity_id: str | None = None
    member_id: str | None = None


def connector_route(method: str, path: str) -> ConnectorRoute | None:
    """The operation for `path` under a service URL (``/{service}/v3/…``), or None."""
    service, slash, rest = path.lstrip("/").partition("/")
    if not slash or not rest.startswith("v3/"):
        return None
    for route_method, pattern, kind in _CONNECTOR_ROUTES:
        match = pattern.fullmatch("/" + rest)
        if route_method == method and match:
            groups = {name: unquote(value) for name, value in match.groupdict().items()}
            return ConnectorRoute(
                kind,
                service,
                groups.get("conversation"),
                groups.get("activity"),
                groups.get("member"),
            )
    return None
