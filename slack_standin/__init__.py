"""Local stand-ins for the Slack Web API (slack_standin.server) and Socket Mode
(slack_standin.socket_mode)."""

from slack_standin.server import Call, SlackStandIn
from slack_standin.socket_mode import Ack, SocketModeStandIn

__all__ = ["Ack", "Call", "SlackStandIn", "SocketModeStandIn"]
