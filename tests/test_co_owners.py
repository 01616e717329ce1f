"""Co-owners (issue 13 item 4): an action may have two leads from different organisations; both
are reminded and both may update. Added and removed by an admin in chat (Slack and Teams),
imported from a "Co-lead" column or a lead's cell naming two people, exported and imported back
with nothing changed."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from bot.plan_import import import_plan
from bot.reminder_sweep import ReminderSweep
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from handlers.slack.directory import slack_directory
from storage.database import Database
from storage.models import Action
from tests.conftest import ADMIN, BOT_TOKEN, LEAD, OTHER, OWNER
from tests.support import plan_state
from tests.support.blockkit import assert_valid_message, flatten
from tests.test_import_check import (  # noqa: F401 (the operator fixture)
    operator,
    sendbot,
    with_token,
)
from tests.test_teams_door import card_text, door, reply_in, sam, sender, teams  # noqa: F401

# 1.1 (OWNER's, group 1 led by LEAD) is due Friday 31 January: ten days before, it is reminded.
TUESDAY = datetime(2020, 1, 21, 9, 30, tzinfo=UTC)


def co_owner_names(database_url: str, ref: str) -> list[str | None]:
    db = Database(database_url)
    try:
        with db.session() as session:
            action = session.scalars(select(Action).where(Action.ref == ref)).one()
            return [p.name or p.email for p in action.co_owners]
    finally:
        db.dispose()


@pytest.mark.usefixtures("plan")
def test_an_admin_adds_a_co_owner_who_is_told_and_may_update_as_the_owner(chat, plan, standin):
    # Before: OTHER may not touch OWNER's action.
    assert "Only the owner of 1.1" in chat.says("update 1.1 amber", OTHER)

    said = chat.says(f"co-owner 1.1 <@{OTHER}|sam>", ADMIN)
    assert f"<@{OTHER}> is now a co-owner of 1.1: reminded and able to update it." in said
    dm = standin.wait_for("chat.postMessage")[-1]
    assert dm.params["channel"] == OTHER
    assert_valid_message(dm.params)
    assert "You are now a co-owner of an action, given to you by" in flatten(dm.params)

    # Theirs as much as the owner's: in their list, in a list by owner, on the card.
    assert "*1.1*" in chat.says("mine", OTHER)
    assert "*1.1*" in chat.says(f"list owner <@{OTHER}|sam>", ADMIN)
    shown = chat.says("show 1.1", OWNER)
    assert f"*Owners:* <@{OWNER}>, <@{OTHER}>" in shown
    assert f"Co-owner added: <@{OTHER}>" in shown

    # Status, note, done: as the owner may.
    assert "1.1 is now Amber" in chat.says("update 1.1 amber Waiting for the ICB data", OTHER)
    assert "Your note on 1.1 is saved" in chat.says("note 1.1 Data sharing agreed", OTHER)
    assert "1.1 is complete" in chat.says("done 1.1 Published on the Local Offer", OTHER)
    assert plan_state.action(plan, "1.1").status == "blue"

    # Removed again: no longer theirs.
    said = chat.says(f"co-owner 1.2 remove <@{OTHER}|sam>", ADMIN)
    assert f"<@{OTHER}> is not a co-owner of 1.2. It has no co-owners." in said
    said = chat.says(f"co-owner 1.1 remove <@{OTHER}|sam>", ADMIN)
    assert f"<@{OTHER}> is no longer a co-owner of 1.1." in said
    assert "*1.1*" not in chat.says(f"list all owner <@{OTHER}|sam>", ADMIN)
    assert "Only the owner of 1.1" in chat.says("note 1.1 One more thing", OTHER)


@pytest.mark.usefixtures("plan")
@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("co-owner 1.1", "Who should I add as a co-owner of 1.1? Mention one person"),
        ("co-owner 1.1 remove", "Who should I remove as a co-owner of 1.1?"),
        ("co-owner 1.1 bob", "“bob” is not someone I can find"),
        ("co-owner 9.9 <@U0OTHER01|sam>", "There is no action 9.9."),
    ],
)
def test_bad_co_owner_commands_get_a_reason_and_the_usage_and_change_nothing(
    chat, plan, typed, reason
):
    before = plan_state.snapshot(plan)
    said = chat.says(typed, ADMIN)
    assert reason in said
    assert "/action co-owner REF @user — or /action co-owner REF remove @user" in said
    assert plan_state.snapshot(plan) == before


@pytest.mark.usefixtures("plan")
def test_only_an_admin_adds_co_owners_and_the_owner_is_not_their_own(chat, plan):
    before = plan_state.snapshot(plan)
    said = chat.says(f"co-owner 1.1 <@{OTHER}|sam>", OWNER)
    assert "can change who owns an action. Nothing was changed." in said
    said = chat.says(f"co-owner 1.1 <@{OWNER}|o>", ADMIN)
    assert f"<@{OWNER}> already owns 1.1. Nothing was changed." in said
    assert plan_state.snapshot(plan) == before
    assert "/action co-owner 1.1 @Sam" in chat.says("help", OWNER)


def test_both_owners_are_reminded_and_one_with_no_account_through_the_lead(
    plan, chat, standin, tmp_path
):
    chat.ask(f"co-owner 1.1 <@{OTHER}|sam>", ADMIN)
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(
        "Ref,Action,Working group,Lead officer,Co-lead,By when\n"
        f"5.1,Short breaks review,1,{OWNER},Sarah Jones (ICB),31/01/2020\n",
        encoding="utf-8",
    )
    directory = slack_directory(web_client(BOT_TOKEN, standin.url))
    assert import_plan(plan.db, tracker, directory).created == ["5.1"]
    sweep = ReminderSweep(plan.db, plan.board, None, plan.clock, admins=plan.people.admin_refs)
    slack_sender = SlackDelivery(web_client(BOT_TOKEN, standin.url), plan.clock.today)
    earlier = len(standin.delivered("chat.postMessage"))  # the co-owner's "you are now" DM

    with time_machine.travel(TUESDAY, tick=False):
        sweep.run(slack_sender, now=TUESDAY)

    def dms_to(user: str) -> str:
        posts = standin.delivered("chat.postMessage")[earlier:]
        posts = [p for p in posts if p.params["channel"] == user]
        for post in posts:
            assert_valid_message(post.params)
        return " ".join(flatten(p.params) for p in posts)

    to_owner, to_other, to_lead = dms_to(OWNER), dms_to(OTHER), dms_to(LEAD)
    assert "*1.1*" in to_owner and "*5.1*" in to_owner
    assert "*1.1*" in to_other and "Due Friday 31 January 2020" in to_other
    assert "5.1" not in to_other
    assert "For Sarah Jones (ICB) (not on Slack), who owns 5.1:" in to_lead
    assert "1.1" not in to_lead

    # Bundled per person, and each sent once.
    with time_machine.travel(TUESDAY, tick=False):
        assert sweep.run(slack_sender, now=TUESDAY).sent == []


TRACKER = (
    "Ref,Action,Working group,Lead officer,Joint lead,By when\n"
    "1.1,Joint strategic needs assessment,1,Jo Bloggs (LA) / Sam Patel (ICB),,31/03/2020\n"
    "1.2,Publish the SEND dashboard,1,Jo Bloggs; Sam Patel; Kim Lee,,30/04/2020\n"
    "2.1,Speech and language therapy review,2,Head of SEN and Inclusion,"
    "pat@nhs.example; Designated Clinical Officer,30/06/2020\n"
    f"3.1,Refresh the local offer,3,{OWNER},Jo Bloggs & Sam Patel,30/06/2020\n"
)


@pytest.mark.usefixtures("operator")
def test_co_owners_are_imported_checked_exported_and_imported_back_unchanged(
    database_url, tmp_path, monkeypatch, standin, capsys
):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(TRACKER, encoding="utf-8")

    assert sendbot("import", "--check", str(tracker)) == 0
    said = capsys.readouterr().out.splitlines()
    assert (
        "  1 row: owner “Jo Bloggs (LA) / Sam Patel (ICB)” names 2 people: “Jo Bloggs (LA)” "
        "taken as the owner and “Sam Patel (ICB)” as a co-owner"
    ) in said
    assert any(
        "names 3 people: “Jo Bloggs” taken as the owner and “Sam Patel”, " in s for s in said
    )
    # "and" and "&" are inside one role or name, never a split.
    assert not any("“Head of SEN and Inclusion” names" in s for s in said)
    assert (
        "  1 row: co-owner “Jo Bloggs & Sam Patel” kept as a person without a chat account" in said
    )

    with_token(monkeypatch, standin)
    assert sendbot("import", str(tracker)) == 0
    assert "Created 4 actions: 1.1, 1.2, 2.1, 3.1" in capsys.readouterr().out
    assert co_owner_names(database_url, "1.1") == ["Sam Patel (ICB)"]
    assert co_owner_names(database_url, "1.2") == ["Sam Patel", "Kim Lee"]
    assert co_owner_names(database_url, "2.1") == ["pat@nhs.example", "Designated Clinical Officer"]
    assert co_owner_names(database_url, "3.1") == ["Jo Bloggs & Sam Patel"]

    for name in ("plan.csv", "plan.xlsx"):
        exported = tmp_path / name
        assert sendbot("export", str(exported)) == 0
        capsys.readouterr()
        assert sendbot("import", str(exported)) == 0
        assert "Unchanged: 4 actions" in capsys.readouterr().out.splitlines()
    header = (tmp_path / "plan.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "Co-owner" in header.split(",")
    assert co_owner_names(database_url, "1.2") == ["Sam Patel", "Kim Lee"]

    # An empty co-owner cell clears them, and the history says who went.
    tracker.write_text(
        TRACKER.replace("Jo Bloggs; Sam Patel; Kim Lee", "Jo Bloggs"), encoding="utf-8"
    )
    assert sendbot("import", str(tracker)) == 0
    assert "Updated 1 action: 1.2" in capsys.readouterr().out
    assert co_owner_names(database_url, "1.2") == []


@pytest.mark.usefixtures("plan")
def test_an_admin_adds_a_co_owner_on_teams(teams, sender, sam, runtime, monkeypatch):  # noqa: F811
    monkeypatch.setattr(runtime.people, "admins", runtime.people.admins | {sam.email})
    activity = teams.activities.message(
        sam, "action co-owner 2.1 <at>Sam Smith</at>", mentions=[sam]
    )
    assert sender.post(activity).status == 200
    said = card_text(reply_in(teams, activity["conversation"]["id"])).replace("\\", "")
    assert "Sam Smith is now a co-owner of 2.1: reminded and able to update it." in said
    teams.reset()
    activity = teams.activities.message(sam, "action show 2.1")
    assert sender.post(activity).status == 200
    assert "Owners" in card_text(reply_in(teams, activity["conversation"]["id"]))
    assert [p.email for p in plan_state.action(runtime, "2.1").co_owners] == [sam.email]
