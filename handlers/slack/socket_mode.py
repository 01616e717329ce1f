"""Socket Mode: the Slack door over a WebSocket the bot opens, for a board with no public URL."""

import contextlib
import json
import logging
import socket
from urllib.parse import urlsplit

from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from websocket import WebSocketApp

from bot.errors import ConfigError

# How often the client pings Slack and checks that its session is alive.
PING_INTERVAL_SECONDS = 5


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    """Bolt's websocket-client Socket Mode handler.

    Bolt's default (built-in) client spins a core and stays deaf for about a minute after a TCP
    close with no close frame, takes up to 10 s over a close frame or reset, and acks the first
    envelope after a refresh 3 s late. websocket-client notices every close at once and hands
    the client a new connection within a second (bench/socket_mode_recovery.py); the pings
    only back up the client's check for a lost session, which runs once per interval.
    """
    handler = SocketModeHandler(app, app_token, ping_interval=PING_INTERVAL_SECONDS)
    handler.client.on_message_listeners.append(_drop_on_disconnect)
    return handler


def _drop_on_disconnect(session: WebSocketApp, message: str) -> None:
    """On Slack's `disconnect`, shut the old connection down here, on the thread reading it.

    The client also closes it, from another thread; that can leave this thread waiting in
    select() on a closed socket for websocket-client's 10 s before it reads the new one."""
    try:
        kind = json.loads(message).get("type")
    except (ValueError, AttributeError):
        return
    if kind == "disconnect" and session.sock is not None and session.sock.sock is not None:
        with contextlib.suppress(OSError):
            session.sock.sock.shutdown(socket.SHUT_RDWR)


def connect_socket_mode(handler: SocketModeHandler, api_url: str) -> None:
    """Open the first connection, or stop with one line naming SLACK_APP_TOKEN or Slack's host.

    The first URL is asked for here, not by the client, so that a refusal is ours to word."""
    # Its own quiet logger: the client would log each failed try, and the one line below says it.
    quiet = logging.getLogger(f"{__name__}.first_connection")
    quiet.disabled = True
    web = WebClient(
        base_url=api_url,
        timeout=10,
        logger=quiet,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2)],
    )
    try:
        url = web.apps_connections_open(app_token=handler.app_token)["url"]
    except SlackApiError as error:
        code = error.response.get("error", "refused")
        raise ConfigError(
            f"SLACK_APP_TOKEN was refused by Slack ({code}): set it to the app-level token "
            "(xapp-…) with the connections:write scope."
        ) from None
    except OSError as error:  # URLError, refused, timed out, unknown host
        reason = getattr(error, "reason", error)
        raise ConfigError(
            f"Slack is unreachable at {urlsplit(api_url).netloc} (SLACK_API_URL): {reason}"
        ) from None
    handler.client.wss_uri = url
    handler.connect()
