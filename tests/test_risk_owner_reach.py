"""A risk owner with no chat account (issue 13 item 4): the review reminder goes to the risk's
working group lead on their behalf, or, for a risk with no group, to the board channel."""

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from bot.plan_import import import_plan
from bot.reminder_sweep import ReminderSweep
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from handlers.slack.directory import slack_directory
from handlers.teams.cards_reminders import bundle_card
from storage.models import Person, Risk
from tests.conftest import ADMIN, BOT_TOKEN, LEAD
from tests.support.blockkit import assert_valid_message, flatten
from tests.test_teams_cards import teams_texts, valid_card

BOARD = "C0BOARD01"
TUESDAY = datetime(2020, 1, 21, 9, 30, tzinfo=UTC)  # both risks are due for review today


def test_a_review_for_a_risk_owner_with_no_account_goes_to_the_lead_or_the_board(
    plan, chat, standin, tmp_path
):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(
        "ref,title,working_group,owner,due\n5.1,Short breaks review,1,Sarah Jones,31/03/2020\n",
        encoding="utf-8",
    )
    assert import_plan(plan.db, tracker, slack_directory(web_client(BOT_TOKEN, standin.url)))
    chat.ask("log Too few educational psychologists L4 I4 wg 1 review 21/01/2020", ADMIN, "/risk")
    chat.ask("log The local offer is out of date L3 I3 review 21/01/2020", ADMIN, "/risk")
    with plan.db.session() as session:  # as a risk register names its owners
        sarah = session.scalars(select(Person).where(Person.name == "Sarah Jones")).one()
        for risk in session.scalars(select(Risk)):
            risk.owner_id = sarah.id
    sweep = ReminderSweep(plan.db, plan.board, BOARD, plan.clock, admins=plan.people.admin_refs)
    sender = SlackDelivery(web_client(BOT_TOKEN, standin.url), plan.clock.today)

    with time_machine.travel(TUESDAY, tick=False):
        report = sweep.run(sender, now=TUESDAY)

    def posts_to(place: str) -> str:
        posts = [p for p in standin.delivered("chat.postMessage") if p.params["channel"] == place]
        for post in posts:
            assert_valid_message(post.params)
        return " ".join(flatten(p.params) for p in posts)

    to_lead, to_board = posts_to(LEAD), posts_to(BOARD)
    assert "For Sarah Jones (not on Slack), who owns R1:" in to_lead
    assert "Risk *R1* (score 16) is due for review" in to_lead and "R2" not in to_lead
    assert "For Sarah Jones (not on Slack), who owns R2:" in to_board
    assert "Risk *R2* (score 9) is due for review" in to_board
    assert report.failed == [] and report.admins_told == []

    # On Teams the lead reads the same words, on a valid card.
    (lead_bundle,) = [
        b
        for b in report.sent
        if getattr(b.recipient, "id", None) and b.recipient.account_on("slack") == LEAD
    ]
    card = valid_card(bundle_card(lead_bundle, TUESDAY.date()))
    assert any(
        r"For Sarah Jones \(not on Teams\), who owns R1:" in t for t in teams_texts(card["body"])
    )
