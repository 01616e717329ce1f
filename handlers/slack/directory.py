"""Slack's directory for an import: which cells are Slack user IDs, and whose email is whose."""

from slack_sdk.errors import SlackApiError

from bot.errors import ConfigError
from bot.plan_import import ChatDirectory, DirectoryEntry
from handlers.slack.ids import PLATFORM, PLATFORM_NAME, is_user_id
from handlers.slack.people import slack_profile


def slack_directory(client) -> ChatDirectory:
    """`client` None: no token, so an email can't be looked up (an ID in the file still can)."""

    def lookup_email(email: str) -> DirectoryEntry | None:
        if client is None:
            raise ConfigError(
                "SLACK_BOT_TOKEN is missing: it is needed to look owners up by email address."
            )
        try:
            return _entry(client.users_lookupByEmail(email=email)["user"])
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise ConfigError(
                f"Slack refused to look up {email}: {error.response.get('error')}."
            ) from None

    def lookup_account(user_id: str) -> DirectoryEntry | None:
        """Their name, when Slack can say; an ID it can't is still imported as typed."""
        if client is None:
            return None
        try:
            return _entry(client.users_info(user=user_id)["user"])
        except SlackApiError:
            return None

    return ChatDirectory(PLATFORM, PLATFORM_NAME, is_user_id, lookup_email, lookup_account)


def _entry(user: dict) -> DirectoryEntry:
    profile = slack_profile(user)
    return DirectoryEntry(user["id"], profile.name, profile.email)
