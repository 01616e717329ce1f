"""`sendbot import` on Teams (issue 11, item 5): owners named by email are looked up in the board's
team on the Bot Connector, kept as people by their AAD object id with their names, and reachable
by reminders at once; an email the team does not know is reported on its row, as on Slack."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.places import Places
from handlers.teams.connector import BotToken, Connector
from handlers.teams.delivery import TeamsDelivery
from sendbot.runtime import Runtime, reminder_sweep
from storage.database import Database
from storage.models import Action, ChatAccount, Person
from teams_standin.server import TeamsStandIn
from tests.conftest import BOT_TOKEN
from tests.support.cli import sendbot
from tests.test_teams_door import card_text, door, sender, standin_settings  # noqa: F401

HEADER = "ref,title,working_group,owner,due\n"
# Seven days before 1.1 falls due, in working hours (London): the sweep reminds its owner.
WEEK_BEFORE_DUE = datetime(2020, 1, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
def teams():
    with TeamsStandIn() as standin:
        yield standin


@pytest.fixture
def board_team(teams: TeamsStandIn) -> str:
    return teams.add_team("SEND Improvement Board")


@pytest.fixture
def installed(teams, board_team, sender, runtime: Runtime):  # noqa: F811
    """The chair adds the app to the board's team, as Teams tells the bot."""
    chair = teams.add_member("Jane Morgan", "jane.morgan@council.example", teams=(board_team,))
    added = teams.activities.installation_update(chair, team_id=board_team)
    assert sender.post(added).status == 200
    teams.wait_for("send")  # the welcome card: the bot has heard from Teams
    teams.reset()
    return chair


def teams_settings(teams: TeamsStandIn, database_url: str, board_channel: str | None) -> dict:
    found = {
        "DATABASE_URL": database_url,
        "TEAMS_APP_ID": teams.app_id,
        "TEAMS_APP_PASSWORD": teams.app_password,
        "TEAMS_TENANT_ID": teams.tenant_id,
        "TEAMS_OPENID_URL": teams.openid_url,
        "TEAMS_AUTHORITY_URL": teams.url,
    }
    return found | ({"BOARD_CHANNEL": board_channel} if board_channel else {})


def import_file(tmp_path, rows: str, *flags: str, **settings: str):
    plan = tmp_path / "plan.csv"
    plan.write_text(HEADER + rows, encoding="utf-8")
    return sendbot("import", str(plan), *flags, cwd=tmp_path, **settings)


def people(database_url: str) -> dict[str, tuple]:
    """Everyone in the database by email: their name and chat accounts."""
    db = Database(database_url)
    with db.session() as session:
        found = session.scalars(select(Person).options(selectinload(Person.accounts)))
        by_email = {
            p.email: (p.name, sorted((a.platform, a.account_id) for a in p.accounts)) for p in found
        }
    db.dispose()
    return by_email


def count(database_url: str, model) -> int:
    db = Database(database_url)
    with db.session() as session:
        found = session.scalar(select(func.count()).select_from(model))
    db.dispose()
    return found


def test_owners_are_looked_up_in_the_board_team_and_reminded_in_their_personal_chat(
    teams, board_team, installed, runtime, database_url, tmp_path
):
    priya = teams.add_member("Priya Shah", "priya.shah@council.example", teams=(board_team,))
    tom = teams.add_member("Tom Reid", "tom.reid@nhs.example", teams=(board_team,))
    # An export names a Teams owner by object id: importing it again finds the same person.
    rows = (
        "1.1,Joint strategic needs assessment,1,Priya.Shah@council.example,31/01/2020\n"
        f"2.1,Speech and language therapy review,2,{tom.aad_object_id},28/02/2020\n"
    )
    settings = teams_settings(teams, database_url, board_team)

    done = import_file(tmp_path, rows, **settings)

    assert done.returncode == 0, done.stderr
    assert "Created 2 actions: 1.1, 2.1" in done.stdout
    assert people(database_url)["priya.shah@council.example"] == (
        "Priya Shah",
        [("teams", priya.aad_object_id)],
    )
    assert people(database_url)["tom.reid@nhs.example"] == (
        "Tom Reid",
        [("teams", tom.aad_object_id)],
    )
    # Priya has never written to the bot: the import kept what it takes to reach her.
    assert teams.sent_to(teams.personal_conversation(priya)) == []
    with time_machine.travel(WEEK_BEFORE_DUE, tick=False):
        connector = Connector(BotToken(standin_settings(teams)))
        places = Places(runtime.db, runtime.clock)
        delivery = TeamsDelivery(connector, runtime.people, places, runtime.clock.today)
        report = reminder_sweep(runtime).run(delivery)
        delivery.close()
    assert report.failed == report.retry_later == []
    (reminder,) = teams.sent_to(teams.personal_conversation(priya))
    assert "Joint strategic needs assessment" in card_text(reminder)


def test_an_email_the_team_does_not_know_is_kept_as_a_person_without_a_chat_account(
    teams, board_team, installed, database_url, tmp_path
):
    teams.add_member("Priya Shah", "priya.shah@council.example", teams=(board_team,))
    # In the tenant, but not in the board's team: the bot cannot reach her there either.
    teams.add_member("Maria Lopez", "maria.lopez@school.example", personal=False)
    rows = (
        "1.1,Joint strategic needs assessment,1,priya.shah@council.example,31/01/2020\n"
        "6.1,SENCO network,6,maria.lopez@school.example,31/03/2020\n"
    )

    done = import_file(tmp_path, rows, **teams_settings(teams, database_url, board_team))

    assert done.returncode == 0, done.stderr
    assert "Created 2 actions: 1.1, 6.1" in done.stdout
    kept = "Kept 1 person without a chat account: “maria.lopez@school.example”"
    assert kept in done.stdout
    assert count(database_url, Action) == 2
    assert people(database_url)["maria.lopez@school.example"] == (None, [])
    # The whole roster was read once, by pages, for both rows.
    assert len(teams.calls_to("get_paged_members")) == 1


# On SQLite alone: the import stops before it reads or writes the plan, the same on every backend.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("board_channel", "said"),
    [
        (None, "sendbot: BOARD_CHANNEL is needed to look owners up on Teams"),
        ("19:0a1b2c@thread.tacv2", "sendbot: The bot has not been added to the board's team yet."),
    ],
)
def test_before_the_app_is_in_the_board_team_the_import_says_what_to_do(
    teams, database_url, tmp_path, board_channel, said
):
    rows = "1.1,Joint strategic needs assessment,1,priya.shah@council.example,31/01/2020\n"

    done = import_file(tmp_path, rows, **teams_settings(teams, database_url, board_channel))

    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(said) and line.endswith("Nothing was imported.")
    assert count(database_url, Action) == count(database_url, Person) == 0
    assert teams.calls_to("get_paged_members") == []


def test_a_board_on_slack_and_teams_keeps_each_owner_on_the_platform_that_knows_them(
    teams, board_team, installed, standin, database_url, tmp_path
):
    standin.add_user("U0PRIYA01", "priya", email="priya.shah@council.example", real_name="Priya")
    # An address no other test gives the Slack stand-in (it keeps its users for the session):
    # Tom is known on Teams only.
    tom = teams.add_member("Tom Reid", "tom.reid@teams-only.example", teams=(board_team,))
    rows = (
        "1.1,Joint strategic needs assessment,1,priya.shah@council.example,31/01/2020\n"
        "2.1,Speech and language therapy review,2,tom.reid@teams-only.example,28/02/2020\n"
        "3.1,Nobody knows them,3,nobody@nowhere.example,28/02/2020\n"
    )
    settings = teams_settings(teams, database_url, board_team)
    slack = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": standin.url}

    done = import_file(tmp_path, rows, "--skip-invalid", **settings, **slack)

    assert done.returncode == 0, done.stderr
    assert "Created 3 actions: 1.1, 2.1, 3.1" in done.stdout
    found = people(database_url)
    assert found["nobody@nowhere.example"] == (None, [])  # on neither: kept without an account
    assert found["priya.shah@council.example"][1] == [("slack", "U0PRIYA01")]
    assert found["tom.reid@teams-only.example"] == ("Tom Reid", [("teams", tom.aad_object_id)])
    db = Database(database_url)
    with db.session() as session:
        reach = session.scalar(
            select(ChatAccount.reach).where(ChatAccount.account_id == tom.aad_object_id)
        )
    db.dispose()
    assert json.loads(reach)["memberId"] == tom.id
