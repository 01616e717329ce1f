"""A local stand-in for Microsoft's side of a Teams bot, for tests, benchmarks and the demo.

One loopback HTTP server plays three services:

- the Bot Framework's OpenID document and signing keys (inbound tokens are minted here),
- Microsoft Entra's token endpoint (the bot's own access token, client-credentials grant),
- the Bot Connector's v3 REST API under a service URL (``{url}/teams/``), plus upload URLs for
  the file consent flow.

Every request is recorded as a :class:`Call`; tests can wait for calls, read what the bot sent,
and make chosen operations fail or hit Teams' rate limits.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt

from teams_standin import login, routes
from teams_standin.activities import ActivityBuilder
from teams_standin.connector import Connector, PostedActivity
from teams_standin.directory import Directory, Member, guid
from teams_standin.errors import (
    CONNECTOR_UNAUTHORIZED,
    DEFAULT_CODE_FOR_STATUS,
    Reply,
    connector_error,
)
from teams_standin.keys import (
    ACCESS_TOKEN_LIFETIME,
    BOT_FRAMEWORK_ISSUER,
    SigningKey,
    access_token_claims,
    connector_claims,
    verify_access_token,
)
from teams_standin.limits import (
    PER_CONVERSATION_LIMITS,
    PER_TENANT_LIMITS,
    TeamsLimits,
    retry_after_header,
)
from teams_standin.uploads import Upload, Uploads

APP_ID = "5e4db07a-0000-4000-8000-00000000b07a"
APP_PASSWORD = "standin-app-password-not-a-secret"
TENANT_ID = "7e4a47b0-0000-4000-8000-0000000e4a47"
BOT_NAME = "SEND bot"
SERVICE = "teams"  # {url}/teams/ is the default service URL, like smba.trafficmanager.net/teams/
UPLOAD_PREFIX = "/upload/"
BOT_FRAMEWORK_KID = "standin-botframework-1"
ENTRA_KID = "standin-entra-1"


@dataclass
class Call:
    """One request the stand-in received."""

    kind: str  # an operation name from teams_standin.routes, e.g. "send", or "unknown"
    http_method: str
    path: str
    body: Any  # decoded JSON, a form dict (token endpoint), or {"size": n} for uploads
    authorization: str | None  # the Authorization header as sent
    status: int  # what the stand-in answered
    conversation_id: str | None = None
    activity_id: str | None = None
    service: str | None = None  # the service URL segment the call went to
    app_id: str | None = None  # from the bearer token, when it was valid

    @property
    def failed(self) -> bool:
        return self.status >= 400


@dataclass
class _Failure:
    status: int
    code: str
    message: str | None
    retry_after: int
    remaining: int

    def reply(self) -> Reply:
        retry_after = str(self.retry_after) if self.status == 429 else ""
        return connector_error(
            self.code, status=self.status, message=self.message, retry_after=retry_after
        )


class TeamsStandIn:
    """An in-process HTTP server answering as Microsoft's login services and Bot Connector."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app_id: str = APP_ID,
        app_password: str = APP_PASSWORD,
        tenant_id: str = TENANT_ID,
        bot_name: str = BOT_NAME,
        clock: Callable[[], float] = time.time,
        on_call: Callable[[Call], None] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.app_id = app_id
        self.app_password = app_password
        self.tenant_id = tenant_id
        self.bot_name = bot_name
        # Seconds since the epoch: token times and rate-limit windows. Tests pass a fake clock
        # to move time on instead of sleeping.
        self.clock = clock
        self.on_call = on_call
        self.calls: list[Call] = []
        self._cond = threading.Condition()  # guards all mutable state and wakes wait_for()
        self._bot_framework_key = SigningKey.generate(BOT_FRAMEWORK_KID)
        self._entra_key = SigningKey.generate(ENTRA_KID)
        self._foreign_key = SigningKey.generate(BOT_FRAMEWORK_KID)  # same kid: a forger's key
        self._secrets = {app_id: app_password}
        self._tokens_issued = 0
        self._failures: dict[str, deque[_Failure]] = {}
        self._rate_limit: TeamsLimits | None = None
        self.directory = Directory(tenant_id)
        self._connector = Connector(self.directory, self.service_url_for)
        self._uploads = Uploads()
        self._upload_ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.activities = ActivityBuilder(self)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> TeamsStandIn:
        """Bind and serve in a daemon thread; returns self so it can be chained."""
        if self._server is not None:
            return self
        self._server = _Server((self.host, self.port), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},  # keeps stop() quick with one server per test
            name="teams-standin",
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

    def __enter__(self) -> TeamsStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL; also the login endpoint (``with_overrides(login_endpoint=...)``)."""
        if self._server is None:
            raise RuntimeError("TeamsStandIn is not running; call start() first")
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def openid_url(self) -> str:
        """The Bot Framework OpenID document (TEAMS_OPENID_URL); keys are at its sibling /keys."""
        return self.url + login.OPENID_PATH

    @property
    def keys_url(self) -> str:
        return self.url + login.KEYS_PATH

    def token_url(self, tenant: str | None = None) -> str:
        """Entra's token endpoint for `tenant` (the stand-in's own tenant by default)."""
        return f"{self.url}/{tenant or self.tenant_id}/oauth2/v2.0/token"

    @property
    def service_url(self) -> str:
        """The Bot Connector service URL the activities carry as ``serviceUrl``."""
        return self.service_url_for(SERVICE)

    def service_url_for(self, service: str) -> str:
        """Another service URL on the same connector (Teams has one per region)."""
        return f"{self.url}/{service}/"

    def cloud_environment(self) -> Any:
        """The SDK's CloudEnvironment pointed at this stand-in (needs the teams extra)."""
        from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides

        return with_overrides(PUBLIC, openid_metadata_url=self.openid_url, login_endpoint=self.url)

    # -- tokens ----------------------------------------------------------------------------

    def mint_token(
        self,
        app_id: str | None = None,
        service_url: str | None = None,
        *,
        audience: str | None = None,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        expires_in: int = 3600,
        not_before_in: int = 0,
        include_exp: bool = True,
        foreign_key: bool = False,
        extra_claims: dict[str, Any] | None = None,
    ) -> str:
        """An inbound token as the Bot Framework Connector signs it for an activity.

        The knobs spoil it on purpose (see ``keys.BAD_TOKEN_KNOBS``): another `audience` or
        `issuer`, a negative `expires_in` (expired), a positive `not_before_in` (not yet
        valid), no ``exp`` at all, or `foreign_key` (same kid, signed by another key).
        """
        claims = connector_claims(
            audience=audience or app_id or self.app_id,
            service_url=service_url or self.service_url,
            issuer=issuer,
            now=self.clock(),
            expires_in=expires_in,
            not_before_in=not_before_in,
            include_exp=include_exp,
        )
        claims.update(extra_claims or {})
        key = self._foreign_key if foreign_key else self._bot_framework_key
        return key.sign(claims)

    def access_token(self, app_id: str | None = None) -> str:
        """A connector access token without the HTTP round trip (not counted as issued)."""
        return self._entra_key.sign(
            access_token_claims(app_id or self.app_id, self.tenant_id, self.clock())
        )

    def register_app(self, app_id: str, password: str) -> None:
        """Another bot registration the token endpoint knows."""
        with self._cond:
            self._secrets[app_id] = password

    @property
    def tokens_issued(self) -> int:
        """Access tokens the token endpoint has handed out since the last reset()."""
        with self._cond:
            return self._tokens_issued

    # -- seeding ---------------------------------------------------------------------------

    def add_team(self, name: str, team_id: str | None = None) -> str:
        """A team with the bot installed; its General channel has the team's id."""
        with self._cond:
            return self.directory.add_team(name, team_id).id

    def add_channel(self, team_id: str, name: str, channel_id: str | None = None) -> str:
        with self._cond:
            return self.directory.add_channel(team_id, name, channel_id)

    def add_member(
        self,
        name: str,
        email: str,
        *,
        aad_object_id: str | None = None,
        teams: Sequence[str] = (),
        personal: bool = True,
        given_name: str | None = None,
        surname: str | None = None,
        user_role: str = "user",
    ) -> Member:
        """A person in the tenant, in `teams`; `personal` means the app is installed for them
        personally (so their 1:1 chat with the bot exists)."""
        member = Member(
            aad_object_id=aad_object_id or guid("aad", email.casefold()),
            name=name,
            email=email,
            tenant_id=self.tenant_id,
            given_name=given_name,
            surname=surname,
            user_role=user_role,
        )
        with self._cond:
            member = self.directory.add_member(member, tuple(teams))
            if personal:
                self.directory.installed_for.add(member.id)
                self.directory.personal_conversation(member)
            return member

    def personal_conversation(self, member: Member) -> str:
        """The id of `member`'s 1:1 chat with the bot (made if it did not exist)."""
        with self._cond:
            return self.directory.personal_conversation(member).id

    def block(self, conversation_id: str, code: str = "ConversationBlockedByUser") -> None:
        """Every write to the conversation now gets 403 with `code` (e.g. the user blocked the
        bot, or BotNotInConversationRoster once the app is removed)."""
        with self._cond:
            conversation = self.directory.conversation(conversation_id)
            if conversation is None:
                raise KeyError(f"no conversation {conversation_id!r}")
            conversation.blocked_with = code

    def unblock(self, conversation_id: str) -> None:
        with self._cond:
            conversation = self.directory.conversation(conversation_id)
            if conversation is not None:
                conversation.blocked_with = None

    # -- failures and limits ---------------------------------------------------------------

    def fail_next(
        self,
        kind: str,
        *,
        status: int = 429,
        code: str | None = None,
        message: str | None = None,
        retry_after: int = 1,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of operation `kind` fail with `status` (and Teams' code
        for it, or `code`). Failed calls are recorded too."""
        code = code or DEFAULT_CODE_FOR_STATUS.get(status, "ServiceError")
        with self._cond:
            failure = _Failure(status, code, message, retry_after, times)
            self._failures.setdefault(kind, deque()).append(failure)

    def limit_rate(
        self,
        windows: Sequence[tuple[float, int]] | None = PER_CONVERSATION_LIMITS,
        *,
        per_tenant: Sequence[tuple[float, int]] | None = PER_TENANT_LIMITS,
    ) -> None:
        """Enforce Teams' limits on every connector operation, answering 429 with Retry-After:
        `windows` per bot per conversation and `per_tenant` per app per tenant, each a list of
        (seconds, calls). ``None`` lifts them all; ``per_tenant=None`` only the tenant's."""
        with self._cond:
            self._rate_limit = (
                TeamsLimits(windows, per_tenant, self.clock) if windows is not None else None
            )

    def reset(self) -> None:
        """Forget calls, posted activities, uploads, issued-token count, failures and limits;
        teams, channels, members and conversations are kept (blocks are lifted)."""
        with self._cond:
            self.calls.clear()
            self._connector.reset()
            self._uploads.reset()
            self._failures.clear()
            self._rate_limit = None
            self._tokens_issued = 0
            for conversation in self.directory.conversations.values():
                conversation.blocked_with = None

    # -- uploads ---------------------------------------------------------------------------

    def new_upload(self, name: str) -> dict[str, Any]:
        """``uploadInfo`` for a file consent the user accepted: where the bot PUTs the bytes."""
        with self._cond:
            upload_id = f"u{next(self._upload_ids)}"
            self._uploads.expect(upload_id, name)
        unique_id = guid("file", upload_id).upper()
        return {
            "contentUrl": f"https://standin.sharepoint.test/personal/Documents/Applications/{name}",
            "name": name,
            "uploadUrl": f"{self.url}{UPLOAD_PREFIX}{upload_id}",
            "uniqueId": unique_id,
            "fileType": name.rpartition(".")[2] if "." in name else "",
        }

    def uploads(self) -> list[Upload]:
        """Files whose bytes arrived in full, in that order."""
        with self._cond:
            return self._uploads.completed()

    # -- inspection ------------------------------------------------------------------------

    def calls_to(self, kind: str) -> list[Call]:
        with self._cond:
            return [call for call in self.calls if call.kind == kind]

    def delivered(self, kind: str) -> list[Call]:
        """Calls of operation `kind` that were answered successfully."""
        return [call for call in self.calls_to(kind) if not call.failed]

    def sent_to(self, conversation_id: str) -> list[dict[str, Any]]:
        """Activities the bot posted (sent or replied) to the conversation, as first posted,
        each with the ``id`` the connector gave it."""
        with self._cond:
            return [p.versions[0] for p in self._posted_in(conversation_id)]

    def current(self, conversation_id: str) -> list[dict[str, Any]]:
        """What the conversation shows now: posted activities after updates, minus deletions."""
        with self._cond:
            return [p.activity for p in self._posted_in(conversation_id) if not p.deleted]

    def posted(self, conversation_id: str | None = None) -> list[PostedActivity]:
        """Everything posted (optionally to one conversation), with its history of versions."""
        with self._cond:
            posted = self._connector.posted
            return [p for p in posted if conversation_id in (None, p.conversation_id)]

    def wait_for(
        self,
        kind: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until at least `count` calls of `kind` (matching `predicate`) arrived."""

        def matching() -> list[Call]:
            return [c for c in self.calls_to(kind) if predicate is None or predicate(c)]

        with self._cond:
            if self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                return matching()
            got = len(matching())
            seen = Counter(call.kind for call in self.calls)
        what = f"{kind} matching predicate" if predicate else kind
        summary = ", ".join(f"{name} x{n}" for name, n in seen.items()) or "none"
        raise TimeoutError(
            f"waited {timeout}s for {count} call(s) to {what}, got {got}; calls seen: {summary}"
        )

    def _posted_in(self, conversation_id: str) -> list[PostedActivity]:
        return [p for p in self._connector.posted if p.conversation_id == conversation_id]

    # -- request handling (server threads) -------------------------------------------------

    def _handle(self, method: str, path: str, query: dict[str, str], headers: Any, raw: bytes):
        """Answer one request; returns (status, headers, body bytes, content type)."""
        authorization = headers.get("Authorization")
        if path.startswith(UPLOAD_PREFIX) and method == "PUT":
            upload_id = unquote(path.removeprefix(UPLOAD_PREFIX))
            with self._cond:
                status, extra, body = self._uploads.receive(
                    upload_id, raw, headers.get("Content-Range"), authorization
                )
                call = Call(routes.UPLOAD, method, path, {"size": len(raw)}, authorization, status)
                self._record(call)
            return self._finish(call, (status, extra, body))
        route = routes.connector_route(method, path)
        if route is not None:
            return self._handle_connector(route, method, path, query, authorization, raw)
        with self._cond:
            kind, reply, body = self._handle_login(method, path, raw)
            call = Call(kind, method, path, body, authorization, reply[0])
            self._record(call)
        return self._finish(call, reply)

    def _handle_login(self, method: str, path: str, raw: bytes) -> tuple[str, Reply, Any]:
        if method == "GET" and path == login.OPENID_PATH:
            return routes.OPENID, (200, {}, login.openid_configuration(self.url)), None
        if method == "GET" and path == login.KEYS_PATH:
            keys = [self._bot_framework_key.jwk(endorsements=["msteams"])]
            return routes.KEYS, (200, {}, {"keys": keys}), None
        parts = path.strip("/").split("/")
        if method == "GET" and parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            return "entra_openid", (200, {}, login.entra_metadata(self.url, parts[0])), None
        if method == "GET" and parts[1:] == ["discovery", "v2.0", "keys"]:
            return "entra_keys", (200, {}, {"keys": [self._entra_key.jwk()]}), None
        if method == "POST" and parts[1:] == ["oauth2", "v2.0", "token"]:
            form = {k: v[-1] for k, v in parse_qs(raw.decode(errors="replace")).items()}
            recorded = {k: ("<redacted>" if k == "client_secret" else v) for k, v in form.items()}
            return routes.TOKEN, self._issue_token(parts[0], form), recorded
        return "unknown", (404, {}, {"error": {"code": "NotFound", "message": path}}), None

    def _issue_token(self, tenant: str, form: dict[str, str]) -> Reply:
        refusal = login.check_client_credentials(form, tenant, self.tenant_id, self._secrets)
        if refusal is not None:
            return refusal
        self._tokens_issued += 1
        token = self._entra_key.sign(
            access_token_claims(form["client_id"], self.tenant_id, self.clock())
        )
        body = {
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_LIFETIME,
            "ext_expires_in": ACCESS_TOKEN_LIFETIME,
            "access_token": token,
        }
        return 200, {}, body

    def _handle_connector(
        self,
        route: routes.ConnectorRoute,
        method: str,
        path: str,
        query: dict[str, str],
        authorization: str | None,
        raw: bytes,
    ):
        body = _decode_json(raw)
        app_id = self._bearer_app_id(authorization)
        with self._cond:
            if app_id is None:
                reply = CONNECTOR_UNAUTHORIZED
            elif (failure := self._take_failure(route.kind)) is not None:
                reply = failure.reply()
            elif (wait := self._rate_limited(app_id, route, body)) > 0:
                reply = connector_error("Throttled", retry_after=retry_after_header(wait))
            else:
                reply = self._connector.handle(route, body, query)
            conversation_id, activity_id = route.conversation_id, route.activity_id
            if route.kind == routes.SEND and reply[0] < 300:
                activity_id = reply[2]["id"]
            if route.kind == routes.CREATE_CONVERSATION and reply[0] < 300:
                conversation_id = reply[2]["id"]
            call = Call(
                route.kind,
                method,
                path,
                body,
                authorization,
                reply[0],
                conversation_id=conversation_id,
                activity_id=activity_id,
                service=route.service,
                app_id=app_id,
            )
            self._record(call)
        return self._finish(call, reply)

    def _bearer_app_id(self, authorization: str | None) -> str | None:
        """The app id in a valid access token from this stand-in's Entra, else None."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            claims = verify_access_token(token.strip(), self._entra_key, self.clock())
        except jwt.InvalidTokenError:
            return None
        return str(claims["appid"])

    def _rate_limited(self, app_id: str, route: routes.ConnectorRoute, body: Any) -> float:
        if self._rate_limit is None:
            return 0.0
        conversation = self._connector.rate_key(route, body)
        tenant = self._connector.rate_tenant(route, body)
        return self._rate_limit.admit(
            (app_id, conversation) if conversation else None, (app_id, tenant)
        )

    def _take_failure(self, kind: str) -> _Failure | None:
        queue = self._failures.get(kind)
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

    def _finish(self, call: Call, reply: Reply) -> tuple[int, dict[str, str], bytes]:
        # Outside the lock, so a slow or re-entrant callback cannot stall other requests.
        if self.on_call is not None:
            self.on_call(call)
        status, headers, body = reply
        data = b"" if body is None else json.dumps(body).encode()
        return status, headers, data


def _decode_json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"_raw": raw.decode("utf-8", errors="replace")}  # visible to tests, not dropped


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, standin: TeamsStandIn) -> None:
        self.standin = standin
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx clients expect of Microsoft's hosts
    # Headers and body go out in two writes: without this, on a kept-alive connection the body
    # waits for the client's delayed ACK (40 ms a request on Linux), which no real service adds.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests report calls themselves

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status, headers, body = self.server.standin._handle(
            self.command, parts.path, query, self.headers, raw
        )
        self.send_response(status)
        if body:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
