"""`/summary evidence [area N]` (issue 13, item 5): evidence of impact gathered per area of
weakness for the next visit — each action's entries since the previous review, dated and naming
who gave them (an owner's `done`, or the plan import), and the actions with none named as gaps."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.people import PersonRef
from bot.readiness import ReadinessWindow
from bot.visit_evidence import ActionEvidence, AreaEvidence, EvidenceEntry, VisitEvidence
from handlers.slack.render_result import render as slack_render
from handlers.teams.cards import render as teams_render
from tests.conftest import ADMIN, OTHER, OWNER
from tests.support.blockkit import assert_valid_message, flatten
from tests.support.cli import operator_settings
from tests.support.preloaded import run_sendbot
from tests.test_teams_cards import (  # noqa: F401
    assert_same_figures,
    summary,
    teams_reading,
    today,
    valid_card,
    voice,
)

pytestmark = pytest.mark.usefixtures("plan")
# The plan fixture, Monday 20 January 2020: 1.1 (area 1, owner OWNER), 1.2 (no area), 2.1 (area 2,
# owner OTHER), 3.1 (area 3), 4.1 (no area). A visit on 22 January is the previous review.
AFTER_THE_VISIT = datetime(2020, 1, 27, 10, tzinfo=UTC)


def two_visits(chat) -> None:
    chat.ask("add visit 22/1/2020", ADMIN, "/deadline")
    chat.ask("add visit 20/2/2020 Monitoring visit", ADMIN, "/deadline")


def test_evidence_since_the_last_visit_per_area_with_the_gaps(chat):
    two_visits(chat)
    chat.ask("done 1.1 JSNA published on the Local Offer", OWNER)  # before the last visit
    with time_machine.travel(AFTER_THE_VISIT, tick=True):
        chat.ask("done 2.1 Waiting times down from 30 to 18 weeks", OTHER)
        chat.ask("done 2.1 Parent survey: 72% satisfied, up from 55%", OTHER)  # a second entry
        said = chat.says("evidence", ADMIN, "/summary")
    assert said.startswith("Evidence of impact by area of weakness")
    assert "For *Monitoring visit* on 20 February 2020" in said
    assert "added since the last visit on 22 January 2020" in said
    assert "*2 entries*; *4 actions* with no new evidence." in said
    assert "*Area 2: " in said and "*2.1* Commission speech and language therapy" in said
    assert (
        f"◦ 27 January 2020, <@{OTHER}>: Parent survey: 72% satisfied, up from 55%" in said
    )  # only what the second `done` added, newest first
    assert f"◦ 27 January 2020, <@{OTHER}>: Waiting times down from 30 to 18 weeks" in said
    # 1.1's evidence came before the last visit: a gap for this one.
    area_1 = said.split("*Area 1: ")[1].split("*Area 2: ")[0]
    assert "_No new evidence (1):_" in area_1 and "*1.1*" in area_1
    assert "Not linked to an area" in said and "*1.2*" in said and "*4.1*" in said


def test_one_area_and_a_bad_area_handed_back_with_the_usage(chat):
    with time_machine.travel(AFTER_THE_VISIT, tick=True):
        chat.ask("done 2.1 Waiting times down", OTHER)
        said = chat.says("evidence area 2", OWNER, "/summary")  # anyone may ask
        assert "*Area 2: " in said and "Waiting times down" in said
        assert "*Area 1: " not in said and "Not linked to an area" not in said
        assert "No monitoring visit is set." in said
        wrong = chat.says("evidence area two", OWNER, "/summary")
        assert "Which area of weakness? Give its number, like area 2." in wrong
        assert "/summary evidence [area N]" in wrong and "evidence area two" in wrong
        missing = chat.says("evidence area 99", OWNER, "/summary")
        assert "There is no area 99" in missing


def test_imported_evidence_is_named_as_the_plan_import(chat, tmp_path, database_url, standin):
    path = tmp_path / "plan.csv"
    path.write_text(
        "ref,title,working_group,owner,due,area,evidence\n"
        f"1.1,Joint strategic needs assessment for SEND,1,{OWNER},31/01/2020,1,"
        "JSNA signed off by the Health and Wellbeing Board\n"
        f"5.1,Health visitor checks,5,{OWNER},31/03/2027,3,Checks at 2 years up to 91%\n",
        encoding="utf-8",
    )
    env = operator_settings(database_url, standin)
    done = run_sendbot("import", str(path), cwd=tmp_path, **env)
    assert done.returncode == 0, done.stdout + done.stderr
    said = chat.says("evidence", ADMIN, "/summary")
    assert "the plan import: JSNA signed off by the Health and Wellbeing Board" in said
    assert "the plan import: Checks at 2 years up to 91%" in said


def test_the_teams_card_says_what_slack_says(plan, voice, today):  # noqa: F811
    with time_machine.travel(AFTER_THE_VISIT, tick=True):
        voice.deadline(ADMIN, "add visit 22/1/2020")
        voice.deadline(ADMIN, "add visit 20/2/2020")
        voice.action(OTHER, "done 2.1 Waiting times down from 30 to 18 weeks")
        result = summary(plan, voice, "evidence")
        said = assert_same_figures(result, plan.actions.today())
    assert "Waiting times down from 30 to 18 weeks" in said
    assert "1 entry" in said and "4 actions" in said
    assert "summary evidence" in " ".join(usage for usage, _ in summary(plan, voice, "help").lines)


def test_a_big_plan_stays_within_slack_and_teams_limits(plan):
    """Thirty areas of twenty actions, each with four long entries: both doors cut, and say so."""
    owner = PersonRef(1, "Priya Shah", None, ())
    entry = EvidenceEntry(date(2020, 1, 20), owner, "Evidence of impact. " * 40)
    actions = tuple(
        ActionEvidence(f"{n}.{i}", f"Action {i}", owner, (entry,) * 4)
        for n in range(30)
        for i in range(20)
    )
    areas = tuple(
        AreaEvidence(n, f"Area {n}", actions[n * 20 : n * 20 + 10], actions[n * 20 + 10 :][:10])
        for n in range(1, 31)
    )
    window = ReadinessWindow(date(2020, 1, 1), "plan", plan.clock.tz)
    result = VisitEvidence(date(2020, 1, 20), None, window, areas)
    slack = slack_render(result, result.today)
    assert_valid_message(slack)
    assert "more areas. /summary evidence area N shows one area." in flatten(slack)
    card = valid_card(teams_render(result, result.today))
    assert "more. summary evidence area N shows one area." in teams_reading(card)
