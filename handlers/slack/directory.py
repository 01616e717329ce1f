"""Slack's directory for an import: which cells are Slack user IDs, and whose email is whose."""

from slack_sdk.errors import SlackApiError

from bot.errors import ConfigError
from bot.plan_import import ChatDirectory
from handlers.slack.ids import PLATFORM, PLATFORM_NAME, is_user_id


def slack_directory(client) -> ChatDirectory:
    """`client` None: no token, so an email can't be looked up (an ID in the file still can)."""

    def lookup_email(email: str) -> str | None:
        if client is None:
            raise ConfigError(
                "SLACK_BOT_TOKEN is missing: it is needed to look owners up by email address."
            )
        try:
            return client.users_lookupByEmail(email=email)["user"]["id"]
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise ConfigError(
                f"Slack refused to look up {email}: {error.response.get('error')}."
            ) from None

    return ChatDirectory(PLATFORM, PLATFORM_NAME, is_user_id, lookup_email)
