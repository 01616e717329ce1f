"""Activities posted to the running bot as the Bot Framework posts them: JSON with a freshly
minted ``Authorization: Bearer`` token from the stand-in's Bot Framework key."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from teams_standin.server import TeamsStandIn

MESSAGING_ENDPOINT = "/api/messages"


@dataclass
class HttpAnswer:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class TeamsSender:
    """Plays the Bot Framework Connector's side towards the bot's messaging endpoint."""

    def __init__(
        self, bot_url: str, standin: TeamsStandIn, endpoint: str = MESSAGING_ENDPOINT
    ) -> None:
        self.url = bot_url.rstrip("/") + endpoint
        self.standin = standin

    def post(
        self,
        activity: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        authorization: str | None = None,
        raw_body: bytes | None = None,
        extra_headers: dict[str, str] | None = None,
        **token_knobs: Any,
    ) -> HttpAnswer:
        """POST `activity` signed for its own serviceUrl. `token_knobs` go to ``mint_token``
        (e.g. ``expires_in=-3600``); `token` or a whole `authorization` header replace it
        (``authorization=""`` sends none); `raw_body` replaces the JSON."""
        if authorization is None:
            if token is None:
                service_url = (activity or {}).get("serviceUrl")
                token_knobs.setdefault("service_url", service_url)
                token = self.standin.mint_token(**token_knobs)
            authorization = f"Bearer {token}"
        data = raw_body if raw_body is not None else json.dumps(activity).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", **(extra_headers or {})}
        if authorization:
            headers["Authorization"] = authorization
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return HttpAnswer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return HttpAnswer(error.code, error.read().decode())

    def send(self, activity: dict[str, Any]) -> Any:
        """POST a well-signed `activity`; returns the bot's answer body (the invoke response)."""
        answer = self.post(activity)
        assert 200 <= answer.status < 300, answer
        return answer.json()
