"""Error answers in the shapes Microsoft's services send them."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

# (HTTP status, extra headers, JSON body or None for an empty body)
Reply = tuple[int, dict[str, str], Any]

# Teams' Bot Connector error codes and messages ("Teams bot API error codes"), by code.
CONNECTOR_ERRORS: dict[str, tuple[int, str]] = {
    "BadArgument": (400, "Bad argument."),
    "ConversationBlockedByUser": (403, "User blocked the conversation with the bot."),
    "BotNotInConversationRoster": (403, "The bot isn't part of the conversation roster."),
    "BotDisabledByAdmin": (403, "The tenant admin disabled this bot."),
    "MessageWritesBlocked": (403, "Message writes are blocked for this conversation."),
    "ConversationNotFound": (404, "Conversation not found."),
    "ActivityNotFoundInConversation": (404, "Activity not found in conversation."),
    "MemberNotFoundInConversation": (404, "Member not found in conversation."),
    "PreconditionFailed": (412, "Precondition failed, please try again."),
    "MessageSizeTooBig": (413, "Message size too large."),
    "Throttled": (429, "Too many requests."),
    "ServiceError": (502, "Service error."),
    "GatewayTimeout": (504, "Gateway timeout."),
}
# The code used when a test asks for a status without naming one.
DEFAULT_CODE_FOR_STATUS = {
    400: "BadArgument",
    403: "BotNotInConversationRoster",
    404: "ConversationNotFound",
    412: "PreconditionFailed",
    413: "MessageSizeTooBig",
    429: "Throttled",
    502: "ServiceError",
    504: "GatewayTimeout",
}
# What the connector (an ASP.NET service) answers to a missing or bad bearer token.
CONNECTOR_UNAUTHORIZED: Reply = (
    401,
    {},
    {"message": "Authorization has been denied for this request."},
)


def connector_error(
    code: str, *, status: int | None = None, message: str | None = None, retry_after: str = ""
) -> Reply:
    known_status, known_message = CONNECTOR_ERRORS.get(code, (500, code))
    headers = {"Retry-After": retry_after} if retry_after else {}
    body = {"error": {"code": code, "message": message or known_message}}
    return status or known_status, headers, body


def entra_error(status: int, error: str, aadsts: int, description: str) -> Reply:
    """Microsoft Entra's OAuth error body (error, error_description, error_codes, ids)."""
    now = datetime.datetime.now(datetime.UTC)
    trace_id, correlation_id = str(uuid.uuid4()), str(uuid.uuid4())
    stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
    body = {
        "error": error,
        "error_description": (
            f"AADSTS{aadsts}: {description} Trace ID: {trace_id} "
            f"Correlation ID: {correlation_id} Timestamp: {stamp}"
        ),
        "error_codes": [aadsts],
        "timestamp": stamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": f"https://login.microsoftonline.com/error?code={aadsts}",
    }
    return status, {}, body
