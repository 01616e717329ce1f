"""`sendbot remind` and `sendbot clock`, run as processes, against the stand-in."""

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.models import Reminder
from tests.conftest import BOT_TOKEN
from tests.support.cli import clean_env, sendbot
from tests.support.preloaded import run_sendbot, start_sendbot

OWNERS = [f"U0OWNER{n:03d}" for n in range(24)]
MANY = [f"U0MANY{n:04d}" for n in range(60)]


def import_plan(
    owners: list[str], group: int, prefix: str, database_url, standin, folder: Path
) -> dict:
    """One action per owner, each due on Friday 31 January 2020, imported with the CLI."""
    plan = folder / f"plan-{group}.csv"
    rows = [
        f"{prefix}{n}.1,Action {n},{group},{owner},31/01/2020" for n, owner in enumerate(owners)
    ]
    plan.write_text("ref,title,working_group,owner,due\n" + "\n".join(rows) + "\n", "utf-8")
    settings = {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }
    # Forked, not exec'd: this is the tests' set-up, and tests/test_cli.py runs the import itself.
    assert run_sendbot("import", str(plan), cwd=folder, **settings).returncode == 0
    return settings


@pytest.fixture
def env(database_url: str, standin, tmp_path: Path) -> dict[str, str]:
    return import_plan(OWNERS, 1, "", database_url, standin, tmp_path)


def test_remind_dry_run_prints_what_would_be_sent_and_sends_nothing(env, tmp_path, standin):
    done = sendbot("remind", "--at", "2020-01-21T09:30", "--dry-run", cwd=tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert (
        "would send to U0OWNER000: 0.1 due soon — due Friday 31 January 2020 (in 10 days)"
        in done.stdout
    )
    assert "24 reminders in 24 messages would send." in done.stdout
    assert standin.calls_to("chat.postMessage") == []


def test_remind_sends_each_reminder_once(env, tmp_path, standin):
    first = sendbot("remind", "--at", "2020-01-21T09:30", cwd=tmp_path, **env)
    assert "24 reminders in 24 messages sent." in first.stdout
    assert len(standin.delivered("chat.postMessage")) == 24
    again = sendbot("remind", "--at", "2020-01-21T11:00", cwd=tmp_path, **env)
    assert "0 reminders in 0 messages sent." in again.stdout
    assert len(standin.delivered("chat.postMessage")) == 24


def test_remind_outside_working_hours_says_when_the_window_opens(env, tmp_path):
    done = sendbot("remind", "--at", "2020-01-25T10:00", cwd=tmp_path, **env)
    assert "Outside working hours" in done.stdout
    assert "Monday 27 January 2020 at 09:00" in done.stdout


def _start_clock(env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sendbot", "clock", "--at", "2020-01-21T09:30"],
        cwd=cwd,
        env=clean_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_clock_killed_mid_sweep_and_restarted_delivers_everything_once(env, tmp_path, standin):
    standin.slow("chat.postMessage", 0.1)
    clock = _start_clock(env, tmp_path)
    standin.wait_for("chat.postMessage", count=5, timeout=60)
    os.kill(clock.pid, signal.SIGKILL)
    clock.wait(timeout=10)
    at_kill = len(standin.delivered("chat.postMessage"))
    assert at_kill < len(OWNERS), "the kill should land mid-sweep"

    standin.slow("chat.postMessage", 0)
    restarted = _start_clock(env, tmp_path)
    try:
        _wait_until_recorded(env["DATABASE_URL"], len(OWNERS))
        recipients = [c.params["channel"] for c in standin.delivered("chat.postMessage")]
        assert set(recipients) == set(OWNERS)
        duplicates = len(recipients) - len(set(recipients))
        # At most the one message Slack took just before the kill, unrecorded (the crash window).
        assert duplicates <= 1
    finally:
        restarted.send_signal(signal.SIGTERM)
        assert restarted.wait(timeout=10) == 0


def _wait_until_recorded(url: str, count: int) -> None:
    db = Database(url)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            with db.session() as session:
                states = session.scalars(select(Reminder.state)).all()
            if states.count("sent") == count:
                return
            time.sleep(0.05)  # the clock marks each message sent just after Slack answers
        raise AssertionError(f"reminder states: {states}")
    finally:
        db.dispose()


@pytest.fixture
def many_owners(database_url: str, standin, tmp_path: Path) -> dict[str, str]:
    return import_plan(MANY, 2, "M", database_url, standin, tmp_path)


def _fork_clock(env: dict, cwd: Path):
    """The same `sendbot clock` as _start_clock, forked from a process that has already imported
    the bot (tests.support.preloaded): twenty Python start-ups were most of this test's time."""
    return start_sendbot("clock", "--at", "2020-01-21T09:30", cwd=cwd, **env)


@pytest.mark.slow(30)
def test_clock_killed_20_times_at_random_points_delivers_everything(many_owners, tmp_path, standin):
    rng = random.Random(20200206)
    standin.slow("chat.postMessage", 0.03)
    kills = 0
    for _ in range(20):
        delivered = len(standin.delivered("chat.postMessage"))
        if delivered >= 60:
            break
        clock = _fork_clock(many_owners, tmp_path)
        with contextlib.suppress(TimeoutError):
            standin.wait_for(
                "chat.postMessage",
                count=delivered + rng.randint(1, 3),
                timeout=30,
                predicate=lambda c: not c.failed,
            )
        os.kill(clock.pid, signal.SIGKILL)
        clock.join(timeout=10)
        assert clock.exitcode == -signal.SIGKILL
        kills += 1
    standin.slow("chat.postMessage", 0)
    final = _fork_clock(many_owners, tmp_path)
    try:
        _wait_until_recorded(many_owners["DATABASE_URL"], 60)
    finally:
        final.terminate()  # SIGTERM, as the test of one kill stops its clock
        final.join(timeout=10)
    recipients = [c.params["channel"] for c in standin.delivered("chat.postMessage")]
    duplicates = len(recipients) - len(set(recipients))
    print(f"{kills} kills, {len(recipients)} messages, {duplicates} duplicates")
    assert kills >= 10
    assert set(recipients) == set(MANY)
    assert duplicates <= kills  # at most the one message in flight at each kill
