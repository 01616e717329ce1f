"""Socket Mode through its door: the same answers as over HTTP, acks in time, drops survived."""

import contextlib
import json
import logging
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from handlers.slack.app import build_app
from handlers.slack.socket_mode import connect_socket_mode, socket_mode_handler
from sendbot.runtime import Runtime
from sendbot.serve import context
from slack_standin import Ack, SlackStandIn, SocketModeStandIn
from slack_standin.signed_requests import (
    button_payload,
    command_form,
    event_callback,
    select,
    submission_payload,
    text_input,
)
from tests.conftest import ADMIN, BOT_TOKEN, OWNER
from tests.support import plan_state
from tests.support.blockkit import assert_valid_message, flatten
from tests.support.chat import Chat
from tests.support.cli import clean_env, sendbot

APP_TOKEN = "xapp-standin-not-a-real-token"
ACK_LIMIT = 3.0  # Slack's limit for acking an envelope
RECOVERY_LIMIT = 10.0


@dataclass
class SocketChat:
    """A person at a Slack client whose app is in Socket Mode: every act is an envelope."""

    standin: SlackStandIn

    @property
    def socket(self) -> SocketModeStandIn:
        return self.standin.socket_mode

    def envelope(self, kind, payload: dict, **retry) -> Ack:
        ack = self.socket.request(kind, payload, **retry)
        assert ack.seconds < ACK_LIMIT, f"acked after {ack.seconds:.2f} s"
        return ack

    def ask(self, text: str, user: str, command: str = "/action") -> dict:
        response_url = self.standin.new_response_url()
        self.envelope("slash_commands", command_form(command, text, user, response_url))
        answer = self.standin.wait_for_response(response_url)[0]
        assert_valid_message(answer)
        return answer

    def press(self, answer: dict, action_id: str, ref: str, user: str) -> dict:
        """Press a button of `answer`; return the modal the bot opened."""
        before = len(self.standin.calls_to("views.open"))
        value = Chat.button_value(answer, action_id, ref)
        self.last_response_url = self.standin.new_response_url()
        payload = button_payload(action_id, value, user, self.last_response_url)
        self.envelope("interactive", payload)
        return self.standin.wait_for("views.open", count=before + 1)[-1].params["view"]

    def submit(self, view: dict, values: dict, user: str) -> Ack:
        return self.envelope("interactive", submission_payload(view, values, user))

    def open_home(self, user: str, retry_attempt: int = 0) -> Ack:
        event = event_callback({"type": "app_home_opened", "user": user, "tab": "home"})
        return self.envelope("events_api", event, retry_attempt=retry_attempt)


def _connect(app, standin: SlackStandIn):
    """Start the client exactly as `sendbot serve` does, and wait for Slack's hello."""
    opened = standin.socket_mode.connections_opened
    handler = socket_mode_handler(app, APP_TOKEN)
    connect_socket_mode(handler, standin.url)
    standin.socket_mode.wait_connected(opened + 1)
    return handler


@pytest.fixture
def socket_chat(runtime: Runtime, standin: SlackStandIn) -> Iterator[SocketChat]:
    handler = _connect(build_app(context(runtime)), standin)
    yield SocketChat(standin)
    _close(handler)


def _close(handler) -> None:
    """`handler.close()` without the client's idle waits, which cost every test here 1 to 10 s.

    close() closes the socket from this thread while the reader polls it: the reader can then
    poll for websocket-client's 10 s (the fd closed, or reused). So the reader is woken and let
    finish first, as the door does on Slack's `disconnect`, with nothing left to reconnect."""
    client = handler.client
    client.auto_reconnect_enabled = False
    runner = client.current_session_runner
    runner.event.set()  # not to start the session again once it ends
    session = client.current_session
    if session is not None and session.sock is not None and session.sock.sock is not None:
        with contextlib.suppress(OSError):
            session.sock.sock.shutdown(socket.SHUT_RDWR)
    runner.thread.join()
    # The message processor waits up to 1 s for a message before it sees the client closed.
    client.closed = True
    client.message_queue.put(None)
    handler.close()


# -- the same answers as over HTTP -----------------------------------------------------------


def test_commands_give_the_same_answers_as_over_http(socket_chat, chat, plan):
    for text, user in (("mine", OWNER), ("show 1.1", OWNER), ("list", ADMIN), ("help", OWNER)):
        assert socket_chat.ask(text, user) == chat.ask(text, user)
    assert socket_chat.ask("", ADMIN, "/summary") == chat.ask("", ADMIN, "/summary")


def test_a_command_that_changes_the_plan_changes_it_once(socket_chat, plan):
    said = flatten(socket_chat.ask("update 1.1 amber Waiting for the data", OWNER))
    assert "1.1 is now Amber (at risk)" in said
    assert plan_state.action(plan, "1.1").status == "amber"


def test_the_update_button_opens_the_same_form_as_over_http(socket_chat, chat, plan):
    over_http = chat.press(chat.ask("mine", OWNER), "action_update", "1.1", OWNER)
    over_socket = socket_chat.press(socket_chat.ask("mine", OWNER), "action_update", "1.1", OWNER)
    assert over_socket["callback_id"] == over_http["callback_id"] == "action_update_modal"
    assert flatten(over_socket) == flatten(over_http)


def test_a_form_submission_saves_and_replies_as_over_http(socket_chat, standin, plan):
    view = socket_chat.press(socket_chat.ask("mine", OWNER), "action_update", "1.1", OWNER)
    values = {"status": select("green"), "note": text_input("Data sharing agreement signed")}
    ack = socket_chat.submit(view, values, OWNER)
    assert ack.payload is None  # the form closes
    reply = standin.wait_for_response(socket_chat.last_response_url)[0]
    assert "1.1 is now Green (on track). Your note is saved." in flatten(reply)
    assert plan_state.action(plan, "1.1").status == "green"


def test_a_refused_form_shows_the_reason_in_the_ack_as_over_http(socket_chat, chat, plan):
    view = socket_chat.press(socket_chat.ask("mine", OWNER), "action_complete", "1.2", OWNER)
    before = plan_state.snapshot(plan)
    ack = socket_chat.submit(view, {"evidence": text_input(None)}, OWNER)
    over_http = chat.sender.submit(view, {"evidence": text_input(None)}, OWNER)
    assert ack.payload == json.loads(over_http.body)
    assert ack.payload["response_action"] == "errors"
    assert "describe the evidence" in ack.payload["errors"]["evidence"]
    assert plan_state.snapshot(plan) == before


def test_app_home_appears_on_slacks_first_delivery(socket_chat, slack, standin, plan):
    """Slack marks a first delivery retry_attempt 0; it is no retry and must be answered."""
    socket_chat.open_home(OWNER, retry_attempt=0)
    over_socket = standin.wait_for("views.publish")[-1].params
    slack.event({"type": "app_home_opened", "user": OWNER, "tab": "home"})
    over_http = standin.wait_for("views.publish", count=2)[-1].params
    assert over_socket["user_id"] == OWNER
    assert over_socket["view"] == over_http["view"]
    assert "1.1" in flatten(over_socket["view"])


def test_a_retried_event_is_acked_and_not_done_twice(socket_chat, standin, plan):
    socket_chat.open_home(OWNER, retry_attempt=1)
    # Listeners run before the ack (process_before_response), so the ack means it was handled.
    assert standin.calls_to("views.publish") == []


# -- acks ------------------------------------------------------------------------------------


def test_a_button_is_acked_at_once_even_when_slack_is_slow_to_open_the_form(
    socket_chat, chat, standin, plan
):
    standin.slow("views.open", 3.5)
    mine = chat.ask("mine", OWNER)
    value = Chat.button_value(mine, "action_update", "1.1")
    started = time.monotonic()
    chat.sender.press("action_update", value, OWNER)  # the HTTP answer is the ack
    assert time.monotonic() - started < 1.0
    ack = socket_chat.socket.request(
        "interactive", button_payload("action_update", value, OWNER, standin.new_response_url())
    )
    assert ack.seconds < 1.0
    standin.wait_for("views.open", count=2, timeout=10)  # the forms still open


def test_every_kind_of_envelope_is_acked_within_3_seconds(socket_chat, plan):
    socket_chat.ask("mine", OWNER)
    socket_chat.open_home(OWNER)
    socket_chat.press(socket_chat.ask("mine", OWNER), "action_complete", "1.2", OWNER)
    # SocketChat.envelope asserts the limit on each.


# -- dropped connections ---------------------------------------------------------------------


@pytest.mark.parametrize("drop", ["fin", "close_frame", "reset", "refresh"])
def test_answering_resumes_within_10_seconds_after_a_dropped_connection(socket_chat, standin, drop):
    socket = socket_chat.socket
    opened = socket.connections_opened
    cpu_before, started = time.process_time(), time.monotonic()
    socket.drop(drop)
    response_url = standin.new_response_url()
    envelope = socket.send("slash_commands", command_form("/action", "help", OWNER, response_url))
    socket.wait_ack(envelope, timeout=RECOVERY_LIMIT)
    waited, cpu = time.monotonic() - started, time.process_time() - cpu_before
    assert socket.queued_seconds(envelope) < (ACK_LIMIT if drop == "refresh" else RECOVERY_LIMIT)
    assert socket.connections_opened > opened
    # The CPU clock counts every thread of this process (the bot answering, the stand-in), so
    # allow a little real work; a spinning client burns a whole core for as long as it waits.
    assert cpu < max(2.0, waited / 2), f"{cpu:.2f} CPU seconds in {waited:.2f} s: a busy loop"
    assert "/action mine" in flatten(standin.wait_for_response(response_url)[0])


# -- start-up --------------------------------------------------------------------------------


def test_the_app_is_built_without_warning_about_an_unused_token(
    runtime, monkeypatch, caplog, standin
):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)  # as on every real start
    with caplog.at_level(logging.INFO):
        app = build_app(context(runtime))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert app.client.base_url == standin.url  # still talks to the Slack it was given


@pytest.fixture
def serve_env(database_url: str, standin: SlackStandIn) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
    }


def _one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_refused_app_token_stops_serve_with_one_line_naming_it(tmp_path, serve_env, standin):
    standin.fail_next("apps.connections.open", status=200, error="invalid_auth")
    line = _one_line(sendbot("serve", cwd=tmp_path, timeout=60, **serve_env))
    assert line.startswith("sendbot: SLACK_APP_TOKEN was refused by Slack (invalid_auth)")
    assert APP_TOKEN not in line


def test_an_unreachable_slack_stops_serve_with_one_line_naming_the_host(
    tmp_path, serve_env, standin
):
    closed = SlackStandIn().start()
    url = closed.url
    closed.stop()  # nothing listens there now
    host = url.split("/")[2]
    done = sendbot("serve", cwd=tmp_path, timeout=60, **{**serve_env, "SLACK_API_URL": url})
    line = _one_line(done)
    assert line.startswith(f"sendbot: Slack is unreachable at {host} (SLACK_API_URL)")


def test_sendbot_serve_answers_commands_in_socket_mode(tmp_path, serve_env, standin):
    socket = standin.socket_mode
    opened = socket.connections_opened
    process = subprocess.Popen(
        [sys.executable, "-m", "sendbot", "serve"],
        cwd=tmp_path,
        env=clean_env(**serve_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        socket.wait_connected(opened + 1, timeout=30)
        response_url = standin.new_response_url()
        ack = socket.request("slash_commands", command_form("/action", "help", OWNER, response_url))
        assert ack.seconds < ACK_LIMIT
        assert "/action mine" in flatten(standin.wait_for_response(response_url)[0])
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "will be unused" not in output
    assert APP_TOKEN not in output and BOT_TOKEN not in output
    assert "Traceback" not in output
