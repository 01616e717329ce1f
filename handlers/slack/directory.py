"""Looking people up in Slack for the CLI: an email address becomes a user ID."""

from collections.abc import Callable

from slack_sdk.errors import SlackApiError

from bot.errors import ConfigError
from handlers.slack.app import web_client
from sendbot.settings import Settings


def email_resolver(settings: Settings) -> Callable[[str], str | None]:
    if not settings.bot_token:

        def no_token(email: str) -> str | None:
            raise ConfigError(
                "SLACK_BOT_TOKEN is missing: it is needed to look owners up by email address."
            )

        return no_token
    client = web_client(settings.bot_token, settings.api_url)

    def resolve(email: str) -> str | None:
        try:
            return client.users_lookupByEmail(email=email)["user"]["id"]
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise ConfigError(
                f"Slack refused to look up {email}: {error.response.get('error')}."
            ) from None

    return resolve
