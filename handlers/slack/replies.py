"""Where an answer goes: the response URL Slack gave us, or else a direct message."""

import logging
from urllib.parse import urlsplit

from slack_sdk.webhook import WebhookClient

from handlers.slack.context import BotContext

log = logging.getLogger(__name__)


def trusted_response_url(ctx: BotContext, url: object) -> str | None:
    """A response URL read back from a form's metadata, if it points at Slack.

    Metadata passes through the user's client and could be forged to make us call anywhere, so
    only Slack's hooks host (slack.com or GovSlack's slack-gov.com) or the API host is accepted.
    """
    if not isinstance(url, str):
        return None
    parts, api = urlsplit(url), urlsplit(ctx.api_url)
    if parts.scheme == "https" and parts.hostname in ("hooks.slack.com", "hooks.slack-gov.com"):
        return url
    if (parts.scheme, parts.netloc) == (api.scheme, api.netloc):
        return url
    return None


def reply_function(client, user_id: str, response_url: str | None):
    """A function that sends a rendered message to the person, privately.

    Through the response URL when there is one (it expires after 30 minutes); by direct message
    when there is none or Slack refuses it, so a confirmation is never silently lost.
    """

    def reply(body: dict) -> None:
        if response_url:
            answer = WebhookClient(response_url).send(
                response_type="ephemeral", replace_original=False, **body
            )
            if answer.status_code == 200:
                return
            log.info("response URL refused (%s); replying by direct message", answer.status_code)
        # The user ID as the channel is the person's direct message with the bot, as for
        # every direct message the bot sends (handlers/slack/delivery.py).
        client.chat_postMessage(channel=user_id, **body)

    return reply
