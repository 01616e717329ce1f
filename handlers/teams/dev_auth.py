"""The development mode without inbound checks (TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED).

For trying the bot on one's own computer with a tool that sends activities unsigned. Settings
allow it only when the server listens on loopback, and `sendbot serve` says so at start-up.
"""

import logging

log = logging.getLogger(__name__)


class UncheckedInbound:
    """Takes every activity as genuine, with or without a token."""

    requires_token = False

    async def claims(self, token: str | None, service_url: str) -> dict:
        return {}


WARNING = (
    "TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED is set: Teams activities are NOT checked, so "
    "anyone who can reach this server can act as anyone. For development on this computer only."
)
