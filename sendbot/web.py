"""The HTTP face of the bot: `POST /slack/events` for Slack, `GET /healthz` for the platform."""

import json
import logging

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from storage.database import Database

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def wsgi_app(app: App, db: Database):
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            return _health(db, start_response)
        return slack(environ, start_response)

    return application


def _health(db: Database, start_response):
    healthy = db.ping()
    body = json.dumps({"ok": healthy, "database": "ok" if healthy else "unreachable"}).encode()
    status = "200 OK" if healthy else "503 Service Unavailable"
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def make_server(application, host: str, port: int, threads: int = 8):
    """A production WSGI server (waitress) bound to host:port; call `.run()` to serve."""
    return waitress.create_server(application, host=host, port=port, threads=threads)
