"""Linking a person without a chat account to their account (issue 13 item 4): "an admin links
them to an account later and nothing is lost". In chat (Slack and Teams) and on the command line;
when the account already has a person of its own, the two become one."""

import pytest
from sqlalchemy import func, select

from bot.person_link import person_columns
from bot.plan_import import import_plan
from handlers.slack.app import web_client
from handlers.slack.directory import slack_directory
from storage.database import Database
from storage.models import Action, Person, Risk, WorkingGroup
from tests.conftest import ADMIN, BOT_TOKEN, OWNER
from tests.support import plan_state
from tests.test_import_check import operator, sendbot, with_token  # noqa: F401
from tests.test_teams_door import card_text, door, reply_in, sam, sender, teams  # noqa: F401

JO = "U0JOBLOG1"
HEADER = "Ref,Action,Working group,Lead officer,SRO,Co-lead,By when\n"
FIRST = HEADER + (
    "5.1,Short breaks review,1,Old Officer,,,31/03/2020\n"
    f"5.2,Parent carer survey,2,{OWNER},Jo Bloggs,,30/04/2020\n"
    f"5.3,Refresh the local offer,3,{OWNER},,Jo Bloggs,30/06/2020\n"
)
# Jo takes 5.1 over: its history names Jo (by id) as the new owner.
SECOND = FIRST.replace("Old Officer", "Jo Bloggs")


def import_text(plan, tmp_path, standin, text: str) -> None:
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(text, encoding="utf-8")
    directory = slack_directory(web_client(BOT_TOKEN, standin.url))
    assert import_plan(plan.db, tracker, directory).written


def people_named(runtime, name: str) -> list[Person]:
    with runtime.db.session() as session:
        found = session.scalars(select(Person).where(Person.name == name).order_by(Person.id))
        return [p for p in found]


def test_linking_keeps_every_owner_sro_co_owner_lead_risk_and_history_entry(
    plan, chat, standin, tmp_path
):
    import_text(plan, tmp_path, standin, FIRST)
    import_text(plan, tmp_path, standin, SECOND)
    chat.ask("log Too few educational psychologists L4 I4 wg 2", ADMIN, "/risk")
    (named,) = people_named(plan, "Jo Bloggs")
    with plan.db.session() as session:  # Jo also leads group 2 and owns the risk
        session.get(WorkingGroup, 2).lead_id = named.id
        session.scalars(select(Risk)).one().owner_id = named.id
    # Jo has used the bot before being linked: their account has a person of its own.
    standin.add_user(JO, "jo", "jo.bloggs@council.example", real_name="Jo Bloggs")
    assert "You have no open actions" in chat.says("mine", JO)
    assert len(people_named(plan, "Jo Bloggs")) == 2

    said = chat.says(f'link "Jo Bloggs" <@{JO}|jo>', ADMIN)
    assert f"Jo Bloggs is now <@{JO}>: the 3 actions naming them, and their history, are kept." in (
        said
    )

    (jo,) = people_named(plan, "Jo Bloggs")
    assert [a.account_id for a in jo.accounts] == [JO] and jo.email == "jo.bloggs@council.example"
    assert plan_state.action(plan, "5.1").owner_id == jo.id
    assert plan_state.action(plan, "5.2").sro_id == jo.id
    assert [p.id for p in plan_state.action(plan, "5.3").co_owners] == [jo.id]
    with plan.db.session() as session:
        assert session.get(WorkingGroup, 2).lead_id == jo.id
        assert session.scalars(select(Risk.owner_id)).one() == jo.id
        # Nothing anywhere points at the person who is gone.
        for column in person_columns():
            count = session.scalar(select(func.count()).where(column == named.id))
            assert count == 0, column
    history = plan_state.history(plan, "5.1")
    assert [r.new_value for r in history if r.field == "owner_id"] == [str(jo.id)]
    shown = chat.says("show 5.1", JO)
    assert f"Owner *Old Officer* → <@{JO}>: Imported from tracker.csv" in shown
    assert f"<@{ADMIN}>: Jo Bloggs was linked to a chat account" in shown
    mine = chat.says("mine", JO)
    assert "*5.1*" in mine and "*5.3*" in mine
    assert "Updated" not in chat.says("update 5.3 green On track", JO)

    # Importing the tracker again: Jo Bloggs is the linked person, nothing changes.
    tracker = tmp_path / "again.csv"
    tracker.write_text(SECOND, encoding="utf-8")
    directory = slack_directory(web_client(BOT_TOKEN, standin.url))
    report = import_plan(plan.db, tracker, directory)
    assert report.created == [] and len(people_named(plan, "Jo Bloggs")) <= 2


def test_a_name_that_matches_two_people_or_none_is_refused_with_the_reason(
    plan, chat, standin, tmp_path
):
    import_text(
        plan,
        tmp_path,
        standin,
        HEADER
        + "6.1,Short breaks review,1,Head of SEND,,,31/03/2020\n"
        + "6.2,Parent carer survey,2,Sarah Jones (Head of SEND),,,30/04/2020\n",
    )
    before = plan_state.snapshot(plan)
    said = chat.says(f'link "Head of SEND" <@{OWNER}|o>', ADMIN)
    assert (
        "“Head of SEND” names 2 people without a chat account (Head of SEND; Sarah Jones "
        "(Head of SEND)): name the one you mean by their email. Nothing was changed."
    ) in said
    assert '/action link "NAME" @user — or /action link EMAIL @user' in said
    said = chat.says(f"link Nobody Here <@{OWNER}|o>", ADMIN)
    assert "The plan names nobody “Nobody Here” without a chat account" in said
    said = chat.says(f'link "Sarah Jones" <@{OWNER}|o>', OWNER)
    assert "can link people to chat accounts. Nothing was changed." in said
    assert plan_state.snapshot(plan) == before
    assert len(people_named(plan, "Sarah Jones")) == 1


@pytest.mark.usefixtures("operator")
def test_the_command_line_links_a_new_account_or_merges_a_known_one(
    database_url, tmp_path, monkeypatch, standin, capsys
):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(
        HEADER
        + "1.1,Joint strategic needs assessment,1,Sam Patel,,,31/03/2020\n"
        + "2.1,Speech and language therapy,2,U0PRIYA01,,Kim Lee,30/04/2020\n",
        encoding="utf-8",
    )
    with_token(monkeypatch, standin)
    assert sendbot("import", str(tracker)) == 0
    standin.add_user("U0SAMP001", "sam", "sam.patel@nhs.example", real_name="Sam Patel")
    capsys.readouterr()

    assert sendbot("people", "link", "Sam Patel", "U0SAMP001") == 0
    assert "Sam Patel is now linked to the Slack account U0SAMP001." in capsys.readouterr().out
    # Kim's account is the owner of 2.1 already: one person, never their own co-owner.
    assert sendbot("people", "link", "Kim Lee", "U0PRIYA01") == 0
    assert "the 1 action naming them, and their history, are kept" in capsys.readouterr().out
    assert sendbot("people", "link", "Kim Lee", "not-an-id") == 1
    assert "“not-an-id” is not a Slack user ID" in capsys.readouterr().err

    db = Database(database_url)
    try:
        with db.session() as session:
            sam_patel = session.scalars(select(Person).where(Person.name == "Sam Patel")).one()
            assert [a.account_id for a in sam_patel.accounts] == ["U0SAMP001"]
            assert sam_patel.email == "sam.patel@nhs.example"
            action = session.scalars(select(Action).where(Action.ref == "2.1")).one()
            assert action.co_owners == [] and action.owner.accounts[0].account_id == "U0PRIYA01"
            assert action.owner.role_title is None  # Kim had none to keep
            # Nobody is left without an account: Sam was linked, Kim merged.
            assert [p for p in session.scalars(select(Person)) if not p.accounts] == []
    finally:
        db.dispose()


@pytest.mark.usefixtures("plan")
def test_an_admin_links_a_person_on_teams(
    teams,  # noqa: F811
    sender,  # noqa: F811
    sam,  # noqa: F811
    runtime,
    standin,
    tmp_path,
    monkeypatch,
):
    import_text(runtime, tmp_path, standin, FIRST)
    monkeypatch.setattr(runtime.people, "admins", runtime.people.admins | {sam.email})
    typed = 'action link "Jo Bloggs" <at>Sam Smith</at>'
    activity = teams.activities.message(sam, typed, mentions=[sam])
    assert sender.post(activity).status == 200
    said = card_text(reply_in(teams, activity["conversation"]["id"])).replace("\\\\", "")
    assert "Jo Bloggs is now Sam Smith: the 2 actions naming them" in said
    assert plan_state.action(runtime, "5.2").sro.email == sam.email


@pytest.mark.parametrize("typed", ["pat@nhs.example", "<mailto:pat@nhs.example|pat@nhs.example>"])
def test_a_person_kept_by_email_is_linked_by_their_email(plan, chat, standin, tmp_path, typed):
    import_text(
        plan, tmp_path, standin, HEADER + "7.1,Therapy review,2,pat@nhs.example,,,30/04/2020\n"
    )
    said = chat.says(f"link {typed} <@{OWNER}|o>", ADMIN)
    assert f"pat@nhs.example is now <@{OWNER}>: the 1 action naming them" in said
    assert plan_state.slack_id(plan, plan_state.action(plan, "7.1").owner_id) == OWNER
    assert "*7.1*" in chat.says("mine", OWNER)
