"""Dates typed in words reach the core the same way from Teams as from Slack, and a wrong one is
refused on a card that hands back what was typed (issue 12)."""

import pytest
from sqlalchemy import select

from storage.models import Risk
from tests.support import plan_state
from tests.test_teams_door import card_text, door, reply_in, sam, sender, teams  # noqa: F401

pytestmark = pytest.mark.usefixtures("plan")  # Monday 20 January 2020


def _asks(teams, sender, person, typed: str) -> str:  # noqa: F811
    activity = teams.activities.message(person, typed)
    assert sender.post(activity).status == 200
    return card_text(reply_in(teams, activity["conversation"]["id"]))


def test_a_review_date_typed_in_words_on_teams(teams, sender, sam, runtime):  # noqa: F811
    said = _asks(
        teams, sender, sam, "risk log Too few educational psychologists L4 I4 review next Friday"
    )
    assert "Logged R1" in said
    with runtime.db.session() as session:
        assert session.scalars(select(Risk.review_date)).one().isoformat() == "2020-01-24"

    before = plan_state.snapshot(runtime)
    teams.reset()
    typed = "risk log Too few educational psychologists L4 I4 review next month"
    activity = teams.activities.message(sam, typed)
    assert sender.post(activity).status == 200
    card = reply_in(teams, activity["conversation"]["id"])
    reason, echo, usage = (block["text"] for block in card["body"])
    assert reason.startswith("review: “next month” is not a date I understand — try 30/04/2020")
    assert echo == typed  # handed back whole
    assert usage.replace("\\", "").startswith("Usage: risk log TEXT L<n> I<n> [owner @user]")
    with runtime.db.session() as session:
        assert len(session.scalars(select(Risk)).all()) == 1
    assert plan_state.snapshot(runtime) == before
