"""People on Teams: one person across Slack and Teams when the email matches, and @mentions of
colleagues in typed text as people the core understands."""

import pytest

from sendbot.runtime import Runtime
from teams_standin.server import TeamsStandIn
from tests.support.speak import SlackVoice
from tests.test_teams_door import card_text, door, reply_in, sender  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("plan")
SAM_SLACK = "U0SAM0001"
SAM_EMAIL = "sam.smith@council.example"


@pytest.fixture
def teams():
    """A tenant of its own for each test: the board's team, with Sam and Lee in it."""
    with TeamsStandIn() as standin:
        yield standin


@pytest.fixture
def board_team(teams) -> str:
    return teams.add_team("SEND Improvement Board")


@pytest.fixture
def sam_on_both(standin, teams, board_team, runtime: Runtime):
    """Sam owns 5.1, added on Slack; Sam also works in Teams, with the same work email."""
    standin.add_user(SAM_SLACK, "sam", SAM_EMAIL, real_name="Sam Smith")
    SlackVoice(runtime).action(
        "U0ADMIN01", f'add 5.1 "Publish the local offer" wg 1 owner <@{SAM_SLACK}> due 31/03/2020'
    )
    return teams.add_member("Sam Smith", SAM_EMAIL, teams=(board_team,))


@pytest.fixture
def lee(teams, board_team):
    return teams.add_member("Lee Lead", "lee.lead@council.example", teams=(board_team,))


def test_the_same_email_on_teams_is_the_same_person(teams, sender, sam_on_both):  # noqa: F811
    activity = teams.activities.message(sam_on_both, "action mine")
    assert sender.post(activity).status == 200
    text = card_text(reply_in(teams, activity["conversation"]["id"]))
    assert "5.1" in text and "Publish the local offer" in text


def test_a_colleague_mentioned_in_a_channel_command_is_a_person_to_the_core(
    teams,
    sender,  # noqa: F811
    sam_on_both,
    lee,
    board_team,
):
    activity = teams.activities.channel_message(
        lee, board_team, "action list owner <at>Sam Smith</at>", mentions=[sam_on_both]
    )
    assert sender.post(activity).status == 200
    # Asked in a channel, answered in Lee's personal chat.
    text = card_text(reply_in(teams, teams.personal_conversation(lee)))
    assert "5.1" in text
    assert "1.1" not in text  # another owner's action: the filter found Sam


def test_a_name_typed_without_a_mention_is_not_guessed(teams, sender, sam_on_both, lee):  # noqa: F811
    activity = teams.activities.message(lee, "action list owner Sam Smith")
    sender.post(activity)
    text = card_text(reply_in(teams, activity["conversation"]["id"]))
    assert "5.1" not in text


def test_the_app_says_hello_with_your_actions_when_it_is_added(teams, sender, sam_on_both):  # noqa: F811
    activity = teams.activities.installation_update(sam_on_both, action="add")
    assert sender.post(activity).status == 200
    text = card_text(reply_in(teams, activity["conversation"]["id"]))
    assert "Hello Sam Smith" in text and "5.1" in text


def test_home_shows_your_actions_again(teams, sender, sam_on_both):  # noqa: F811
    activity = teams.activities.message(sam_on_both, "home")
    assert sender.post(activity).status == 200
    text = card_text(reply_in(teams, activity["conversation"]["id"]))
    assert "5.1" in text and "home shows this again" in text
