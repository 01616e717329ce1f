"""Every result the core returns, as an Adaptive Card for Teams: valid against the 1.5 schema,
within Teams' size limit, with user text inert, and saying what the Slack door says (the same
counts, references and dates) for the same result."""

import json
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest
import time_machine

from bot.reminder_sweep import ReminderSweep
from bot.results import Outcome
from bot.summary_service import ToChannel
from handlers.slack.render_result import render as slack_render
from handlers.teams.cards import render
from handlers.teams.cards_kit import MAX_CARD_BYTES, inert, inert_lines
from tests.conftest import ADMIN, OTHER, OWNER
from tests.support.speak import SlackVoice

pytestmark = pytest.mark.usefixtures("plan")

CARD_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "adaptive-card-1.5.json"
VALIDATOR = jsonschema.Draft6Validator(json.loads(CARD_SCHEMA.read_text()))
TUESDAY = datetime(2020, 1, 21, 9, 30, tzinfo=UTC)
# The figures a reader checks: numbers (counts, refs, percentages) and day and month names.
# Figures standing alone: the digits inside an account id (U0OWNER01, which Slack shows and Teams
# names) are not figures, whichever names the shared Slack stand-in has learnt by then.
_FIGURE = re.compile(
    r"\b\d+(?:\.\d+)*%?|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
    r"Nov|Dec)[a-z]*"
)


# --- reading both doors' answers --------------------------------------------------------------


def valid_card(card: dict | None) -> dict:
    assert card is not None, "no card for this result"
    VALIDATOR.validate(card)
    assert len(json.dumps(card, ensure_ascii=False).encode()) <= MAX_CARD_BYTES
    return card


def teams_texts(node) -> list[str]:
    """Everything a person reads on a card, in order: text blocks and facts (buttons left out,
    as they are on Slack: they are controls, not words)."""
    if isinstance(node, list):
        return [text for item in node for text in teams_texts(item)]
    if not isinstance(node, dict) or node.get("type") == "ActionSet":
        return []
    found = [node[key] for key in ("text", "title", "value") if isinstance(node.get(key), str)]
    found = [text for text in found if node.get("type") not in ("AdaptiveCard",)]
    for value in node.values():
        if isinstance(value, dict | list):
            found += teams_texts(value)
    return found


def teams_reading(card: dict) -> str:
    """The card's words with Markdown's escapes and bold taken out."""
    text = "\n".join(teams_texts(card["body"]))
    return re.sub(r"\\(.)", r"\1", text.replace("**", ""))


def button_titles(node) -> list[str]:
    """The buttons on a card, in order."""
    if isinstance(node, list):
        return [title for item in node for title in button_titles(item)]
    if not isinstance(node, dict):
        return []
    own = [node["title"]] if str(node.get("type")).startswith("Action.") else []
    return own + [t for value in node.values() for t in button_titles(value)]


def slack_reading(message: dict) -> str:
    """The Slack message's words, buttons left out (they are controls, not words)."""
    texts = [
        text
        for block in message["blocks"]
        if block["type"] != "actions"
        for text in teams_texts(block)
    ]
    text = re.sub(r"<@([A-Z0-9]+)>", r"\1", "\n".join(texts))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def figures(text: str) -> Counter:
    return Counter(_FIGURE.findall(text))


def assert_same_figures(result: object, today) -> str:
    """Render the result on both doors; the Teams card must be valid and carry exactly the
    figures the Slack message does. Returns what the card says."""
    card = valid_card(render(result, today))
    teams = teams_reading(card)
    assert figures(teams) == figures(slack_reading(slack_render(result, today)))
    return teams


def answer(outcome: Outcome | object) -> object:
    return outcome.result if isinstance(outcome, Outcome) else outcome


@pytest.fixture
def voice(plan) -> SlackVoice:
    return SlackVoice(plan)


@pytest.fixture
def today(plan):
    return plan.actions.today()


def summary(plan, voice, text: str = "", who: str = ADMIN):
    return answer(plan.summaries.handle(voice.actor(who), text))


# --- actions ----------------------------------------------------------------------------------


def test_an_action_list_says_what_slack_says(plan, voice, today):
    said = assert_same_figures(answer(voice.action(OWNER, "list")), today)
    assert "1.1 Joint strategic needs assessment for SEND" in said
    assert "3.1" in said and "10 days overdue" in said and "⚠️" in said
    assert ":warning:" not in said and "\ue002" not in said


def test_action_detail_shows_every_field_slack_shows(plan, voice, today):
    voice.action(ADMIN, "due 1.1 30/04/2020 Data arrives late")
    voice.action(OWNER, "note 1.1 Met the parent carer forum")
    detail = answer(voice.action(OWNER, "show 1.1"))
    fuller = replace(
        detail,
        action=replace(
            detail.action,
            description="Refresh the JSNA.\nWith health partners.",
            success_measures="Published by April",
            evidence="Board minutes",
            sro=detail.action.owner,
            source="Written statement of action",
            outcome="Families say support comes sooner",
            achieved_on=date(2020, 3, 3),
        ),
    )
    said = assert_same_figures(fuller, today)
    for words in (
        "Originally due",
        "31 January 2020: Data arrives late",
        "30 April 2020",
        "Senior responsible officer",
        "Areas of weakness",
        "Description",
        "Refresh the JSNA.\n\nWith health partners.",
        "Success measures",
        "Published by April",
        "Evidence of impact",
        "Board minutes",
        "Source",
        "Intended outcome",
        "Families say support comes sooner",
        "Achieved on",
        "3 March 2020",
        "Met the parent carer forum",
        "Latest history (",
    ):
        assert words in said, words


def test_help_names_commands_without_a_slash_or_marker(plan, voice, today):
    said = teams_reading(valid_card(render(answer(voice.action(OWNER, "help")), today)))
    assert "action mine" in said and "/action" not in said and "\ue002" not in said


# --- deadlines and risks ----------------------------------------------------------------------


def test_a_deadline_list_says_what_slack_says(plan, voice, today):
    voice.deadline(ADMIN, "add visit 6/2/2020")
    voice.deadline(ADMIN, "add board 3/2/2020 February board")
    said = assert_same_figures(answer(voice.deadline(OWNER, "list")), today)
    assert "Upcoming deadlines" in said and "February board" in said
    assert "evidence due Thursday 23 January (in 3 days)" in said and "📋" in said


def test_no_deadlines_says_how_to_add_one_on_teams(plan, voice, today):
    said = assert_same_figures(answer(voice.deadline(OWNER, "list")), today)
    assert said == "No upcoming deadlines. An admin can add one with deadline add."


def test_a_risk_list_and_one_risk_say_what_slack_says(plan, voice, today):
    voice.risk(OWNER, "log Capacity in the SEND team L4 I5 review 1/3/2020")
    voice.risk(OTHER, "log Funding gap L2 I2")
    said = assert_same_figures(answer(voice.risk(OWNER, "list")), today)
    assert "R1 Capacity in the SEND team" in said and "🔴 score 20 (high)" in said
    assert "likelihood 4 (likely) × impact 5 (catastrophic)" in said
    said = assert_same_figures(answer(voice.risk(OWNER, "show R1")), today)
    assert "R1 (high risk)" in said and "Latest history" in said


# --- summaries --------------------------------------------------------------------------------


def test_the_chairs_overview_says_what_slack_says(plan, voice, today):
    voice.deadline(ADMIN, "add visit 6/2/2020")
    voice.deadline(ADMIN, "add board 13/01/2020 January board")
    voice.risk(OWNER, "log Capacity in the SEND team L4 I5")
    said = assert_same_figures(summary(plan, voice), today)
    assert "0% complete (0 of 5 actions)" in said
    assert "Overdue (1), oldest first" in said and "Top risks (1 open)" in said
    assert "Since the last board meeting (13 January 2020)" in said
    assert "summary export has the full list" in said and "/summary" not in said


def test_one_working_groups_summary_lists_its_open_actions(plan, voice, today):
    said = assert_same_figures(summary(plan, voice, "wg 1"), today)
    assert "Open actions (2)" in said


def test_the_risk_summary_draws_the_heat_map_in_band_colours(plan, voice, today):
    for text in ("A L5 I5", "B L5 I5", "C L1 I1", "D L3 I2"):
        voice.risk(OWNER, f"log {text}")
    result = summary(plan, voice, "risks")
    said = assert_same_figures(result, today)
    assert "4 open risks" in said
    (table,) = [e for e in render(result, today)["body"] if e["type"] == "Table"]
    grid = {
        (row["cells"][0]["items"][0]["text"].split(" (")[0], i): (
            cell.get("style"),
            cell["items"][0]["text"],
        )
        for row in table["rows"][:5]
        for i, cell in enumerate(row["cells"][1:], 1)
    }
    assert grid[("Likelihood 5", 5)] == ("attention", "2")
    assert grid[("Likelihood 1", 1)] == ("good", "1")
    assert grid[("Likelihood 3", 2)] == ("warning", "1")
    assert grid[("Likelihood 4", 4)] == ("attention", "0")


def test_visit_readiness_says_what_slack_says(plan, voice, today):
    with time_machine.travel(datetime(2020, 1, 27, 10, tzinfo=UTC), tick=True):
        voice.deadline(ADMIN, "add visit 22/1/2020")
        voice.deadline(ADMIN, "add visit 6/2/2020")
        voice.action(OWNER, "note 1.1 Updated after the last visit")
        result = summary(plan, voice, "visit")
        said = assert_same_figures(result, plan.actions.today())
    assert "1 of 5 open actions (20%) have been updated since the last visit on 22 January" in said
    assert "Still to update (2 people)" in said
    # Named as the shared Slack stand-in knows them by now: their id until a test names them.
    assert any(f"{who} — 2 actions" in said for who in (OWNER, "Sam Smith"))


def test_no_visit_set_says_how_to_add_one_on_teams(plan, voice, today):
    said = assert_same_figures(summary(plan, voice, "visit"), today)
    assert "deadline add visit DATE" in said and "/deadline" not in said


def test_a_summary_for_the_channel_is_the_same_card(plan, voice, today):
    posted = summary(plan, voice, "risks here")
    assert isinstance(posted, ToChannel)
    assert render(posted, today) == render(posted.result, today)


# --- reminders --------------------------------------------------------------------------------


def test_reminder_bundles_say_what_slacks_reminders_say(plan, voice):
    voice.deadline(ADMIN, "add visit 6/2/2020")
    voice.risk(OTHER, "log Capacity gap L4 I4 review 21/1/2020")
    sweep = ReminderSweep(plan.db, plan.board, "C0BOARD01", plan.clock, plan.summaries.digest)
    monday = datetime(2020, 1, 20, 9, 5, tzinfo=UTC)
    bundles = sweep.run(None, now=monday, dry_run=True).sent
    bundles += sweep.run(None, now=TUESDAY, dry_run=True).sent
    said = []
    for bundle in bundles:
        card = valid_card(render(bundle, bundle.today))
        teams = teams_reading(card)
        message = slack_render(bundle, bundle.today)
        assert not figures(slack_reading(message)) - figures(teams), teams
        # The same buttons as Slack's, Snooze only where Slack offers it.
        assert button_titles(card) == [
            e["text"]["text"]
            for b in message["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
        ]
        said.append(teams)
    everything = "\n".join(said)
    assert "2 of your actions need attention" in everything
    assert "Due Friday 31 January 2020 (in 10 days)" in everything
    assert "Risk R1 (score 16) is due for review (Tuesday 21 January 2020)" in everything
    assert "risk update R1" in everything and "/risk" not in everything
    assert "Monitoring visit readiness" in everything


# --- people's words are inert -----------------------------------------------------------------


def test_a_title_with_markdown_or_a_line_break_shows_literally(plan, voice, today):
    voice.action(
        ADMIN, f'add 9.9 "**bold** # heading [link](http://x.test)" wg 1 owner {OWNER} due 1/3/2020'
    )
    listed = render(answer(voice.action(OWNER, "list")), today)
    texts = teams_texts(valid_card(listed)["body"])
    assert r"**9.9** \*\*bold\*\* \# heading \[link\]\(http://x.test\)" in texts
    detail = answer(voice.action(OWNER, "show 9.9"))
    forged = replace(detail.action, title="Real\n# Forged heading\n- item", description="- a\n1. b")
    texts = teams_texts(valid_card(render(replace(detail, action=forged), today))["body"])
    assert r"9.9 Real \# Forged heading \- item" in texts  # one line, nothing formats
    assert "\\- a\n\n1\\. b" in texts  # a field shown whole keeps its lines, inert


def test_inert_leaves_plain_words_and_refs_alone():
    assert inert("Publish the SEND data dashboard 1.2") == "Publish the SEND data dashboard 1.2"
    assert inert("1. first") == r"1\. first"
    assert inert("a\u202eb\nc") == "ab c"  # hidden controls gone, one line
    assert inert_lines("> quoted\n\n\n+ plus") == "\\> quoted\n\n\\+ plus"


# --- Teams' limits ----------------------------------------------------------------------------


def test_every_card_fits_teams_with_10000_actions_and_1000_risks(plan, voice, today):
    from tests.test_summary_command import _big_plan

    _big_plan(plan, 10_000, 1_000)
    voice.deadline(ADMIN, "add visit 6/2/2020")
    for text in ("", "wg 1", "risks", "visit"):
        valid_card(render(summary(plan, voice, text), today))
    for result in (
        answer(voice.action(ADMIN, "list all")),
        answer(voice.risk(ADMIN, "list all")),
    ):
        said = teams_reading(valid_card(render(result, today)))
        assert "…and" in said and "more." in said


def test_a_long_list_of_long_titles_is_cut_to_fit_with_and_n_more(plan, voice, today):
    listed = answer(voice.action(OWNER, "list"))
    long = replace(listed.actions[0], title="Long title " + "x" * 2_900)
    many = replace(listed, actions=(long,) * 200, total=200, see_all="Type action list all.")
    said = teams_reading(valid_card(render(many, today)))
    shown = said.count("Long title")
    assert 0 < shown < 200 and f"…and {200 - shown} more. Type action list all." in said
