"""Slack's HTTP requests, checked before anything parses them.

The order is the defence: a body over the limit is refused unread; the signature and its
freshness are checked over the raw bytes, so nothing an unsigned sender wrote is decoded, parsed
or logged; then the shape; then whether this exact request was already acted on. Only then does
Bolt see it. Every refusal is a fixed short answer and a fixed log line: never the body.
"""

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs

from slack_bolt import App, BoltRequest

from storage.seen_requests import SeenRequests

log = logging.getLogger(__name__)

# Slack's largest payloads (a modal's whole view state, a long message) are tens of kilobytes;
# a megabyte fits every real one with room to spare and stops a body being used as a weapon.
MAX_BODY_BYTES = 1024 * 1024
# Slack's own rule: a request more than five minutes from our clock, either way, is refused.
FRESH_SECONDS = 5 * 60
# Slack checks a new HTTPS endpoint's certificate with a small unsigned POST that must get 200.
SSL_CHECK_MAX_BYTES = 1024

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True)
class Answer:
    status: int
    body: str = ""
    headers: dict[str, list[str]] = field(default_factory=dict)


NOT_FOUND = Answer(404, '{"error": "not found"}')
ONLY_POST = Answer(405, '{"error": "only POST is accepted here"}', {"Allow": ["POST"]})
NEEDS_LENGTH = Answer(411, '{"error": "a Content-Length header is needed"}')
TOO_LARGE = Answer(413, '{"error": "the request is too large"}')
NOT_SIGNED = Answer(401, '{"error": "invalid request"}')
MALFORMED = Answer(400, '{"error": "malformed request"}')
ALREADY_DONE = Answer(200)


class SlackHttpDoor:
    """A WSGI application for `POST /slack/events` in front of a Bolt app."""

    def __init__(self, app: App, signing_secret: str, seen: SeenRequests) -> None:
        self.app = app
        self.secret = signing_secret.encode()
        self.seen = seen

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        answer = self.answer(environ)
        body = answer.body.encode()
        headers = [(name, value) for name, values in answer.headers.items() for value in values]
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("Content-Type", "application/json"))
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(_status_line(answer.status), headers)
        return [body]

    def answer(self, environ: dict) -> Answer:
        if environ.get("REQUEST_METHOD") != "POST":
            return ONLY_POST
        length = _content_length(environ)
        if length is None:
            return NEEDS_LENGTH
        if length > MAX_BODY_BYTES:
            log.warning("refused a request of %d bytes (the limit is %d)", length, MAX_BODY_BYTES)
            return TOO_LARGE
        raw = environ["wsgi.input"].read(length)
        if len(raw) != length:
            return MALFORMED
        headers = _headers(environ)
        timestamp = _one(headers, "x-slack-request-timestamp")
        signature = _one(headers, "x-slack-signature")
        if not self._authentic(raw, timestamp, signature):
            if _is_ssl_check(raw):
                return Answer(200)
            log.warning("refused a request without a valid Slack signature")
            return NOT_SIGNED
        request = _bolt_request(raw, environ.get("QUERY_STRING", ""), headers)
        if request is None:
            log.warning("refused a signed request that could not be read")
            return MALFORMED
        if not self.seen.first_sighting(signature, int(timestamp)):
            log.warning("ignored a copy of a request already acted on (a replay)")
            return ALREADY_DONE
        response = self.app.dispatch(request)
        return Answer(response.status, response.body, response.headers)

    def _authentic(self, raw: bytes, timestamp: str, signature: str) -> bool:
        if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
            return False
        if abs(time.time() - int(timestamp)) > FRESH_SECONDS:
            return False
        # Slack signs the raw bytes; checking them before decoding means bad UTF-8 is only ever
        # seen in a request that Slack itself sent.
        signed = b"v0:" + timestamp.encode() + b":" + raw
        expected = "v0=" + hmac.new(self.secret, signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)


def _bolt_request(raw: bytes, query: str, headers: dict[str, list[str]]) -> BoltRequest | None:
    """Bolt parses the body as it builds the request; a body it cannot read is malformed."""
    try:
        text = raw.decode("utf-8")
        request = BoltRequest(body=text, query=query, headers=headers)
    except (ValueError, RecursionError, TypeError, AttributeError, KeyError, IndexError):
        # ValueError covers bad UTF-8 and bad JSON; the rest are JSON of a shape Slack never
        # sends (a list, a string), which Bolt's own readers trip over.
        return None
    return request if isinstance(request.body, dict) else None


def _content_length(environ: dict) -> int | None:
    value = environ.get("CONTENT_LENGTH") or ""
    return int(value) if value.isdigit() and len(value) <= 12 else None


def _headers(environ: dict) -> dict[str, list[str]]:
    headers = {
        key[5:].replace("_", "-").lower(): [value]
        for key, value in environ.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = [environ[key]]
    return headers


def _one(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name) or [""]
    return values[0].strip()


def _is_ssl_check(raw: bytes) -> bool:
    if len(raw) > SSL_CHECK_MAX_BYTES:
        return False
    form = parse_qs(raw.decode("ascii", errors="replace"))
    return form.get("ssl_check") == ["1"]


def _status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"
