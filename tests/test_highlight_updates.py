"""Highlight updates (issue 12, SPEC §5): before a board meeting each working group is asked for
one, with a Send highlight update button; the lead (or an admin) sends it from a form, and it is
kept against that meeting and group. Through the doors people use: signed Slack requests, and
token-bearing Teams invokes."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from bot.reminder_sweep import ReminderSweep
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from handlers.teams.cards import render
from slack_standin.signed_requests import select as chosen
from slack_standin.signed_requests import text_input
from storage.models import HighlightUpdate
from tests.conftest import ADMIN, BOT_TOKEN, LEAD, OTHER
from tests.support.blockkit import assert_valid_message, flatten
from tests.support.speak import SlackVoice
from tests.test_teams_cards import teams_reading, valid_card
from tests.test_teams_dialogs import (  # noqa: F401 (fixtures)
    CHAIR_EMAIL,
    TASK_FETCH,
    button,
    chair,
    dialog_card,
    framework,
    inputs,
    lee,
    open_dialog,
    submit,
    teams,
    under,
)
from tests.test_teams_door import door  # noqa: F401 (a fixture)

# The board meets on Wednesday 29 January 2020: the request goes 5 working days before.
ASKED = datetime(2020, 1, 22, 9, 30, tzinfo=UTC)
GROUP_CHANNEL = "C0WG1CHAN"  # Working group 1's channel (tests/conftest.py), led by LEAD


def add_meeting(runtime) -> int:
    SlackVoice(runtime).deadline(ADMIN, "add board 29/01/2020")
    return max(d.id for d in runtime.deadlines.upcoming().deadlines)


def sweep(runtime, delivery, now: datetime = ASKED):
    return ReminderSweep(runtime.db, runtime.board, None, runtime.clock).run(delivery, now=now)


def stored(runtime) -> list[HighlightUpdate]:
    with runtime.db.session() as session:
        rows = session.scalars(select(HighlightUpdate).order_by(HighlightUpdate.id)).all()
        session.expunge_all()
        return list(rows)


# --- Slack ----------------------------------------------------------------------------------


def channel_request(standin) -> dict:
    (posted,) = [
        c.params
        for c in standin.delivered("chat.postMessage")
        if c.params["channel"] == GROUP_CHANNEL
    ]
    assert_valid_message(posted)
    return posted


def highlight_button(message: dict) -> str:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == "highlight_send":
                assert element["text"]["text"] == "Send highlight update"
                return element["value"]
    raise AssertionError(f"no Send highlight update button in {flatten(message)}")


@pytest.mark.usefixtures("plan")
def test_slack_the_lead_sends_a_highlight_update_from_the_board_meeting_request(
    runtime, chat, standin
):
    meeting = add_meeting(runtime)
    with time_machine.travel(ASKED, tick=False):
        sweep(runtime, SlackDelivery(web_client(BOT_TOKEN, standin.url), runtime.clock.today))
        request = channel_request(standin)
        said = flatten(request)
        assert "Working group 1 Understanding of Need" in said
        assert "The board meets on Wednesday 29 January 2020. Please send the group's" in said
        assert "highlight update by Monday 27 January 2020" in said
        assert "what the group has achieved, any issues or risks, its next steps" in said
        assert "It goes to the board chair through this bot and is shown in /summary" in said
        assert f"<@{LEAD}>" in said
        value = highlight_button(request)

        # Someone else in the channel: a plain refusal naming who may, nothing written.
        refusal = _refused(chat, standin, value, OTHER)
        assert "Only the lead of Working group 1 Understanding of Need" in refusal
        assert "or an admin (" in refusal and ") can send its highlight update" in refusal

        view = _open(chat, standin, value)
        assert view["callback_id"] == "highlight_update_modal"
        brag = {o["value"]: o["text"]["text"] for o in _block(view, "brag")["element"]["options"]}
        assert brag == {
            "blue": "Blue (complete)",
            "green": "Green (on track)",
            "amber": "Amber (at risk)",
            "red": "Red (off track)",
        }
        # Achievements are required: the form stays open, the reason beside the field.
        answer = chat.sender.submit(view, {"brag": chosen("amber")}, LEAD)
        errors = json.loads(answer.body)["errors"]
        assert errors == {"achievements": "Please say what the group has achieved."}
        assert stored(runtime) == []

        typed = {
            "achievements": text_input("Needs assessment data shared with health"),
            "issues": text_input("Therapy vacancies"),
            "next_steps": text_input("Agree the dashboard"),
            "brag": chosen("amber"),
        }
        said = _submit(chat, standin, view, typed)
        assert (
            "Your highlight update for Working group 1 Understanding of Need is saved for the "
            "board on Wednesday 29 January 2020. The chair will see it in /summary." in said
        )
        # Sending again keeps both; the form opens with the latest filled in.
        again = _open(chat, standin, value)
        assert _block(again, "achievements")["element"]["initial_value"] == (
            "Needs assessment data shared with health"
        )
        typed["brag"] = chosen("green")
        assert "It replaces the one sent before, which is kept." in _submit(
            chat, standin, again, typed
        )
    rows = stored(runtime)
    assert [(r.deadline_id, r.working_group.number, r.brag) for r in rows] == [
        (meeting, 1, "amber"),
        (meeting, 1, "green"),
    ]
    lead_id = SlackVoice(runtime).actor(LEAD).person_id
    assert {r.author_id for r in rows} == {lead_id}
    assert (rows[0].achievements, rows[0].issues, rows[0].next_steps) == (
        "Needs assessment data shared with health",
        "Therapy vacancies",
        "Agree the dashboard",
    )

    # After the meeting, or once it is removed: said plainly, nothing written.
    with time_machine.travel(datetime(2020, 1, 30, 10, 0, tzinfo=UTC), tick=False):
        answer = chat.sender.submit(view, typed, LEAD)
        reason = json.loads(answer.body)["errors"]["achievements"]
        assert reason.startswith("The board meeting on Wednesday 29 January 2020 has passed")
    SlackVoice(runtime).deadline(ADMIN, f"remove {meeting}")
    refusal = _refused(chat, standin, value, LEAD)
    assert "The board meeting on Wednesday 29 January 2020 has been removed" in refusal
    assert len(stored(runtime)) == 2


def _refused(chat, standin, value: str, user: str) -> str:
    response_url = chat.sender.press("highlight_send", value, user)
    reply = standin.wait_for_response(response_url)[0]
    assert_valid_message(reply)
    return flatten(reply)


def _open(chat, standin, value: str) -> dict:
    before = len(standin.calls_to("views.open"))
    chat.last_response_url = chat.sender.press("highlight_send", value, LEAD)
    return standin.wait_for("views.open", count=before + 1)[-1].params["view"]


def _submit(chat, standin, view: dict, values: dict) -> str:
    answer = chat.sender.submit(view, values, LEAD)
    assert answer.status == 200 and answer.body == "", answer
    reply = standin.wait_for_response(chat.last_response_url)[0]
    assert_valid_message(reply)
    return flatten(reply)


def _block(view: dict, block_id: str) -> dict:
    (found,) = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return found


# --- Teams ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("plan")
def test_teams_an_admin_sends_one_from_a_dialog(teams, framework, chair, lee, runtime):  # noqa: F811
    meeting = add_meeting(runtime)
    with time_machine.travel(ASKED, tick=False):
        bundles = _dry_sweep(runtime)
        (for_group,) = [b for b in bundles if getattr(b.recipient, "address", None)]
        request = valid_card(render(for_group, for_group.today))
        said = teams_reading(request)
        assert "Highlight update wanted for the board" in said
        assert "Working group 1 Understanding of Need" in said
        assert "highlight update by Monday 27 January 2020" in said
        assert "shown in summary" in said
        pressed = button(request, "Send highlight update")
        assert pressed["data"]["msteams"] == TASK_FETCH

        # Someone who neither leads the group nor is an admin: refused, nothing written.
        refusal = open_dialog(teams, framework, lee, pressed)
        assert "Only the lead of Working group 1 Understanding of Need" in teams_reading(refusal)
        assert "Input.Text" not in str(refusal)

        dialog = open_dialog(teams, framework, chair, pressed)
        assert set(inputs(dialog)) == {"achievements", "issues", "next_steps", "brag"}
        choices = [c["title"] for c in inputs(dialog)["brag"]["choices"]]
        assert choices == [
            "Blue (complete)",
            "Green (on track)",
            "Amber (at risk)",
            "Red (off track)",
        ]
        # No BRAG chosen: the dialog comes back with the reason under it and the typing kept.
        typed = "Joint commissioning plan agreed\nwith health"
        again = dialog_card(submit(teams, framework, chair, dialog, achievements=typed))
        assert under(again, "brag") == "Choose the group's BRAG status."
        assert inputs(again)["achievements"]["value"] == typed
        assert stored(runtime) == []

        done = dialog_card(
            submit(teams, framework, chair, again, brag="red", issues="Therapy waits")
        )
        assert (
            "Your highlight update for Working group 1 Understanding of Need is saved for the "
            "board on Wednesday 29 January 2020. The chair will see it in summary."
            in teams_reading(done)
        )
    (row,) = stored(runtime)
    assert (row.deadline_id, row.working_group.number, row.brag) == (meeting, 1, "red")
    assert (row.achievements, row.issues, row.next_steps) == (typed, "Therapy waits", None)
    assert row.author.email == CHAIR_EMAIL

    # The meeting has passed: said plainly in a dialog, with what was typed handed back.
    with time_machine.travel(datetime(2020, 1, 30, 10, 0, tzinfo=UTC), tick=False):
        late = dialog_card(submit(teams, framework, chair, again, brag="green"))
        assert "The board meeting on Wednesday 29 January 2020 has passed" in teams_reading(late)
        assert "What you typed, so you can try again" in teams_reading(late)
    assert len(stored(runtime)) == 1


def _dry_sweep(runtime):
    return (
        ReminderSweep(runtime.db, runtime.board, None, runtime.clock)
        .run(None, now=ASKED, dry_run=True)
        .sent
    )
