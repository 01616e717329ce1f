"""Shared fixtures: the Slack stand-in, a database per backend, and the running bot."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from sendbot.local_server import LocalBot
from sendbot.runtime import Runtime, start
from sendbot.settings import Settings
from slack_standin import SlackStandIn
from slack_standin.signed_requests import SIGNING_SECRET, SlackSender
from tests.support import databases, plan_state
from tests.support.blockkit import assert_valid_message, assert_valid_view
from tests.support.chat import Chat
from tests.support.speak import SlackVoice

ADMIN = "U0ADMIN01"
OWNER = "U0OWNER01"
OTHER = "U0OTHER01"
LEAD = "U0LEAD001"
BOT_TOKEN = "xoxb-standin-not-a-real-token"


def pytest_addoption(parser, pluginmanager) -> None:
    """With `-p no:xdist` (for a debugger) pyproject's addopts still parse, and the tests run in
    one process. (`-n0` does the same with xdist loaded.)"""
    if not pluginmanager.has_plugin("xdist"):
        parser.addoption("--numprocesses", help="ignored: xdist is off")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow(seconds): takes about this long on one backend; the longest tests run first",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked slow first, longest first; the rest in pytest's order (the sort is
    stable). Under xdist a long test handed out last keeps one worker busy after the other has
    finished everything: started first, it runs while the other worker takes the short ones.
    Every worker sorts the same way, as xdist requires."""
    items.sort(key=_expected_seconds, reverse=True)


def _expected_seconds(item: pytest.Item) -> float:
    mark = item.get_closest_marker("slow")
    return mark.args[0] if mark else 0


@pytest.fixture(scope="session")
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_standin(standin: SlackStandIn, request) -> Iterator[None]:
    """Each test starts with a silent Slack, and everything the bot sent must fit Block Kit."""
    standin.reset()
    yield
    if "bot" not in request.fixturenames:
        return
    for call in list(standin.calls):
        if call.failed:
            continue
        if call.method in ("chat.postMessage", "chat.postEphemeral", "response_url"):
            assert_valid_message(call.params)
        elif call.method.startswith("views."):
            assert_valid_view(call.params["view"])


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


BOARD_TOML = f"""
[board]
admins = []

[[working_groups]]
number = 1
name = "Understanding of Need"
lead = "{LEAD}"
channel = "C0WG1CHAN"

[[working_groups]]
number = 2
name = "Commissioning"

[[working_groups]]
number = 3
name = "Engagement and Co-production"

[[working_groups]]
number = 4
name = "Preparation for Adulthood"

[[working_groups]]
number = 5
name = "Emotional Health and Wellbeing"

[[working_groups]]
number = 6
name = "SEN Support"
"""


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    path = tmp_path / "board.toml"
    path.write_text(BOARD_TOML, encoding="utf-8")
    return path


@pytest.fixture
def settings(database_url: str, standin: SlackStandIn, board_file: Path) -> Settings:
    return Settings(
        board_config=board_file,
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
def chat(slack: SlackSender, standin: SlackStandIn) -> Chat:
    return Chat(slack, standin)


@pytest.fixture
def plan(runtime: Runtime, monday_morning) -> Runtime:
    """A small plan, as the board's admin would type it (dates relative to 20 January 2020)."""
    for line in (
        f'1.1 "Joint strategic needs assessment for SEND" wg 1 owner {OWNER} due 31/01/2020 area 1',
        f'1.2 "Publish the SEND data dashboard" wg 1 owner {OWNER} due 06/02/2020',
        f'2.1 "Commission speech and language therapy" wg 2 owner {OTHER} due 31/03/2020 area 2',
        f'3.1 "Launch the family-friendly WSoA" wg 3 owner {OWNER} due 20/01/2020 area 3',
        f'4.1 "Transition protocol for care leavers" wg 4 owner {OTHER} due 28/02/2020',
    ):
        SlackVoice(runtime).action(ADMIN, "add " + line)
    plan_state.backdate_due(runtime, "3.1", date(2020, 1, 10))  # a past date can't be typed
    return runtime


@pytest.fixture
def monday_morning() -> Iterator[None]:
    """Monday 20 January 2020, 10:00 in London: a working morning before the first visit."""
    with time_machine.travel(datetime(2020, 1, 20, 10, 0, tzinfo=UTC), tick=True):
        yield
