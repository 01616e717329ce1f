"""A local stand-in for the Slack Web API, for tests and offline demos.

Point slack_sdk at it with ``WebClient(base_url=standin.url)``. Every request is recorded
as a :class:`Call`, so tests can wait for calls, inspect what was sent, and make chosen
methods fail (rate limits, Slack errors) to exercise the bot's error handling.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TEAM_ID = "T0STANDIN"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"

API_PREFIX = "/api/"
RESPONSE_PREFIX = "/response/"

# slack_sdk sends these as JSON text inside form bodies; decode them so tests see the same
# Python objects whichever encoding the client picked.
JSON_FORM_FIELDS = frozenset({"blocks", "attachments", "view"})

# Real Slack timestamps are "seconds.micros"; start from a fixed, plausible epoch.
TS_EPOCH = 1_700_000_000

# (HTTP status, extra headers, JSON body)
Reply = tuple[int, dict[str, str], dict[str, Any]]


@dataclass
class Call:
    """One request the stand-in received."""

    method: str  # e.g. "chat.postMessage", or "response_url" for posts to a response URL
    params: dict  # JSON body or decoded form fields, plus the query string
    token: str | None = None
    response_id: str | None = None  # for response_url posts, the id part of the URL
    failed: bool = False  # answered with an error (fail_next, or e.g. channel_not_found)


@dataclass
class _Failure:
    status: int
    retry_after: int
    error: str | None
    remaining: int

    def reply(self) -> Reply:
        headers = {"Retry-After": str(self.retry_after)} if self.status == 429 else {}
        default = "ratelimited" if self.status == 429 else "internal_error"
        return self.status, headers, _error(self.error or default)


def _error(code: str) -> dict[str, Any]:
    return {"ok": False, "error": code}


class SlackStandIn:
    """An in-process HTTP server answering the Slack Web API methods the bot uses."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        on_call: Callable[[Call], None] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.on_call = on_call  # e.g. the standalone runner prints each call
        self.calls: list[Call] = []
        # Condition (over an RLock) guards all mutable state and wakes wait_for().
        self._cond = threading.Condition()
        self._responses: dict[str, list[dict]] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._delays: dict[str, float] = {}
        self._expired: set[str] = set()
        self._users: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)  # never reset, so ts/view ids stay unique
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[dict], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "conversations.open": self._conversations_open,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
        }

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        """Bind and serve in a daemon thread; returns self so it can be chained."""
        if self._server is not None:
            return self
        self._server = _Server((self.host, self.port), _Handler, self)
        # A short poll interval keeps stop() fast, which matters with one server per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def _base(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not running; call start() first")
        port = self._server.server_address[1]
        return f"http://{self.host}:{port}"

    @property
    def url(self) -> str:
        """Web API base URL for ``WebClient(base_url=...)``."""
        return self._base + API_PREFIX

    def new_response_url(self) -> str:
        """A fresh URL that accepts POSTs, like the response_url Slack puts in payloads."""
        with self._cond:
            return f"{self._base}{RESPONSE_PREFIX}r{next(self._ids)}"

    # -- set-up ----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        email: str | None = None,
        real_name: str | None = None,
        tz: str = "Europe/London",
    ) -> None:
        with self._cond:
            self._users[user_id] = _user(user_id, name, email, real_name or name, tz)

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls to `method` fail (calls are still recorded)."""
        with self._cond:
            failure = _Failure(status, retry_after, error, times)
            self._failures.setdefault(method, deque()).append(failure)

    def expire(self, response_url: str) -> None:
        """Make a response URL answer 404 expired_url, as Slack's do after 30 minutes."""
        with self._cond:
            self._expired.add(_response_id(response_url))

    def slow(self, method: str, seconds: float) -> None:
        """Answer `method` only after `seconds`, like a slow Slack (0 makes it quick again)."""
        with self._cond:
            self._delays[method] = seconds

    def reset(self) -> None:
        """Forget calls, responses, pending failures and delays; users are kept."""
        with self._cond:
            self.calls.clear()
            self._responses.clear()
            self._failures.clear()
            self._delays.clear()
            self._expired.clear()

    # -- inspection ------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [call for call in self.calls if call.method == method]

    def delivered(self, method: str) -> list[Call]:
        """Calls to `method` that were answered successfully."""
        return [call for call in self.calls_to(method) if not call.failed]

    def responses(self, response_url: str) -> list[dict]:
        """Bodies POSTed to `response_url` (the full URL or just its id)."""
        with self._cond:
            return list(self._responses.get(_response_id(response_url), []))

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until at least `count` calls to `method` (matching `predicate`) arrived."""

        def matching() -> list[Call]:
            return [c for c in self.calls_to(method) if predicate is None or predicate(c)]

        with self._cond:
            if self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                return matching()
            got = len(matching())
            seen = Counter(call.method for call in self.calls)
        what = f"{method} matching predicate" if predicate else method
        summary = ", ".join(f"{name} x{n}" for name, n in seen.items()) or "none"
        raise TimeoutError(
            f"waited {timeout}s for {count} call(s) to {what}, got {got}; calls seen: {summary}"
        )

    def wait_for_response(
        self, response_url: str, count: int = 1, timeout: float = 5.0
    ) -> list[dict]:
        """Block until at least `count` bodies were POSTed to `response_url`."""
        with self._cond:
            if self._cond.wait_for(lambda: len(self.responses(response_url)) >= count, timeout):
                return self.responses(response_url)
            got = len(self.responses(response_url))
        raise TimeoutError(
            f"waited {timeout}s for {count} post(s) to response URL {response_url}, got {got}"
        )

    # -- request handling (called from server threads) ------------------------------------

    def _handle_api(self, method: str, params: dict, token: str | None) -> Reply:
        with self._cond:
            delay = self._delays.get(method, 0)
        if delay:
            time.sleep(delay)  # simulating Slack's own latency, outside the lock
        with self._cond:
            failure = self._take_failure(method)
            if failure is not None:
                reply = failure.reply()
            elif not token:
                reply = 200, {}, _error("not_authed")
            else:
                handler = self._methods.get(method)
                body = handler(params) if handler else _error("unknown_method")
                reply = 200, {}, body
            call = Call(method, params, token, failed=not reply[2]["ok"])
            self._record(call)
        self._announce(call)
        return reply

    def _handle_response_post(self, response_id: str, body: dict) -> bool:
        """Record a post to a response URL; False (answered 404) once the URL has expired."""
        with self._cond:
            expired = response_id in self._expired
            if not expired:
                self._responses.setdefault(response_id, []).append(body)
            call = Call("response_url", body, None, response_id=response_id, failed=expired)
            self._record(call)
        self._announce(call)
        return not expired

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        return failure

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._cond.notify_all()

    def _announce(self, call: Call) -> None:
        # Outside the lock, so a slow or re-entrant callback cannot stall other requests.
        if self.on_call is not None:
            self.on_call(call)

    def _next_ts(self) -> str:
        micros = next(self._ids) * 100
        return f"{TS_EPOCH + micros // 1_000_000}.{micros % 1_000_000:06d}"

    # -- Web API methods (run under the lock; params already decoded) ----------------------

    def _auth_test(self, params: dict) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://standin.slack.test/",
            "team": "Stand-in",
            "user": "sendbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
        }

    def _chat_post_message(self, params: dict) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return _error("channel_not_found")
        ts = self._next_ts()
        message = {"type": "message", "ts": ts, "bot_id": BOT_ID, "text": params.get("text", "")}
        if "blocks" in params:
            message["blocks"] = params["blocks"]
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, params: dict) -> dict[str, Any]:
        if not params.get("channel"):
            return _error("channel_not_found")
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, params: dict) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return _error("channel_not_found")
        if not params.get("ts"):
            return _error("message_not_found")
        return {"ok": True, "channel": channel, "ts": params["ts"], "text": params.get("text", "")}

    def _conversations_open(self, params: dict) -> dict[str, Any]:
        users = [u.strip() for u in str(params.get("users", "")).split(",") if u.strip()]
        if not users:
            return _error("users_list_not_supplied")
        return {"ok": True, "channel": {"id": "D" + users[0]}}

    def _users_info(self, params: dict) -> dict[str, Any]:
        user_id = str(params.get("user", ""))
        if user_id in self._users:
            return {"ok": True, "user": self._users[user_id]}
        # Anything shaped like a Slack user id gets a generic profile, so tests need not
        # register every user the bot happens to look up.
        if user_id[:1] in ("U", "W"):
            return {"ok": True, "user": _user(user_id, user_id.lower(), None, user_id)}
        return _error("user_not_found")

    def _users_lookup_by_email(self, params: dict) -> dict[str, Any]:
        email = str(params.get("email", "")).casefold()
        for user in self._users.values():
            if email and user["profile"].get("email", "").casefold() == email:
                return {"ok": True, "user": user}
        return _error("users_not_found")

    def _views_open(self, params: dict) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return _error("invalid_arguments")
        return self._view_reply(params)

    def _views_publish(self, params: dict) -> dict[str, Any]:
        if not params.get("user_id"):
            return _error("invalid_arguments")
        return self._view_reply(params)

    def _views_update(self, params: dict) -> dict[str, Any]:
        return self._view_reply(params, view_id=params.get("view_id"))

    def _view_reply(self, params: dict, view_id: str | None = None) -> dict[str, Any]:
        view = params.get("view")
        if not isinstance(view, dict):
            return _error("invalid_arguments")
        n = next(self._ids)
        return {"ok": True, "view": {**view, "id": view_id or f"V0STANDIN{n}", "hash": f"h{n}"}}


def _user(
    user_id: str, name: str, email: str | None, real_name: str, tz: str = "Europe/London"
) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "display_name": name,
        "real_name": real_name,
        "real_name_normalized": real_name,
    }
    if email:
        profile["email"] = email
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name,
        "real_name": real_name,
        "tz": tz,
        "deleted": False,
        "is_bot": False,
        "profile": profile,
    }


def _response_id(response_url: str) -> str:
    return response_url.rstrip("/").rsplit("/", 1)[-1]


def _flatten(query: dict[str, list[str]]) -> dict[str, str]:
    # Slack never repeats a field, so keep the last value rather than lists.
    return {key: values[-1] for key, values in query.items()}


def _decode_form(text: str) -> dict[str, Any]:
    params: dict[str, Any] = _flatten(parse_qs(text, keep_blank_values=True))
    for key in JSON_FORM_FIELDS & params.keys():
        # Invalid JSON stays text; the method handler decides whether that is an error.
        with contextlib.suppress(ValueError):
            params[key] = json.loads(params[key])
    return params


def _decode_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    text = raw.decode("utf-8", errors="replace")
    if content_type == "application/x-www-form-urlencoded":
        return _decode_form(text)
    try:
        body = json.loads(text)
    except ValueError:
        # Keep what was sent visible to tests instead of silently dropping it.
        return {"_raw": text}
    return body if isinstance(body, dict) else {"_json": body}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, standin: SlackStandIn) -> None:
        self.standin = standin
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and the standalone runner report calls themselves

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        standin = self.server.standin
        params = self._read_params()
        if path.startswith(API_PREFIX):
            method = path.removeprefix(API_PREFIX)
            token = self._bearer_token() or params.get("token") or None
            status, headers, body = standin._handle_api(method, params, token)
            self._send(status, json.dumps(body).encode(), "application/json", headers)
        elif path.startswith(RESPONSE_PREFIX) and self.command == "POST":
            accepted = standin._handle_response_post(path.removeprefix(RESPONSE_PREFIX), params)
            if accepted:
                self._send(200, b"ok", "text/plain")
            else:
                self._send(404, b"expired_url", "text/plain")
        else:
            self._send(404, b"not found", "text/plain")

    def _read_params(self) -> dict[str, Any]:
        params: dict[str, Any] = _flatten(parse_qs(urlsplit(self.path).query))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        params.update(_decode_body(raw, self.headers.get_content_type()))
        return params

    def _bearer_token(self) -> str | None:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return token.strip() or None

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
