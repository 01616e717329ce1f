"""Reminders reach people on Teams: the clock's sweep (`sendbot remind`, as the clock runs it)
sends to the personal chat of an owner who uses the bot on Teams, opening it when needed, and a
person who blocked the bot is reported, never retried for ever."""

import pytest

from bot.people import Actor, Profile
from bot.typed_text import mention_marker
from handlers.teams.people import PLATFORM
from sendbot.runtime import Runtime
from teams_standin.server import TeamsStandIn
from tests.conftest import ADMIN
from tests.support.cli import sendbot
from tests.support.speak import SlackVoice
from tests.test_teams_cards import valid_card
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


def remind(teams: TeamsStandIn, database_url: str, tmp_path, at: str = WEEK_BEFORE, **more):
    return sendbot(
        "remind",
        "--at",
        at,
        cwd=tmp_path,
        DATABASE_URL=database_url,
        TEAMS_APP_ID=teams.app_id,
        TEAMS_APP_PASSWORD=teams.app_password,
        TEAMS_TENANT_ID=teams.tenant_id,
        TEAMS_OPENID_URL=teams.openid_url,
        TEAMS_AUTHORITY_URL=teams.url,
        **more,
    )


def test_a_reminder_reaches_the_owners_personal_chat_on_teams(teams, sam, database_url, tmp_path):
    done = remind(teams, database_url, tmp_path)
    assert done.returncode == 0, done.stderr
    (reminder,) = teams.sent_to(teams.personal_conversation(sam))
    said = card_text(valid_card(reminder["attachments"][0]["content"]))
    assert "6.1" in said and "Update it, mark it complete, or snooze reminders." in said
    # The notification names the action, its date and what to do.
    assert reminder["summary"] == "Update 6.1 by Tuesday 28 January"
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


@pytest.fixture
def chair(teams, sender):  # noqa: F811
    """The board's chair, an admin, uses the bot on Teams."""
    member = teams.add_member("Chris Chair", "chair@council.example")
    assert sender.post(teams.activities.message(member, "home")).status == 200
    teams.wait_for("send")
    return member


@pytest.fixture
def nia(teams, runtime: Runtime):
    """Nia owns 6.2 and is known on Teams (say, by an import), but has never installed the
    app: Teams gives the bot no way to write to her first."""
    member = teams.add_member("Nia New", "nia.new@nhs.example", personal=False)
    person = runtime.people.by_account(
        PLATFORM, member.aad_object_id, lambda: Profile("Nia New", "nia.new@nhs.example")
    )
    admin = Actor(SlackVoice(runtime).actor(ADMIN).person, is_admin=True)
    owner = mention_marker(person.id, "Nia New")
    runtime.actions.handle(admin, f'add 6.2 "Train SENCos" wg 1 owner {owner} due 28/01/2020')
    return member


def test_someone_the_bot_cannot_reach_is_listed_and_the_admins_are_told_once(
    teams, chair, nia, database_url, tmp_path
):
    admins = {"BOT_ADMINS": "chair@council.example"}
    teams.reset()
    done = remind(teams, database_url, tmp_path, **admins)
    assert done.returncode == 0, done.stderr
    assert "NOT delivered to Nia New (the bot has no way to reach them in Teams" in done.stdout
    assert "told Chris Chair who was not reached: " in done.stdout
    (notice,) = teams.sent_to(teams.personal_conversation(chair))
    told = card_text(valid_card(notice["attachments"][0]["content"]))
    assert "Nia New: the bot has no way to reach them in Teams yet" in told
    # The next reminder for 6.2 (a working day before it is due) fails the same way: the admins
    # already know, so they are not told again.
    later = remind(teams, database_url, tmp_path, at="2020-01-27T10:00", **admins)
    assert "NOT delivered to Nia New" in later.stdout
    assert "told Chris Chair" not in later.stdout
    assert len(teams.sent_to(teams.personal_conversation(chair))) == 1
    assert teams.calls_to("create_conversation") == []  # and Nia was never written to blindly
