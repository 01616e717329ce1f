"""`sendbot serve` with the Teams settings: one ASGI server (uvicorn) answering Teams at
`/api/messages` and, when Slack's settings are there too, Slack at `/slack/events` on the same port
(or over Socket Mode), against the same database.

uvicorn is held to the rules waitress keeps for the Slack-only door (issue 10; bench/README.md §5):
hundreds of idle or slow connections cost a socket each and never stop an answer, a request must
arrive whole within a deadline, and a body over the limit is refused without being read."""

import asyncio
import logging
import sys

import h11
import uvicorn
from a2wsgi import WSGIMiddleware
from starlette.applications import Starlette
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from handlers.slack.app import build_app
from handlers.slack.http_door import MAX_BODY_BYTES, TOO_LARGE
from handlers.slack.socket_mode import connect_socket_mode, socket_mode_handler
from handlers.teams.app import MESSAGES_PATH, teams_asgi
from handlers.teams.dev_auth import WARNING as UNCHECKED_WARNING
from sendbot.runtime import Runtime
from sendbot.settings import TeamsSettings
from sendbot.web import CONNECTION_LIMIT, EVENTS_PATH, wsgi_app

log = logging.getLogger(__name__)

# A request (its headers and its body) must arrive whole within this long of the connection being
# ready for it. uvicorn has no such deadline: a connection that sends nothing, or trickles a header
# a byte a second, is otherwise kept for ever (its keep-alive timer restarts on every byte, and a
# new connection has none at all). Slack and the Bot Framework send a request at once; 10 s leaves
# room for a megabyte over a slow link and bounds what a held socket costs.
REQUEST_SECONDS = 10.0
# Between requests on a kept-alive connection (uvicorn's default, said here): the connectors open
# a new connection when they need one, so an idle one is not worth a socket for longer.
KEEP_ALIVE_SECONDS = 5
# Beyond this many open connections uvicorn answers 503 at once rather than queueing: the same
# ceiling as waitress's connection_limit, far above the few hundred an attacker could hold for
# REQUEST_SECONDS from one address. A proxy's per-address limit is the defence beyond it.
MAX_CONNECTIONS = CONNECTION_LIMIT
# Connections the kernel queues while the event loop is busy (uvicorn's default, said here).
BACKLOG = 2048
# The largest request line plus headers h11 buffers before answering 400 (h11's default). The Bot
# Framework's bearer token is under 2 KB; nothing legitimate comes near it.
MAX_HEADER_BYTES = 16 * 1024
# How long a thread holding the GIL keeps it while another waits (CPython's default is 5 ms). The
# core runs on worker threads and the event loop must win the GIL back at every step of every
# request (the token, the answer, the reply); at 5 ms a step can wait that long behind a busy
# worker. bench/teams_answer.py: answer p99 at 8 in flight fell by about a third at 1 ms.
GIL_SWITCH_SECONDS = 0.001


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each whole request to arrive.

    Armed when the connection is ready for a request, disarmed once h11 has all of it; if it
    fires first, the connection is closed without an answer (the sender was not sending one). It
    also ends the drain of a body the server refused unread (uvicorn otherwise reads and discards
    the rest of a 100 MB upload for as long as the sender keeps sending)."""

    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.DONE:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Not re-armed while a refused body still arrives: its deadline keeps running.
        if self._deadline is None and not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._deadline = self.loop.call_later(REQUEST_SECONDS, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.conn.their_state is not h11.DONE and not self.transport.is_closing():
            self.transport.close()


class WholeBody:
    """ASGI in front of the Slack WSGI door: reads the body (at most MAX_BODY_BYTES) before the
    WSGI application is given a thread, as waitress does.

    a2wsgi hands the request to one of its 10 threads at once and the door then reads the body in
    it, so ten senders trickling a body would take every thread and stop Slack. A body over the
    limit (by its Content-Length, or as it arrives when chunked) is refused 413 unread."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k != b"transfer-encoding"]
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return await _too_large(send, length.decode())
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY_BYTES:
                return await _too_large(send, f"over {MAX_BODY_BYTES}")
            more = message.get("more_body", False)
        body = b"".join(chunks)
        # A chunked body now has a length, as waitress gives it to the door.
        headers = [(k, v) for k, v in headers if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        given = False

        async def replay():
            nonlocal given
            if given:
                return await receive()
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": headers}, replay, send)


async def _too_large(send, size: str) -> None:
    log.warning("refused a request of %s bytes (the limit is %d)", size, MAX_BODY_BYTES)
    body = TOO_LARGE.body.encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": TOO_LARGE.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def teams_application(runtime: Runtime, teams: TeamsSettings | None = None) -> Starlette:
    """The Teams door over this runtime's services (served here, by the demo and the tests),
    as the runtime's Teams settings or `teams` describe the bot."""
    teams = teams or runtime.settings.teams
    assert teams is not None
    services = {
        "action": runtime.actions,
        "risk": runtime.risks,
        "summary": runtime.summaries,
        "deadline": runtime.deadlines,
    }
    return teams_asgi(teams, runtime.db, runtime.people, services, runtime.actions.today)


def serve_with_teams(runtime: Runtime, host: str, slack_context) -> None:
    settings = runtime.settings
    application = teams_application(runtime)
    where = f"http://{host}:{settings.port}"
    if settings.bot_token:
        slack = build_app(slack_context)
        if settings.socket_mode:
            connect_socket_mode(socket_mode_handler(slack, settings.app_token), settings.api_url)
            log.info("connected to Slack in Socket Mode")
        else:
            door = wsgi_app(slack, runtime.db, settings.signing_secret or "")
            events = WholeBody(WSGIMiddleware(door))
            application.router.routes.append(Route(EVENTS_PATH, events, methods=["POST"]))
            log.info("serving Slack events on %s%s", where, EVENTS_PATH)
    log.info("serving Microsoft Teams activities on %s%s", where, MESSAGES_PATH)
    if settings.teams.allow_unauthenticated:
        log.warning(UNCHECKED_WARNING)
    run_uvicorn(application, host, settings.port)


def run_uvicorn(application, host: str, port: int) -> None:
    """Serve an ASGI application as `sendbot serve` serves Teams (bench/bare_teams.py uses it
    too, so the benchmark's baseline runs under the very same server)."""
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    uvicorn.run(
        application,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
        # Our own log lines say what matters; uvicorn's access log would repeat every request.
        access_log=False,
        lifespan="off",
        # The class, not "auto": the deadline is built on h11, and "auto" would switch to
        # httptools (no header-size limit of its own) wherever it happens to be installed.
        http=DeadlineH11Protocol,
        limit_concurrency=MAX_CONNECTIONS,
        backlog=BACKLOG,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )
