"""A local stand-in for the Slack Web API, for tests and offline demos.

Point slack_sdk at it with ``WebClient(base_url=standin.url)``. Every request is recorded
as a :class:`Call`, so tests can wait for calls, inspect what was sent, and make chosen
methods fail (rate limits, Slack errors) to exercise the bot's error handling.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.parser
import email.policy
import itertools
import json
import math
import mimetypes
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from slack_standin.socket_mode import SocketModeStandIn

TEAM_ID = "T0STANDIN"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"

API_PREFIX = "/api/"
RESPONSE_PREFIX = "/commands/T0STANDIN/"  # the shape of Slack's own hooks.slack.com/commands/…
# files.getUploadURLExternal hands out <base>/upload/<file id>; the client POSTs the bytes there.
UPLOAD_PREFIX = "/upload/"
# The method name recorded (and usable with fail_next / slow) for those byte uploads.
UPLOAD_METHOD = "file_upload"

# slack_sdk sends these as JSON text inside form bodies; decode them so tests see the same
# Python objects whichever encoding the client picked.
JSON_FORM_FIELDS = frozenset({"blocks", "attachments", "view", "files"})

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
class UploadedFile:
    """A file uploaded the way files_upload_v2 does it (get URL, POST bytes, complete)."""

    file_id: str
    filename: str
    title: str | None  # as given to files.completeUploadExternal (Slack shows filename if None)
    content: bytes  # exactly the bytes POSTed to the upload URL
    channel_id: str | None  # channel_id, or the first of channels; None if not shared
    initial_comment: str | None
    completed: bool
    thread_ts: str | None = None


@dataclass
class _PendingUpload:
    """A file id from files.getUploadURLExternal, not yet completed."""

    filename: str
    alt_txt: str | None
    snippet_type: str | None
    content: bytes | None = None  # None until the bytes arrive at the upload URL


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


class _RateLimit:
    """Slack's limits for one method: messages per second to any one channel, and a
    workspace-wide token bucket (``burst`` messages at once, refilled at ``per_minute``)."""

    def __init__(
        self, per_channel_per_second: float | None, burst: int | None, per_minute: float | None
    ) -> None:
        self.channel_gap = 1.0 / per_channel_per_second if per_channel_per_second else None
        self.refill = per_minute / 60.0 if per_minute else None
        self.burst = float(burst if burst is not None else max(1.0, self.refill or 1.0))
        self.tokens = self.burst
        self.updated = time.monotonic()
        self.last_by_channel: dict[str, float] = {}

    def admit(self, channel: str | None, now: float) -> float:
        """0 if the call may go ahead (and is counted), else the seconds it must wait."""
        wait = 0.0
        if self.channel_gap is not None and channel is not None:
            last = self.last_by_channel.get(channel)
            if last is not None:
                wait = max(wait, last + self.channel_gap - now)
        if self.refill is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.refill)
            self.updated = now
            if self.tokens < 1.0:
                wait = max(wait, (1.0 - self.tokens) / self.refill)
        if wait > 0:
            return wait
        if self.refill is not None:
            self.tokens -= 1.0
        if channel is not None:
            self.last_by_channel[channel] = now
        return 0.0


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
        self._rate_limits: dict[str, _RateLimit] = {}
        self._expired: set[str] = set()
        self._users: dict[str, dict[str, Any]] = {}
        self._pending_uploads: dict[str, _PendingUpload] = {}
        self._uploaded: list[UploadedFile] = []
        self._ids = itertools.count(1)  # never reset, so ts/view ids stay unique
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        # The WebSocket server whose URLs apps.connections.open hands out (started on demand).
        self.socket_mode = SocketModeStandIn(host)
        self._methods: dict[str, Callable[[dict], dict[str, Any]]] = {
            "apps.connections.open": self._apps_connections_open,
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "conversations.open": self._conversations_open,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
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
        self.socket_mode.stop()
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

    def limit_rate(
        self,
        method: str,
        *,
        per_channel_per_second: float | None = None,
        workspace_burst: int | None = None,
        workspace_per_minute: float | None = None,
    ) -> None:
        """Enforce Slack-like rate limits on `method`, answering 429 with Retry-After.

        At most `per_channel_per_second` calls to any one ``channel``, and workspace-wide a
        bucket of `workspace_burst` calls refilled at `workspace_per_minute`. Refused calls are
        recorded as failed. Retry-After is whole seconds (at least 1), as Slack sends it. With
        no limit given, `method` is unlimited again.
        """
        with self._cond:
            if per_channel_per_second is None and workspace_per_minute is None:
                self._rate_limits.pop(method, None)
            else:
                self._rate_limits[method] = _RateLimit(
                    per_channel_per_second, workspace_burst, workspace_per_minute
                )

    def reset(self) -> None:
        """Forget calls, responses, uploads, pending failures, delays and rate limits; users
        are kept."""
        with self._cond:
            self.calls.clear()
            self._responses.clear()
            self._pending_uploads.clear()
            self._uploaded.clear()
            self._failures.clear()
            self._delays.clear()
            self._rate_limits.clear()
            self._expired.clear()
        self.socket_mode.reset()

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

    def uploaded_files(self) -> list[UploadedFile]:
        """Files whose upload was completed (files.completeUploadExternal), in that order."""
        with self._cond:
            return [dataclasses.replace(file) for file in self._uploaded]

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
        self._delay(method)
        with self._cond:
            failure = self._take_failure(method)
            if failure is not None:
                reply = failure.reply()
            elif (wait := self._rate_limited(method, params)) > 0:
                retry_after = str(max(1, math.ceil(wait)))
                reply = 429, {"Retry-After": retry_after}, _error("ratelimited")
            elif not token:
                reply = 200, {}, _error("not_authed")
            elif (method == "apps.connections.open") != token.startswith("xapp-"):
                # Only an app-level token opens a Socket Mode connection, and it does nothing else.
                reply = 200, {}, _error("not_allowed_token_type")
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

    def _handle_upload(self, file_id: str, content: bytes) -> Reply | None:
        """Store bytes POSTed to an upload URL; None means success (Slack answers "OK - n")."""
        self._delay(UPLOAD_METHOD)
        with self._cond:
            failure = self._take_failure(UPLOAD_METHOD)
            pending = self._pending_uploads.get(file_id)
            if failure is not None:
                reply: Reply | None = failure.reply()
            elif pending is None:  # never issued, already completed, or forgotten by reset()
                reply = 404, {}, _error("file_not_found")
            else:
                pending.content = content  # a repeated POST replaces the bytes, as a retry would
                reply = None
            params = {"file_id": file_id, "size": len(content)}
            call = Call(UPLOAD_METHOD, params, None, failed=reply is not None)
            self._record(call)
        self._announce(call)
        return reply

    def _delay(self, method: str) -> None:
        with self._cond:
            delay = self._delays.get(method, 0)
        if delay:
            time.sleep(delay)  # simulating Slack's own latency, outside the lock

    def _rate_limited(self, method: str, params: dict) -> float:
        limit = self._rate_limits.get(method)
        if limit is None:
            return 0.0
        channel = params.get("channel")
        return limit.admit(str(channel) if channel else None, time.monotonic())

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

    def _apps_connections_open(self, params: dict) -> dict[str, Any]:
        return {"ok": True, "url": self.socket_mode.open_url()}

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

    def _files_get_upload_url_external(self, params: dict) -> dict[str, Any]:
        filename = str(params.get("filename") or "")
        try:
            length = int(params.get("length", ""))
        except (TypeError, ValueError):
            length = -1
        if not filename or length < 0:
            return _error("invalid_arguments")
        file_id = f"F0STANDIN{next(self._ids)}"
        self._pending_uploads[file_id] = _PendingUpload(
            filename, params.get("alt_txt"), params.get("snippet_type")
        )
        return {
            "ok": True,
            "upload_url": f"{self._base}{UPLOAD_PREFIX}{file_id}",
            "file_id": file_id,
        }

    def _files_complete_upload_external(self, params: dict) -> dict[str, Any]:
        entries = params.get("files")
        if (
            not isinstance(entries, list)
            or not entries
            or not all(isinstance(entry, dict) and entry.get("id") for entry in entries)
        ):
            return _error("invalid_arguments")
        ids = [str(entry["id"]) for entry in entries]
        if len(set(ids)) != len(ids):
            return _error("invalid_arguments")
        # All or nothing: one unknown or not-yet-uploaded file fails the whole call.
        if any(self._upload_content(file_id) is None for file_id in ids):
            return _error("file_not_found")
        channels = [c.strip() for c in str(params.get("channels") or "").split(",") if c.strip()]
        channel_id = params.get("channel_id") or (channels[0] if channels else None)
        files = []
        for file_id, entry in zip(ids, entries, strict=True):
            pending = self._pending_uploads.pop(file_id)
            uploaded = UploadedFile(
                file_id=file_id,
                filename=pending.filename,
                title=entry.get("title"),
                content=pending.content or b"",
                channel_id=channel_id,
                initial_comment=params.get("initial_comment"),
                completed=True,
                thread_ts=params.get("thread_ts"),
            )
            self._uploaded.append(uploaded)
            files.append(self._file_object(uploaded, pending))
        return {"ok": True, "files": files}

    def _upload_content(self, file_id: str) -> bytes | None:
        pending = self._pending_uploads.get(file_id)
        return pending.content if pending is not None else None

    def _file_object(self, file: UploadedFile, pending: _PendingUpload) -> dict[str, Any]:
        """A trimmed-down version of the file object Slack returns."""
        created = TS_EPOCH + next(self._ids)
        extension = file.filename.rpartition(".")[2].lower() if "." in file.filename else ""
        mimetype = mimetypes.guess_type(file.filename)[0] or "application/octet-stream"
        url = f"https://files.standin.slack.test/files-pri/{TEAM_ID}-{file.file_id}"
        obj: dict[str, Any] = {
            "id": file.file_id,
            "created": created,
            "timestamp": created,
            "name": file.filename,
            "title": file.title or file.filename,
            "mimetype": mimetype,
            "filetype": pending.snippet_type or extension or "binary",
            "user": BOT_USER_ID,
            "size": len(file.content),
            "url_private": f"{url}/{file.filename}",
            "url_private_download": f"{url}/download/{file.filename}",
            "permalink": f"https://standin.slack.test/files/{BOT_USER_ID}/{file.file_id}",
            "channels": [file.channel_id] if file.channel_id else [],
        }
        if pending.alt_txt:
            obj["alt_txt"] = pending.alt_txt
        return obj

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


def _multipart_file(raw: bytes, content_type: str) -> bytes:
    """The first file part of a multipart/form-data body (else the first part), byte-exact."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    parts = list(message.iter_parts())
    files = [part for part in parts if part.get_filename() is not None]
    for part in files or parts:
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return payload
    return raw  # not parseable as multipart: keep what was sent


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
        if path.startswith(UPLOAD_PREFIX) and self.command == "POST":
            # File bytes, not form fields: route before _read_params() can decode them.
            content = self._read_upload()
            failure = standin._handle_upload(path.removeprefix(UPLOAD_PREFIX), content)
            if failure is None:
                self._send(200, f"OK - {len(content)}".encode(), "text/plain")
            else:
                status, headers, body = failure
                self._send(status, json.dumps(body).encode(), "application/json", headers)
            return
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
        params.update(_decode_body(self._read_body(), self.headers.get_content_type()))
        return params

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _read_upload(self) -> bytes:
        """The file's bytes: slack_sdk POSTs them raw; curl -F and browsers send multipart."""
        raw = self._read_body()
        if self.headers.get_content_type() == "multipart/form-data":
            return _multipart_file(raw, self.headers.get("Content-Type", ""))
        return raw

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
