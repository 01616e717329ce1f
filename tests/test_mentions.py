"""The Slack door reads Slack's wire text into the core's plain text with people as markers."""

import re
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient

from bot.errors import UserError
from bot.people import People
from bot.typed_text import CLOSE, OPEN, person_in, shown
from handlers.slack.app import web_client
from handlers.slack.people import SlackPeople, as_typed
from storage.database import Database
from storage.migrate import upgrade


@pytest.fixture
def slack_people(tmp_path, standin):
    url = f"sqlite:///{tmp_path / 'people.db'}"
    upgrade(url)
    standin.add_user("U123ABC", "sam.smith", real_name="Sam Smith")
    people = People(Database(url), frozenset())
    return SlackPeople(people, web_client("xoxb-test", standin.url))


def account_of(slack_people, text: str) -> str | None:
    """The Slack account of the first person the decoded text mentions."""
    found = re.search(f"{OPEN}[^{CLOSE}]*{CLOSE}", text)
    person_id = person_in(found[0]) if found else None
    if person_id is None:
        return None
    return slack_people.people.refs([person_id])[person_id].account_on("slack")


@pytest.mark.parametrize(
    ("wire", "account"),
    [
        ("<@U123ABC|sam.smith>", "U123ABC"),
        ("<@U123ABC|>", "U123ABC"),
        ("<@U123ABC>", "U123ABC"),
        ("owner U0123ABCDE", "U0123ABCDE"),
        ("sro @W0123ABCDE", "W0123ABCDE"),
        ("assign 1.1 U0123ABCDE", "U0123ABCDE"),
        ("owner URGENT", None),
        # Where no person is expected, a typed ID is just the text typed.
        ("note 1.1 U0123ABCDE agreed", None),
        ("bob", None),
        ("<#C123ABC|general>", None),
        ("<!here>", None),
    ],
)
def test_a_mention_or_typed_user_id_becomes_a_person(slack_people, wire, account):
    command = "/action" if wire.startswith(("owner", "sro", "assign", "note")) else ""
    text = wire if not wire.startswith(("owner", "sro")) else "add " + wire
    assert account_of(slack_people, slack_people.decode(text, command)) == account


def test_a_person_is_named_from_users_info_the_first_time(slack_people):
    decoded = slack_people.decode("chase <@U123ABC|sam.smith> today")
    assert shown(decoded) == "chase @Sam Smith today"


@pytest.mark.parametrize(
    ("wire", "plain"),
    [
        ("<#C123ABC|send-board> and <!here>", "#send-board and @here"),
        ("<!subteam^S123|@send-team>", "@send-team"),
        ("<https://gov.uk|the guidance>", "the guidance (https://gov.uk)"),
        ("a &lt;b&gt; &amp; c", "a <b> & c"),
    ],
)
def test_slack_markup_becomes_what_the_person_saw(slack_people, wire, plain):
    assert slack_people.decode(wire) == plain
    assert as_typed(wire) == plain


def test_a_marker_cannot_be_forged_by_typing_it(slack_people):
    decoded = slack_people.decode(f"{OPEN}1|Sam{CLOSE}")
    assert person_in(decoded) is None and OPEN not in decoded and CLOSE not in decoded


def test_a_typed_id_slack_does_not_know_stays_as_typed_for_the_core_to_refuse(
    slack_people, standin
):
    standin.fail_next("users.info", status=200, error="user_not_found")
    assert slack_people.decode("assign 1.1 U0NOBODY9", "/action") == "assign 1.1 U0NOBODY9"


@pytest.mark.parametrize(
    ("command", "wire"),
    [
        ("/action", "note 1.1 U0OWNER01 edit 3"),
        ("/action", "note 1.1 Spoke to the owner U0OWNER01 today"),
        ("/action", "done 1.1 Signed off by the sro U0OWNER01"),
        ("/action", 'add 9.9 "Ask the owner U0OTHER01 to sign" wg 1'),
        ("/deadline", "add 1/2/2020 Meet the owner U0OWNER01"),
    ],
)
def test_a_typed_id_in_free_text_or_a_title_is_kept_as_typed(slack_people, standin, command, wire):
    assert slack_people.decode(wire, command) == wire
    assert standin.calls_to("users.info") == []


def test_a_link_label_is_unescaped_once(slack_people):
    wire = "see <https://x.test/a?b=1&amp;c=2|Q&amp;A page> ok"
    assert slack_people.decode(wire) == "see Q&A page (https://x.test/a?b=1&c=2) ok"
    assert as_typed(wire) == "see Q&A page (https://x.test/a?b=1&c=2) ok"


def test_a_person_slack_cannot_name_is_asked_about_at_most_once_a_day(
    slack_people, standin, tmp_path
):
    standin.fail_next("users.info", status=200, error="user_not_found", times=10)
    for _ in range(3):
        slack_people.actor("U0NEWBIE9")
    assert len(standin.calls_to("users.info")) == 1


def test_an_unreachable_slack_costs_the_name_not_the_answer(slack_people):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # a port nobody listens on: the connection is refused
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}/api/"
        people = SlackPeople(slack_people.people, WebClient("xoxb-test", base_url=nowhere))
        actor = people.actor("U0AWAY001")
    assert actor.person.account_on("slack") == "U0AWAY001" and actor.person.name is None


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.sampled_from([*"<>@|!#&;UC0123 abxyz", OPEN, CLOSE]), max_size=40))
def test_every_marker_the_core_gets_is_a_whole_mention_the_door_wrote(slack_people, wire):
    try:
        decoded = slack_people.decode(wire)
    except UserError:
        return
    words = shown(decoded)
    assert OPEN not in words and CLOSE not in words
