"""`sendbot serve` with the Teams settings: one ASGI server (uvicorn) answering Teams at
`/api/messages` and, when Slack's settings are there too, Slack at `/slack/events` on the same port
(or over Socket Mode), against the same database."""

import logging

import uvicorn
from a2wsgi import WSGIMiddleware
from starlette.routing import Route

from handlers.slack.app import build_app
from handlers.slack.socket_mode import connect_socket_mode, socket_mode_handler
from handlers.teams.app import MESSAGES_PATH, teams_asgi
from sendbot.runtime import Runtime
from sendbot.web import EVENTS_PATH, wsgi_app

log = logging.getLogger(__name__)


def serve_with_teams(runtime: Runtime, host: str, slack_context) -> None:
    settings = runtime.settings
    assert settings.teams is not None
    services = {
        "action": runtime.actions,
        "risk": runtime.risks,
        "summary": runtime.summaries,
        "deadline": runtime.deadlines,
    }
    application = teams_asgi(
        settings.teams, runtime.db, runtime.people, services, runtime.actions.today
    )
    where = f"http://{host}:{settings.port}"
    if settings.bot_token:
        slack = build_app(slack_context)
        if settings.socket_mode:
            connect_socket_mode(socket_mode_handler(slack, settings.app_token), settings.api_url)
            log.info("connected to Slack in Socket Mode")
        else:
            events = WSGIMiddleware(wsgi_app(slack, runtime.db, settings.signing_secret or ""))
            application.router.routes.append(Route(EVENTS_PATH, events, methods=["POST"]))
            log.info("serving Slack events on %s%s", where, EVENTS_PATH)
    log.info("serving Microsoft Teams activities on %s%s", where, MESSAGES_PATH)
    uvicorn.run(
        application,
        host=host,
        port=settings.port,
        log_level="warning",
        server_header=False,
        # Our own log lines say what matters; uvicorn's access log would repeat every request.
        access_log=False,
        lifespan="off",
    )
