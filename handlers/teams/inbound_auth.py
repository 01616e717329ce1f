"""Is this activity really from Microsoft's Bot Framework, for this bot, about this service URL?

The check is the Teams SDK's own token validator (signature against the published keys, issuer,
audience = our app id, the `serviceurl` claim against the activity's), pointed at the keys that
TEAMS_OPENID_URL names. Two gaps it leaves are closed here: a token must expire, and the activity
must say which service URL it came from (the SDK skips that check when the body has none).
"""

import asyncio
import logging
import re

import jwt
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
from microsoft_teams.apps.auth.token_validator import TokenValidator

log = logging.getLogger(__name__)

# A compact JWS: three base64url parts. Anything else is refused before any work is done.
_BEARER = re.compile(r"Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)")
MAX_TOKEN_CHARS = 16 * 1024


def bearer_token(authorization: str) -> str | None:
    """The token in an `Authorization: Bearer …` header, if it is shaped like one."""
    if len(authorization) > MAX_TOKEN_CHARS:
        return None
    match = _BEARER.fullmatch(authorization.strip())
    return match.group(1) if match else None


class InboundAuth:
    requires_token = True

    def __init__(self, app_id: str, openid_url: str) -> None:
        cloud = with_overrides(PUBLIC, openid_metadata_url=openid_url)
        self.validator = TokenValidator.for_service(app_id, cloud=cloud)

    async def claims(self, token: str, service_url: str) -> dict | None:
        """The token's claims when it is genuine and meant for this bot and service URL."""
        # Fetching the signing keys is blocking I/O inside the SDK: keep it off the event loop.
        return await asyncio.to_thread(self._claims, token, service_url)

    def _claims(self, token: str, service_url: str) -> dict | None:
        try:
            claims = asyncio.run(self.validator.validate_token(token, service_url))
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            log.warning(
                "refused a Teams activity: its token is not valid (%s)", type(error).__name__
            )
            return None
        if "exp" not in claims:
            log.warning("refused a Teams activity: its token never expires")
            return None
        return claims
