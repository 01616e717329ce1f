"""The delivery port for Slack: every message and file the bot sends on its own goes out here.

A person is reached by posting to their user ID (Slack's direct message with the bot, with no
`conversations.open` round trip, whose own rate limit would slow a big sweep); a file needs a
real conversation, so only files open one.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery import DeliveryError, OutgoingFile, Place, Recipient
from bot.people import PersonRef
from handlers.slack.ids import PLATFORM
from handlers.slack.render_result import render

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
    "no_slack_account",
}


class SlackDelivery:
    def __init__(self, client: WebClient, today: Callable[[], date]) -> None:
        self.client = client
        self.today = today

    def to_person(self, person: PersonRef, content: object) -> None:
        # The user ID as the channel is the person's direct message with the bot.
        self._post(_account(person), content)

    def to_place(self, place: Place, content: object) -> None:
        self._post(place.address, content)

    def file(self, to: Recipient, file: OutgoingFile) -> None:
        with _delivery_errors():
            if isinstance(to, Place):
                channel = to.address
            else:
                channel = self.client.conversations_open(users=_account(to))["channel"]["id"]
            self.client.files_upload_v2(
                channel=channel,
                content=file.content,
                filename=file.filename,
                title=file.title,
                initial_comment=file.comment,
            )

    def _post(self, channel: str, content: object) -> None:
        body = render(content, self.today())
        with _delivery_errors():
            self.client.chat_postMessage(channel=channel, **body)


def _account(person: PersonRef) -> str:
    account = person.account_on(PLATFORM)
    if account is None:
        raise DeliveryError("no_slack_account", permanent=True)
    return account


@contextmanager
def _delivery_errors() -> Iterator[None]:
    """Slack's refusals and network faults as the core's DeliveryError."""
    try:
        yield
    except SlackApiError as error:
        reason = str(error.response.get("error", "unknown_error"))
        raise DeliveryError(reason, permanent=reason in PERMANENT) from None
    except OSError as error:  # timeouts and dropped connections: try again later
        raise DeliveryError(type(error).__name__, permanent=False) from None
