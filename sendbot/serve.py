"""`sendbot serve`: HTTP under waitress, or Socket Mode when an app token is set; with the Teams
settings, one ASGI server for Teams and Slack (sendbot/serve_teams.py)."""

import logging
import time

from handlers.slack.app import build_app
from handlers.slack.context import BotContext
from handlers.slack.socket_mode import connect_socket_mode, socket_mode_handler
from sendbot.runtime import Runtime
from sendbot.web import make_server, wsgi_app

log = logging.getLogger(__name__)


def context(runtime: Runtime) -> BotContext:
    return BotContext(
        api_url=runtime.settings.api_url,
        bot_token=runtime.settings.bot_token or "",
        signing_secret=runtime.settings.signing_secret,
        people=runtime.people,
        actions=runtime.actions,
        deadlines=runtime.deadlines,
        risks=runtime.risks,
        summaries=runtime.summaries,
    )


def serve(runtime: Runtime, host: str | None = None) -> None:
    host = host or runtime.settings.host
    runtime.settings.require_serving()
    ctx = context(runtime)
    if runtime.settings.teams is not None:
        from sendbot.serve_teams import serve_with_teams

        return serve_with_teams(runtime, host, ctx)
    app = build_app(ctx)
    if runtime.settings.socket_mode:
        handler = socket_mode_handler(app, runtime.settings.app_token)
        connect_socket_mode(handler, runtime.settings.api_url)
        log.info("connected to Slack in Socket Mode")
        # The client's own threads do the work from here on. Wait in steps: a Ctrl-C that
        # reaches another thread is handled here only when a step ends.
        while True:
            time.sleep(1)
    server = make_server(
        wsgi_app(app, runtime.db, ctx.signing_secret or ""), host, runtime.settings.port
    )
    log.info("serving Slack events on http://%s:%s/slack/events", host, runtime.settings.port)
    server.run()
