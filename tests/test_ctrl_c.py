"""Ctrl-C stops every long-running command quietly (issue 10): exit status 130, "Stopped." and
no traceback. Each command runs as its own process and gets SIGINT once it is doing its work."""

import contextlib
import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from slack_standin import SlackStandIn
from slack_standin.signed_requests import SIGNING_SECRET
from storage.database import Database
from storage.models import Action, Reminder
from tests.conftest import BOT_TOKEN
from tests.support.cli import clean_env
from tests.test_cli import _free_port
from tests.test_clock_cli import OWNERS, import_plan

INTERRUPTED = 130
# A line our logging wrote: "2020-01-20 10:00:00,000 INFO name: message".
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+: ")


def _start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sendbot", *args],
        cwd=cwd,
        env=clean_env(**env, PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _interrupt(process: subprocess.Popen, ready: Callable[[], None]) -> str:
    """Wait until `ready()` returns, press Ctrl-C once, and check the command stopped quietly;
    its log (stderr) is returned for what else a test wants to read in it."""
    try:
        ready()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        _kill(process)
    _assert_stopped_quietly(process, stderr)
    return stderr


def _assert_stopped_quietly(process: subprocess.Popen, stderr: str) -> None:
    assert process.returncode == INTERRUPTED, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    ours = [line for line in stderr.splitlines() if line and not LOG_LINE.match(line)]
    assert ours == ["Stopped."], stderr


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.communicate()


def _wait_for_health(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                assert json.loads(response.read())["ok"]
                return
        except OSError:
            time.sleep(0.1)  # the server is still starting; not a clock wait
    raise AssertionError("sendbot serve did not start within 30 seconds")


@pytest.fixture
def env(database_url: str, standin: SlackStandIn) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }


def test_serve_over_http_stops_quietly(env, tmp_path):
    port = _free_port()
    http = {**env, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "PORT": str(port), "HOST": "127.0.0.1"}
    process = _start(["serve"], http, tmp_path)
    _interrupt(process, lambda: _wait_for_health(f"http://127.0.0.1:{port}", process))


def test_serve_in_socket_mode_stops_quietly(env, tmp_path, standin):
    opened = standin.socket_mode.connections_opened
    process = _start(["serve"], {**env, "SLACK_APP_TOKEN": "xapp-standin-token"}, tmp_path)
    _interrupt(process, lambda: standin.socket_mode.wait_connected(opened + 1, timeout=30))


@pytest.mark.slow(12)
def test_clock_stopped_mid_sweep_finishes_the_sweep_and_stops_quietly(
    database_url, standin, tmp_path
):
    settings = import_plan(OWNERS, 1, "", database_url, standin, tmp_path)
    standin.slow("chat.postMessage", 0.05)
    process = _start(["clock", "--at", "2020-01-21T09:30"], settings, tmp_path)
    _interrupt(process, lambda: standin.wait_for("chat.postMessage", count=3, timeout=60))
    # The sweep under way was not cut off: every message it sent is recorded as sent, once.
    recipients = [call.params["channel"] for call in standin.delivered("chat.postMessage")]
    assert sorted(recipients) == sorted(OWNERS)
    db = Database(database_url)
    try:
        with db.session() as session:
            assert session.scalars(select(Reminder.state)).all() == ["sent"] * len(OWNERS)
    finally:
        db.dispose()


@pytest.mark.slow(13)
def test_a_second_ctrl_c_stops_the_clock_at_once_mid_sweep(database_url, standin, tmp_path):
    settings = import_plan(OWNERS, 1, "", database_url, standin, tmp_path)
    standin.slow("chat.postMessage", 1)  # the whole sweep would take 24 seconds
    process = _start(["clock", "--at", "2020-01-21T09:30"], settings, tmp_path)
    try:
        standin.wait_for("chat.postMessage", count=1, timeout=60)
        process.send_signal(signal.SIGINT)
        said = []
        for line in process.stderr:  # the clock says it heard the first Ctrl-C
            said.append(line)
            if "stopping the clock" in line:
                break
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, rest = process.communicate(timeout=30)
        assert time.monotonic() - started < 5
    finally:
        _kill(process)
        sent = len(standin.calls_to("chat.postMessage"))
        # The message the clock was sending when it stopped is recorded when its delay ends:
        # here, not after the next test's reset, where it would pass for that test's first
        # message (and its Ctrl-C would reach a clock still starting).
        with contextlib.suppress(TimeoutError):
            standin.wait_for("chat.postMessage", count=sent + 1, timeout=5)
    _assert_stopped_quietly(process, "".join(said) + rest)
    assert sent < len(OWNERS)


def test_demo_stops_quietly(tmp_path):
    process = _start(["demo"], {}, tmp_path)

    def conversation_started() -> None:
        for line in process.stdout:
            if "types:  /action mine" in line:
                return
        raise AssertionError("the demo ended before its conversation began")

    _interrupt(process, conversation_started)


def test_import_stopped_while_looking_people_up_stops_quietly_and_imports_nothing(
    env, tmp_path, standin
):
    plan = tmp_path / "plan.csv"
    for n in range(1, 41):  # owners Slack knows: without Ctrl-C, every row would import
        standin.add_user(f"U0CTRLC{n:03d}", f"Owner {n}", email=f"owner{n}@council.example")
    rows = [f"{n}.1,Action {n},1,owner{n}@council.example,31/01/2020" for n in range(1, 41)]
    plan.write_text("ref,title,working_group,owner,due\n" + "\n".join(rows) + "\n", "utf-8")
    standin.slow("users.lookupByEmail", 0.05)
    process = _start(["import", str(plan)], env, tmp_path)
    _interrupt(process, lambda: standin.wait_for("users.lookupByEmail", count=3, timeout=60))
    db = Database(env["DATABASE_URL"])
    try:
        with db.session() as session:
            assert session.scalar(select(func.count(Action.id))) == 0
    finally:
        db.dispose()
