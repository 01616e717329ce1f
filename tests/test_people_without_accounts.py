"""Owners not on the chat platform (SPEC §2, §7): a tracker names them by name, by role or by an
email the workspace does not know; they are kept as people without an account, shown by name,
and their reminders go to their working group's lead, saying on whose behalf."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from bot.people import People, Profile
from bot.plan_import import import_plan
from bot.reminder_sweep import ReminderSweep
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from handlers.slack.directory import slack_directory
from handlers.teams.cards_reminders import bundle_card
from storage.database import Database
from storage.models import Action, Person
from tests.conftest import ADMIN, BOT_TOKEN, LEAD, OWNER
from tests.support.blockkit import assert_valid_message, flatten
from tests.support.speak import SlackVoice
from tests.test_import_check import (  # noqa: F401 (the operator fixture)
    operator,
    row_counts,
    sendbot,
    with_token,
)
from tests.test_teams_cards import teams_texts, valid_card

TRACKER = (
    "Ref,Action,Working group,Lead officer,SRO,By when\n"
    "1.1,Joint strategic needs assessment,1,Sarah Jones,Head of SEND,31/03/2020\n"
    "1.2,Publish the SEND dashboard,1,head of send,,30/04/2020\n"
    "2.1,Speech and language therapy review,2,pat@nhs.example,"
    "Sarah Jones (Designated Clinical Officer),30/06/2020\n"
    "3.1,Refresh the local offer,3,u0sam001,,30/06/2020\n"
)
KEPT = "“Sarah Jones”, “Head of SEND”"
MISTYPED = (
    "Line 5: owner: “u0sam001” is not a Slack user ID, an email address or a name — use an ID "
    "like U012AB3CD, the person's work email, or their name or role."
)
# The plan fixture's 1.1 (OWNER's) is due 31 January: ten days before, its reminder is due.
TUESDAY = datetime(2020, 1, 21, 9, 30, tzinfo=UTC)


def people_without_accounts(database_url: str) -> list[tuple]:
    db = Database(database_url)
    try:
        with db.session() as session:
            people = session.scalars(select(Person).order_by(Person.id))
            return [(p.name, p.role_title, p.email) for p in people if not p.accounts]
    finally:
        db.dispose()


@pytest.mark.usefixtures("operator")
def test_names_roles_and_unknown_emails_are_kept_as_people_and_typos_refused(
    database_url, tmp_path, monkeypatch, standin, capsys
):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(TRACKER, encoding="utf-8")
    before = row_counts(database_url)

    # A check needs no token and writes nothing, yet says whom it would keep without an account.
    assert sendbot("import", "--check", str(tracker)) == 1
    said = capsys.readouterr().out.splitlines()
    assert "  1 row: owner “Sarah Jones” kept as a person without a chat account" in said
    assert "  1 row: SRO “Head of SEND” kept as a person without a chat account" in said
    assert "  1 row: owner “head of send” kept as a person without a chat account" in said
    assert MISTYPED in said
    assert "Would look up 1 person by email on Slack: pat@nhs.example" in said
    assert f"Would keep 2 people without a chat account: {KEPT}" in said
    assert row_counts(database_url) == before

    # The real import asks Slack, which does not know pat@nhs.example: kept by email.
    with_token(monkeypatch, standin)
    assert sendbot("import", "--skip-invalid", str(tracker)) == 0
    said = capsys.readouterr().out.splitlines()
    assert "Created 3 actions: 1.1, 1.2, 2.1" in said
    assert f"Kept 3 people without a chat account: {KEPT}, “pat@nhs.example”" in said
    assert MISTYPED in said
    # The same words are the same person, whatever the case; a role given later is kept.
    assert people_without_accounts(database_url) == [
        ("Sarah Jones", "Designated Clinical Officer", None),
        ("Head of SEND", "Head of SEND", None),
        (None, None, "pat@nhs.example"),
    ]

    # Exported and imported again, they are the same people and nothing changes.
    exported = tmp_path / "plan.csv"
    assert sendbot("export", str(exported)) == 0
    capsys.readouterr()
    assert sendbot("import", str(exported)) == 0
    assert "Unchanged: 3 actions" in capsys.readouterr().out.splitlines()
    assert len(people_without_accounts(database_url)) == 3

    # Pat joins Slack later: the first time the bot sees them, the account joins the person
    # the plan already has by that email, and 2.1 is still theirs.
    db = Database(database_url)
    try:
        pat = People(db, frozenset()).by_account(
            "slack", "U0PAT0001", lambda: Profile("Pat Lee", "pat@nhs.example")
        )
        with db.session() as session:
            owner = session.scalars(select(Action).where(Action.ref == "2.1")).one().owner
            assert pat is not None and owner.id == pat.id and pat.name == "Pat Lee"
    finally:
        db.dispose()
    assert len(people_without_accounts(database_url)) == 2


def test_their_reminders_go_to_the_group_lead_on_their_behalf_or_else_to_the_admins(
    plan, standin, tmp_path
):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(
        "ref,title,working_group,owner,due\n"
        "5.1,Short breaks review,1,Sarah Jones,31/01/2020\n"  # group 1 has a lead
        "5.2,Parent carer forum survey,2,Head of SEND,31/01/2020\n",  # group 2 has none
        encoding="utf-8",
    )
    directory = slack_directory(web_client(BOT_TOKEN, standin.url))
    assert import_plan(plan.db, tracker, directory).created == ["5.1", "5.2"]
    SlackVoice(plan).deadline(ADMIN, "add visit 6/2/2020")  # its evidence due on Thursday
    sweep = ReminderSweep(plan.db, plan.board, None, plan.clock, admins=plan.people.admin_refs)
    sender = SlackDelivery(web_client(BOT_TOKEN, standin.url), plan.clock.today)

    with time_machine.travel(TUESDAY, tick=False):
        report = sweep.run(sender, now=TUESDAY)

    def dms_to(user: str) -> list[str]:
        posts = standin.delivered("chat.postMessage")
        for post in posts:
            assert_valid_message(post.params)
        return [flatten(p.params) for p in posts if p.params["channel"] == user]

    (to_lead,) = dms_to(LEAD)
    assert "For Sarah Jones (not on Slack), who owns 5.1:" in to_lead
    assert "*5.1* Short breaks review" in to_lead and "Due Friday 31 January 2020" in to_lead
    assert "For Sarah Jones (not on Slack), who owns 5.1. These have had no update" in to_lead
    assert "5.1" not in " ".join(dms_to(OWNER))
    # No lead to take it: the admins are told once whom the bot could not reach.
    (to_admin,) = dms_to(ADMIN)
    assert "Reminders could not be delivered to:" in to_admin and "Head of SEND" in to_admin
    assert [b.recipient.shown for b, _ in report.failed] == ["Head of SEND"]

    # On Teams the lead reads the same words, on a valid card.
    (lead_bundle,) = [b for b in report.sent if b.recipient.account_on("slack") == LEAD]
    card = valid_card(bundle_card(lead_bundle, TUESDAY.date()))
    assert r"For Sarah Jones \(not on Teams\), who owns 5.1:" in teams_texts(card["body"])
    assert card["fallbackText"].startswith("For Sarah Jones: update 5.1 by")
    assert any("who owns 5.1. These have had no update" in t for t in teams_texts(card["body"]))

    with time_machine.travel(TUESDAY, tick=False):
        again = sweep.run(sender, now=TUESDAY)
    assert again.sent == [] and again.admins_told == []
