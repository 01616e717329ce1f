"""Local stand-in for the Slack Web API (see slack_standin.server)."""

from slack_standin.server import Call, SlackStandIn

__all__ = ["Call", "SlackStandIn"]
