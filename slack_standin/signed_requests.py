"""Requests signed exactly as Slack signs them, sent over HTTP to the running bot."""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from slack_standin.server import SlackStandIn

SIGNING_SECRET = "standin-signing-secret-0123456789"
TEAM = "T0STANDIN"


@dataclass
class HttpAnswer:
    status: int
    body: str


class SlackSender:
    """Plays Slack's side: slash commands, button presses, form submissions, events."""

    def __init__(self, bot_url: str, standin: SlackStandIn, secret: str = SIGNING_SECRET) -> None:
        self.bot_url = bot_url
        self.standin = standin
        self.verifier = SignatureVerifier(secret)

    def post(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict | None = None,
    ) -> HttpAnswer:
        timestamp = int(time.time()) if timestamp is None else timestamp
        if signature is None:
            signature = self.verifier.generate_signature(timestamp=str(timestamp), body=body)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature,
            **(extra_headers or {}),
        }
        request = urllib.request.Request(
            self.bot_url + "/slack/events", data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return HttpAnswer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return HttpAnswer(error.code, error.read().decode())

    def command_request(self, command: str, text: str, user: str) -> tuple[HttpAnswer, str]:
        response_url = self.standin.new_response_url()
        form = command_form(command, text, user, response_url)
        return self.post(urlencode(form)), response_url

    def command(self, command: str, text: str, user: str) -> dict:
        """Send a slash command; return the answer the bot posts to the response URL."""
        answer, response_url = self.command_request(command, text, user)
        assert answer.status == 200, answer
        return self.standin.wait_for_response(response_url)[0]

    def interaction(self, payload: dict) -> HttpAnswer:
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def press(self, action_id: str, value: str, user: str, response_url: str | None = None) -> str:
        """Press a button on a message; returns the response URL the press carried."""
        response_url = response_url or self.standin.new_response_url()
        answer = self.interaction(button_payload(action_id, value, user, response_url))
        assert answer.status == 200, answer
        return response_url

    def submit(self, view: dict, values: dict, user: str) -> HttpAnswer:
        """Submit a modal the bot opened, with `values` as {block_id: element state}."""
        return self.interaction(submission_payload(view, values, user))

    def event(self, event: dict) -> HttpAnswer:
        return self.post(json.dumps(event_callback(event)), content_type="application/json")


# What Slack sends, whichever door it comes through: the same bodies travel signed over HTTP and
# inside Socket Mode envelopes (slack_standin.socket_mode).


def command_form(command: str, text: str, user: str, response_url: str) -> dict:
    return {
        "token": "legacy-token-unused",
        "team_id": TEAM,
        "channel_id": "C0GENERAL",
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "response_url": response_url,
        "trigger_id": f"trigger.{time.time_ns()}",
        "api_app_id": "A0SENDBOT",
    }


def button_payload(action_id: str, value: str, user: str, response_url: str) -> dict:
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user},
        "api_app_id": "A0SENDBOT",
        "trigger_id": f"trigger.{time.time_ns()}",
        "response_url": response_url,
        "container": {"type": "message", "channel_id": "D0BOT"},
        "channel": {"id": "D0BOT"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value}],
    }


def submission_payload(view: dict, values: dict, user: str) -> dict:
    """A submission of `view` with `values` as {block_id: element state}."""
    state = {"values": {block: {"value": element} for block, element in values.items()}}
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": user},
        "api_app_id": "A0SENDBOT",
        "trigger_id": f"trigger.{time.time_ns()}",
        "view": {**view, "id": "V0TEST", "state": state},
    }


def event_callback(event: dict) -> dict:
    return {
        "type": "event_callback",
        "team_id": TEAM,
        "api_app_id": "A0SENDBOT",
        "event": event,
        "event_id": f"Ev{time.time_ns()}",
        "event_time": int(time.time()),
    }


def text_input(value: str | None) -> dict:
    return {"type": "plain_text_input", "value": value}


def select(value: str | None) -> dict:
    option = {"value": value} if value is not None else None
    return {"type": "static_select", "selected_option": option}
