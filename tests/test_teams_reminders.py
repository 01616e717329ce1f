"""Reminders reach people on Teams: the clock's sweep (`sendbot remind`, as the clock runs it)
sends to the personal chat of an owner who uses the bot on Teams, opening it when needed, and a
person who blocked the bot is reported, never retried for ever."""

import pytest

from bot.people import Actor
from bot.typed_text import mention_marker
from handlers.teams.people import PLATFORM
from sendbot.runtime import Runtime
from teams_standin.server import TeamsStandIn
from tests.conftest import ADMIN
from tests.support.cli import sendbot
from tests.support.speak import SlackVoice
from tests.test_teams_door import card_text, door, sender  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("plan")
# Seven days before 6.1 falls due (Tuesday 28 January 2020), in working hours.
WEEK_BEFORE = "2020-01-21T10:00"


@pytest.fixture
def teams():
    with TeamsStandIn() as standin:
        yield standin


@pytest.fixture
def sam(teams, sender, runtime: Runtime):  # noqa: F811
    """Sam uses the bot only on Teams, and owns 6.1."""
    member = teams.add_member("Sam Smith", "sam.smith@council.example")
    activity = teams.activities.message(member, "action mine")
    assert sender.post(activity).status == 200
    teams.wait_for("send")
    person = runtime.people.by_account(PLATFORM, member.aad_object_id, lambda: None)
    assert person is not None
    admin = Actor(SlackVoice(runtime).actor(ADMIN).person, is_admin=True)
    owner = mention_marker(person.id, "Sam Smith")
    runtime.actions.handle(
        admin, f'add 6.1 "Map the local offer" wg 1 owner {owner} due 28/01/2020'
    )
    teams.reset()
    return member


def remind(teams: TeamsStandIn, database_url: str, tmp_path):
    return sendbot(
        "remind",
        "--at",
        WEEK_BEFORE,
        cwd=tmp_path,
        DATABASE_URL=database_url,
        TEAMS_APP_ID=teams.app_id,
        TEAMS_APP_PASSWORD=teams.app_password,
        TEAMS_TENANT_ID=teams.tenant_id,
        TEAMS_OPENID_URL=teams.openid_url,
        TEAMS_AUTHORITY_URL=teams.url,
    )


def test_a_reminder_reaches_the_owners_personal_chat_on_teams(teams, sam, database_url, tmp_path):
    done = remind(teams, database_url, tmp_path)
    assert done.returncode == 0, done.stderr
    (reminder,) = teams.sent_to(teams.personal_conversation(sam))
    assert "6.1" in card_text(reminder["attachments"][0]["content"])
    # The sweep remembers what it sent: running it again sends nothing twice.
    again = remind(teams, database_url, tmp_path)
    assert again.returncode == 0, again.stderr
    assert len(teams.sent_to(teams.personal_conversation(sam))) == 1


def test_someone_who_blocked_the_bot_is_reported_not_retried(teams, sam, database_url, tmp_path):
    teams.block(teams.personal_conversation(sam))
    done = remind(teams, database_url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ConversationBlockedByUser" in done.stdout
    teams.unblock(teams.personal_conversation(sam))
    remind(teams, database_url, tmp_path)
    assert teams.sent_to(teams.personal_conversation(sam)) == []
