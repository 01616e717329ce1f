# ruff: noqa: F811 (the fixtures imported from the Teams dialog tests are parameters here)
"""`action from-minutes` on Teams: a card offering the dialog, the dialog, the card of drafts, and
"Add this action" opening the Add dialog filled in, through `POST /api/messages`."""

from datetime import date

import pytest

from tests.conftest import ADMIN
from tests.support import plan_state
from tests.support.speak import SlackVoice
from tests.test_minutes_doors import DECISIONS, FIRST, SECOND
from tests.test_teams_dialogs import (  # noqa: F401 (fixtures)
    ask,
    button,
    chair,
    framework,
    inputs,
    open_dialog,
    said,
    submit,
    teams,
)
from tests.test_teams_door import door  # noqa: F401 (a fixture)


@pytest.fixture
def january(monday_morning, runtime) -> None:
    SlackVoice(runtime).deadline(ADMIN, "add board 28/01/2020")


def draft_button(card: dict, title: str, number: int) -> dict:
    (container,) = [part for part in card["body"] if part.get("id") == f"draft-{number}"]
    return button(container, title)


@pytest.mark.usefixtures("january")
def test_paste_minutes_in_a_dialog_then_add_a_draft_through_the_add_dialog(
    teams,
    framework,
    chair,
    runtime,
):
    offer = ask(teams, framework, chair, "action from-minutes")
    dialog = open_dialog(teams, framework, chair, button(offer.card, "Paste minutes"), offer)
    assert set(inputs(dialog)) == {"minutes", "meeting"}
    before = plan_state.snapshot(runtime)
    answer = submit(teams, framework, chair, dialog, offer, minutes=DECISIONS, meeting="2019-12-10")
    assert answer is None  # the dialog closes; the card becomes the drafts
    drafts = offer.now()
    shown = said(drafts)
    assert "2 draft actions from the minutes of 10 December 2019." in shown
    assert f"1. {FIRST}" in shown and f"2. {SECOND}" in shown
    assert "Due: 28 January 2020" in shown
    assert plan_state.snapshot(runtime) == before
    drop = draft_button(drafts, "Drop", 1)
    assert drop == {
        "type": "Action.ToggleVisibility",
        "title": "Drop",
        "targetElements": ["draft-1"],
    }

    add = open_dialog(teams, framework, chair, draft_button(drafts, "Add this action", 2), offer)
    filled = inputs(add)
    assert filled["title"]["value"] == SECOND
    assert filled["due"]["value"] == "2020-01-28"
    assert filled["source"]["value"] == "Board 10/12/2019"
    assert plan_state.snapshot(runtime) == before
    owner = filled["owner"]["choices"][0]["value"]
    assert submit(teams, framework, chair, add, offer, group="3", owner=owner) is None
    added = plan_state.action(runtime, "A1")
    assert (added.title, added.due_date, added.source) == (
        SECOND,
        date(2020, 1, 28),
        "Board 10/12/2019",
    )
    assert f"2. {SECOND}" in said(offer.now())  # the list stays, for the other drafts


@pytest.mark.usefixtures("january")
def test_a_missing_meeting_date_is_asked_for_beside_its_field(
    teams,
    framework,
    chair,
    runtime,
):
    offer = ask(teams, framework, chair, "action from-minutes")
    dialog = open_dialog(teams, framework, chair, button(offer.card, "Paste minutes"), offer)
    again = submit(teams, framework, chair, dialog, offer, minutes=DECISIONS)
    card = again["task"]["value"]["card"]["content"]
    ids = [part.get("id") for part in card["body"]]
    reason = card["body"][ids.index("meeting") + 1]
    assert reason["color"] == "Attention"
    assert "I can't find the date of the meeting" in reason["text"]
    assert inputs(card)["minutes"]["value"] == DECISIONS  # nothing typed is lost
