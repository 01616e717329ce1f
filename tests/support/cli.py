"""Run `sendbot` as a newcomer would: a separate process, settings from the environment."""

import os
import signal
import subprocess
import sys
from pathlib import Path

SETTINGS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "HOST",
    "BOARD_CONFIG",
    "BOT_ADMINS",
    "BOARD_CHANNEL",
    "BOT_TIMEZONE",
    "TEAMS_APP_ID",
    "TEAMS_APP_PASSWORD",
    "TEAMS_TENANT_ID",
    "TEAMS_OPENID_URL",
    "TEAMS_AUTHORITY_URL",
)


def operator_settings(database_url: str, standin, people: dict | None = None) -> dict[str, str]:
    """The settings an operator gives `sendbot` to work on the plan against the Slack stand-in;
    `people` (account → (name, email)) are added to the stand-in's workspace first."""
    from tests.conftest import BOT_TOKEN  # here: conftest imports the support modules

    for account, (name, email) in (people or {}).items():
        standin.add_user(account, name, email=email)
    return {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }


def clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(settings)
    return env


def sendbot(*args: str, cwd: Path, timeout: float = 60, **settings: str):
    """`python -m sendbot ARGS` in `cwd`; returns the CompletedProcess (text output)."""
    return subprocess.run(
        [sys.executable, "-m", "sendbot", *args],
        cwd=cwd,
        env=clean_env(**settings),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def sendbot_in_process(*args: str) -> int:
    """`sendbot ARGS` through the entry point `python -m sendbot` calls, in this process, with the
    settings in the environment; returns its exit status."""
    from sendbot.cli import main

    ctrl_c = signal.getsignal(signal.SIGINT)
    try:
        return main(list(args))
    finally:
        signal.signal(signal.SIGINT, ctrl_c)  # main keeps its own; the test runner wants its own
