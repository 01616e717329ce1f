"""Where an answer goes: the response URL Slack gave us, or else a direct message."""

from urllib.parse import urlsplit

from slack_sdk.webhook import WebhookClient

from handlers.context import BotContext

SLACK_RESPONSE_HOST = "hooks.slack.com"


def trusted_response_url(ctx: BotContext, url: object) -> str | None:
    """Only post to Slack's own hooks (or the configured API host, e.g. a stand-in).

    A response URL read back from a form's metadata could be forged to make us call anywhere.
    """
    if not isinstance(url, str):
        return None
    parts, api = urlsplit(url), urlsplit(ctx.settings.api_url)
    if parts.scheme == "https" and parts.hostname == SLACK_RESPONSE_HOST:
        return url
    if (parts.scheme, parts.netloc) == (api.scheme, api.netloc):
        return url
    return None


def reply_function(ctx: BotContext, client, user_id: str, response_url: object):
    """A function that sends a rendered message to the person, privately."""
    url = trusted_response_url(ctx, response_url)
    if url is not None:
        hook = WebhookClient(url)
        return lambda body: hook.send(response_type="ephemeral", replace_original=False, **body)
    return lambda body: _direct_message(client, user_id, body)


def _direct_message(client, user_id: str, body: dict) -> None:
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=channel, **body)
