"""A local stand-in for Microsoft Teams' side of a bot: Bot Framework keys and tokens, Entra's
token endpoint and the Bot Connector (teams_standin.server), inbound activities
(teams_standin.activities) and a sender that posts them signed (teams_standin.sender)."""

from teams_standin.keys import BAD_TOKEN_KNOBS, NO_EXP_KNOBS
from teams_standin.server import Call, TeamsStandIn
from teams_standin.uploads import Upload

__all__ = ["BAD_TOKEN_KNOBS", "NO_EXP_KNOBS", "Call", "TeamsStandIn", "Upload"]
