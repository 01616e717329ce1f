"""Delivering reminder bundles through the Slack Web API."""

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.reminder_sweep import Bundle, DeliveryError
from handlers.reminder_messages import render_bundle

# Slack errors that will not go away by trying again: the reminder is recorded as failed.
PERMANENT = {
    "user_not_found",
    "users_not_found",
    "channel_not_found",
    "cannot_dm_bot",
    "user_disabled",
    "account_inactive",
    "is_archived",
    "not_in_channel",
    "restricted_action",
    "messages_tab_disabled",
}


class SlackReminderSender:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def send(self, bundle: Bundle) -> None:
        body = render_bundle(bundle)
        try:
            channel = bundle.recipient
            if not bundle.to_channel:
                channel = self.client.conversations_open(users=bundle.recipient)["channel"]["id"]
            self.client.chat_postMessage(channel=channel, **body)
        except SlackApiError as error:
            reason = str(error.response.get("error", "unknown_error"))
            raise DeliveryError(reason, permanent=reason in PERMANENT) from None
        except OSError as error:  # timeouts and dropped connections: try again next sweep
            raise DeliveryError(type(error).__name__, permanent=False) from None
