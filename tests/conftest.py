"""Shared fixtures: the Slack stand-in, a database per backend, and the running bot."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from bot.runtime import Runtime, start
from bot.settings import Settings
from handlers.local_server import LocalBot
from slack_standin import SlackStandIn
from slack_standin.signed_requests import SIGNING_SECRET, SlackSender
from tests.support import databases

ADMIN = "U0ADMIN01"
OWNER = "U0OWNER01"
OTHER = "U0OTHER01"
LEAD = "U0LEAD001"
BOT_TOKEN = "xoxb-0000000001-0000000002-standintokenvalue"


@pytest.fixture(scope="session")
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_standin(standin: SlackStandIn) -> None:
    standin.reset()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    return databases.migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return databases.reset_postgres()


@pytest.fixture(params=databases.BACKENDS)
def database_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return databases.fresh_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
    url = request.getfixturevalue("postgres_url")
    databases.empty_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str, standin: SlackStandIn) -> Settings:
    return Settings(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=standin.url,
        database_url=database_url,
        admins=frozenset({ADMIN}),
    )


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    runtime = start(settings)
    yield runtime
    runtime.db.dispose()


@pytest.fixture
def bot(runtime: Runtime) -> Iterator[LocalBot]:
    with LocalBot(runtime) as running:
        yield running


@pytest.fixture
def slack(bot: LocalBot, standin: SlackStandIn) -> SlackSender:
    return SlackSender(bot.url, standin)


@pytest.fixture
def monday_morning() -> Iterator[None]:
    """Monday 20 January 2020, 10:00 in London: a working morning before the first visit."""
    with time_machine.travel(datetime(2020, 1, 20, 10, 0, tzinfo=UTC), tick=True):
        yield
