"""Delivering reminder bundles through the Slack Web API."""

from dataclasses import replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.dates import format_long
from bot.reminder_sweep import Bundle, DeliveryError
from bot.summary_service import SummaryService
from handlers.slack.reminder_messages import render_bundle
from handlers.slack.render_summary import render_overview
from handlers.slack.summary_files import upload_chart

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
    def __init__(self, client: WebClient, summaries: SummaryService) -> None:
        self.client = client
        self.summaries = summaries

    def send(self, bundle: Bundle) -> None:
        digest = any(item.kind == "digest" for item in bundle.items)
        rest = replace(bundle, items=tuple(i for i in bundle.items if i.kind != "digest"))
        # A user ID as the channel reaches the person's DM with the bot: no conversations.open
        # round trip, whose own rate limit (about 50 a minute) would slow a big sweep to a crawl.
        channel = bundle.recipient
        try:
            if rest.items:
                self.client.chat_postMessage(channel=channel, **render_bundle(rest))
            if digest:
                self._send_digest(channel)
        except SlackApiError as error:
            reason = str(error.response.get("error", "unknown_error"))
            raise DeliveryError(reason, permanent=reason in PERMANENT) from None
        except OSError as error:  # timeouts and dropped connections: try again next sweep
            raise DeliveryError(type(error).__name__, permanent=False) from None

    def _send_digest(self, channel: str) -> None:
        """The weekly digest: the board overview, then the BRAG chart beneath it."""
        overview = self.summaries.overview()
        title = f"Weekly digest — {format_long(overview.today)}"
        self.client.chat_postMessage(channel=channel, **render_overview(overview, title))
        upload_chart(self.client, channel, overview)
