"""Visits on both doors (issue 12): owners' reminders count from the same readiness window as
`/summary visit` and stop once the evidence is recorded as sent; after a visit passes, the admins
are asked for the next one's date; the Teams door shows the same readiness."""

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.board_config import parse_board
from bot.errors import ConfigError
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from handlers.teams.cards import render as teams_render
from sendbot.runtime import reminder_sweep
from tests.conftest import ADMIN, BOARD_TOML, BOT_TOKEN, OTHER, OWNER
from tests.support.blockkit import assert_valid_message, flatten
from tests.support.speak import SlackVoice
from tests.test_teams_cards import teams_reading, valid_card
from tests.test_teams_door import _asks, door, sam, sender, teams  # noqa: F401 (fixtures)

# This board says when its plan began, before the actions were typed in on 20 January.
PLAN_START = "\n[board]\nplan_start = 2019-12-02\n"
MONDAY = datetime(2020, 1, 20, 11, tzinfo=UTC)  # the plan fixture's day, after it was added
TUESDAY = datetime(2020, 1, 21, 9, 30, tzinfo=UTC)  # two working days before evidence is due


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    path = tmp_path / "board.toml"
    path.write_text(BOARD_TOML.replace("\n[board]\n", PLAN_START, 1), encoding="utf-8")
    return path


def test_plan_start_must_be_a_date_or_start_up_stops():
    assert parse_board({"board": {"plan_start": date(2026, 9, 1)}}).plan_start == date(2026, 9, 1)
    for value in ('"1/9/2026"', "2026-09-01T10:00:00", "20260901"):
        with pytest.raises(ConfigError) as caught:
            parse_board(tomllib.loads(f"[board]\nplan_start = {value}\n"))
        assert str(caught.value) == (
            "board.toml: board.plan_start must be a date written year-month-day, like 2026-09-01."
        )


@pytest.fixture
def slack_sender(standin, plan):
    return SlackDelivery(web_client(BOT_TOKEN, standin.url), plan.clock.today)


def said_to(standin, user: str) -> str:
    calls = [c for c in standin.delivered("chat.postMessage") if c.params["channel"] == user]
    for call in calls:
        assert_valid_message(call.params)
    return "\n".join(flatten(call.params) for call in calls)


def kinds(report) -> set[str]:
    return {item.kind for bundle in report.sent for item in bundle.items}


def test_owners_are_asked_to_update_since_the_plan_started_until_evidence_is_sent(
    plan, standin, slack_sender
):
    voice = SlackVoice(plan)
    voice.deadline(ADMIN, "add visit 6/2/2020")
    voice.action(OTHER, "note 2.1 Provider meeting held")
    sweep = reminder_sweep(plan)
    assert "visit_owner" in kinds(sweep.run(slack_sender, now=MONDAY))
    said = said_to(standin, OWNER)
    assert "Evidence is due by *Thursday 23 January 2020*" in said
    assert "no update since the plan started on 2 December 2019 — please add one:" in said
    assert "last visit" not in said
    assert "*4.1*" in said_to(standin, OTHER) and "*2.1*" not in said_to(standin, OTHER)
    voice.deadline(ADMIN, "evidence-sent 1")
    assert "visit_owner" not in kinds(sweep.run(slack_sender, now=TUESDAY))


def test_after_a_visit_passes_the_admins_are_asked_once_for_the_next_ones_date(
    plan, standin, slack_sender
):
    SlackVoice(plan).deadline(ADMIN, "add visit 10/1/2020")
    sweep = reminder_sweep(plan)
    sweep.run(slack_sender, now=MONDAY)
    said = said_to(standin, ADMIN)
    assert "When is the next monitoring visit?" in said
    assert (
        "DfE/NHSE monitoring visit on Friday 10 January 2020 has passed and no next visit is set. "
        "Three months on would be Tuesday 14 April 2020: to add it, type "
        "/deadline add visit 14/04/2020"  # 10 April is Good Friday, 13 April Easter Monday
    ) in said
    assert "next_visit" not in kinds(sweep.run(slack_sender, now=TUESDAY))
    # On Teams the same question is a valid card.
    SlackVoice(plan).deadline(ADMIN, "add visit 17/1/2020")
    (bundle,) = [
        b
        for b in sweep.run(None, now=TUESDAY, dry_run=True).sent
        if any(i.kind == "next_visit" for i in b.items)
    ]
    card = teams_reading(valid_card(teams_render(bundle, bundle.today)))
    assert "When is the next monitoring visit?" in card
    assert "type deadline add visit 17/04/2020" in card


def test_visit_readiness_through_the_teams_door(teams, sender, sam, plan):  # noqa: F811
    SlackVoice(plan).deadline(ADMIN, "add visit 6/2/2020")
    SlackVoice(plan).action(OTHER, "update 2.1 red Provider withdrew")
    said = _asks(teams, sender, sam, "summary visit")
    assert "Monitoring visit readiness" in said
    assert "**1 of 5 open actions" in said
    assert "have been updated since the plan started on 2 December 2019." in said
    assert "Evidence is due by Thursday 23 January 2020" in said and "in 3 working days" in said
    assert "Off track: red and amber actions" in said and "no update" not in said
    assert "Commission speech and language therapy" in said
