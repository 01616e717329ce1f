"""`POST /api/messages`: Bot Framework activities, checked in the same order as Slack's requests.

A body over the limit is refused unread; the bearer token's shape is checked before the body is
read, and its signature, issuer, audience and service URL before any of the body is acted on; then
the shape of the activity; then whether this activity was already acted on. Every refusal is a
fixed short answer and a fixed log line: never the body or the token.
"""

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from handlers.teams.dev_auth import UncheckedInbound
from handlers.teams.inbound_auth import InboundAuth, bearer_token
from storage.seen_requests import SeenRequests

log = logging.getLogger(__name__)

# Teams' largest activities (a dialog's whole form, a long message with entities) are tens of
# kilobytes, like Slack's: the same megabyte limit fits every real one.
MAX_BODY_BYTES = 1024 * 1024
Activity = dict
Authenticator = InboundAuth | UncheckedInbound
Handler = Callable[[Activity], Awaitable[tuple[int, dict | None]]]


def refusal(status: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status)


class TeamsHttpDoor:
    def __init__(self, auth: Authenticator, seen: SeenRequests, handle: Handler) -> None:
        self.auth = auth
        self.seen = seen
        self.handle = handle

    async def answer(self, request: Request) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            log.warning(
                "refused a Teams request of %s bytes (the limit is %d)", length, MAX_BODY_BYTES
            )
            return refusal(413, "the request is too large")
        token = bearer_token(request.headers.get("authorization", ""))
        if token is None and self.auth.requires_token:
            log.warning("refused a Teams request without a bearer token")
            return refusal(401, "unauthorized")
        raw = await _bounded_body(request)
        if raw is None:
            return refusal(413, "the request is too large")
        activity = _activity(raw)
        if activity is None:
            log.warning("refused a Teams request that is not an activity")
            return refusal(400, "malformed activity")
        if await self.auth.claims(token, activity["serviceUrl"]) is None:
            return refusal(401, "unauthorized")
        if not await _first_sighting(self.seen, activity):
            log.warning("ignored a copy of a Teams activity already acted on (a replay)")
            return Response(status_code=200)
        status, body = await self.handle(activity)
        if body is None:
            return Response(status_code=status)
        return JSONResponse(body, status_code=status)


async def _bounded_body(request: Request) -> bytes | None:
    """The body, or None as soon as it grows past the limit (a chunked body has no length)."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                log.warning("refused a Teams request over %d bytes", MAX_BODY_BYTES)
                return None
            chunks.append(chunk)
    except ClientDisconnect:
        return None
    return b"".join(chunks)


def _activity(raw: bytes) -> Activity | None:
    """A Bot Framework activity: a JSON object with a type and the service URL to answer."""
    try:
        activity = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(activity, dict):
        return None
    if not isinstance(activity.get("type"), str) or not isinstance(activity.get("serviceUrl"), str):
        return None
    return activity


async def _first_sighting(seen: SeenRequests, activity: Activity) -> bool:
    """Whether this activity is new. A copy could only come with a token that still lives (an
    hour at most), so it is remembered from when we saw it: its own timestamp is the sender's."""
    if activity.get("id") is None:
        return True  # nothing to know it by
    conversation = activity.get("conversation")
    where = conversation.get("id") if isinstance(conversation, dict) else None
    identity = json.dumps([activity.get("id"), where, activity.get("type")], default=str)
    key = "teams:" + hashlib.sha256(identity.encode()).hexdigest()
    return await asyncio.to_thread(seen.first_sighting, key, int(time.time()))
