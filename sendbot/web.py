"""The HTTP face of the bot: `POST /slack/events` for Slack, `GET /healthz` for the platform."""

import json
import logging
import uuid
from http import HTTPStatus

import waitress
from slack_bolt import App

from handlers.slack.http_door import MAX_BODY_BYTES, NOT_FOUND, SlackHttpDoor
from storage.database import Database
from storage.seen_requests import SeenRequests

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"

# Idle and slow connections cost the server's event loop a socket each, never a worker thread
# (waitress hands a request to a thread only once it has all arrived), so the limit on them can be
# high: far above what an attacker holding a few hundred open costs us. Beyond it, a reverse proxy
# in front with a per-address limit is the defence (README, Security).
CONNECTION_LIMIT = 4000
# A connection that sends nothing for this long is closed; Slack sends a request whole, at once.
IDLE_SECONDS = 30
CLEANUP_SECONDS = 5


def wsgi_app(app: App, db: Database, signing_secret: str):
    slack = SlackHttpDoor(app, signing_secret, SeenRequests(db))

    def application(environ, start_response):
        try:
            path = environ.get("PATH_INFO")
            if path == "/healthz":
                return _health(db, start_response)
            if path == EVENTS_PATH:
                return slack(environ, start_response)
            return _json(start_response, NOT_FOUND.status, NOT_FOUND.body)
        except Exception:
            # Never a traceback to the sender: a short answer, and the id in the log.
            error_id = uuid.uuid4().hex[:8]
            log.exception("unexpected error answering an HTTP request (error id %s)", error_id)
            return _json(start_response, 500, json.dumps({"error": "unexpected", "id": error_id}))

    return application


def _health(db: Database, start_response):
    healthy = db.ping()
    body = json.dumps({"ok": healthy, "database": "ok" if healthy else "unreachable"})
    return _json(start_response, 200 if healthy else 503, body)


def _json(start_response, status: int, body: str):
    data = body.encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def make_server(application, host: str, port: int, threads: int = 8):
    """A production WSGI server (waitress) bound to host:port; call `.run()` to serve."""
    return waitress.create_server(
        application,
        host=host,
        port=port,
        threads=threads,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=IDLE_SECONDS,
        cleanup_interval=CLEANUP_SECONDS,
        # select() cannot watch a socket numbered above 1024; poll() has no such ceiling.
        asyncore_use_poll=True,
        # Refused with 413 from the Content-Length alone, before a byte of the body is read.
        max_request_body_size=MAX_BODY_BYTES,
        max_request_header_size=64 * 1024,
        ident="sendbot",
    )
