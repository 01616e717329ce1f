"""Sending to people and channels through the Slack Web API."""

import logging
from collections.abc import Callable
from datetime import date

from slack_sdk import WebClient

from bot.results import DirectMessage, Notice
from handlers.slack.render_result import render

log = logging.getLogger(__name__)


class SlackMessenger:
    def __init__(self, client: WebClient, today: Callable[[], date]) -> None:
        self.client = client
        self.today = today

    def send_to_user(self, message: DirectMessage) -> None:
        body = render(Notice(message.text, message.action), self.today())
        channel = self.client.conversations_open(users=message.user_id)["channel"]["id"]
        self.client.chat_postMessage(channel=channel, **body)

    def deliver(self, messages: list[DirectMessage]) -> None:
        """Tell each person; one failure (DMs closed, user gone) never stops the others."""
        for message in messages:
            try:
                self.send_to_user(message)
            except Exception:
                log.exception("could not send a direct message to %s", message.user_id)
