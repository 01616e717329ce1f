"""Ask for a new date (issue 12): an overdue reminder's button, the owner's short form, the
request to each admin with Approve and Decline, and what approving records."""

import json
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.reminder_sweep import ReminderSweep
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from slack_standin.signed_requests import text_input
from tests.conftest import ADMIN, BOT_TOKEN, OTHER, OWNER
from tests.support import plan_state
from tests.support.blockkit import assert_valid_message, assert_valid_view, flatten
from tests.support.speak import SlackVoice

TUESDAY = datetime(2020, 1, 21, 9, 30, tzinfo=UTC)  # 3.1 (due 10 January) is overdue


def picked(day: str) -> dict:
    return {"type": "datepicker", "selected_date": day}


@pytest.fixture
def reminder(plan, standin):
    """The owner's reminder from the sweep, with 3.1 overdue in it."""
    sender = SlackDelivery(web_client(BOT_TOKEN, standin.url), plan.clock.today)
    ReminderSweep(plan.db, plan.board, None, plan.clock).run(sender, now=TUESDAY)
    (dm,) = [c for c in standin.delivered("chat.postMessage") if c.params["channel"] == OWNER]
    return dm.params


def button(message: dict, action_id: str) -> str:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element["value"]
    raise AssertionError(f"no {action_id} button in {flatten(message)}")


def press_for_form(chat, message: dict, action_id: str, user: str) -> dict:
    before = len(chat.standin.calls_to("views.open"))
    chat.last_response_url = chat.sender.press(action_id, button(message, action_id), user)
    view = chat.standin.wait_for("views.open", count=before + 1)[-1].params["view"]
    assert_valid_view(view)
    return view


def dms_to(standin, user: str) -> list[dict]:
    return [c.params for c in standin.delivered("chat.postMessage") if c.params["channel"] == user]


def press_for_reply(chat, message: dict, action_id: str, user: str) -> str:
    url = chat.sender.press(action_id, button(message, action_id), user)
    reply = chat.standin.wait_for_response(url)[0]
    assert_valid_message(reply)
    return flatten(reply)


def test_an_owner_asks_for_a_new_date_and_an_admin_approves_it(chat, standin, plan, reminder):
    with time_machine.travel(TUESDAY, tick=True):
        view = chat.press(reminder, "date_request_open", "3.1", OWNER)
        assert view["callback_id"] == "date_request_modal"
        assert "11 days overdue" in flatten(view)
        # A date that is not after today, or no reason, is refused beside the field; the
        # form stays open with what was typed.
        refused = chat.sender.submit(
            view, {"date": picked("2020-01-21"), "reason": text_input("Printer delays")}, OWNER
        )
        assert json.loads(refused.body)["errors"]["date"].startswith(
            "The new date must be after today"
        )
        refused = chat.sender.submit(
            view, {"date": picked("2020-02-28"), "reason": text_input(" ")}, OWNER
        )
        assert json.loads(refused.body)["errors"] == {
            "reason": "Say why the action needs a new date."
        }
        standin.reset()
        reason = "The printer needs three more weeks"
        sent = chat.sender.submit(
            view, {"date": picked("2020-02-28"), "reason": text_input(reason)}, OWNER
        )
        assert sent.status == 200 and sent.body == ""
        said = flatten(standin.wait_for_response(chat.last_response_url)[0])
        assert "You have asked for 3.1 to be due on 28 February 2020" in said
        (request,) = standin.wait_for("chat.postMessage")
        assert request.params["channel"] == ADMIN
        assert request.params["text"].endswith(
            "asks for 3.1 to be due on 28 February 2020 — approve or decline it"
        )
        assert_valid_message(request.params)
        asked = flatten(request.params)
        assert "to be due on *Friday 28 February 2020* (now due 10 January 2020)" in asked
        assert reason in asked
        # Only an admin decides: anyone else is refused, with the admins named.
        refusal = press_for_reply(chat, request.params, "date_request_approve", OTHER)
        assert "Only an admin (" in refusal and "can approve or decline" in refusal
        approve = press_for_form(chat, request.params, "date_request_approve", ADMIN)
        assert approve["callback_id"] == "date_request_approve_modal"
        standin.reset()
        done = chat.sender.submit(approve, {"note": text_input("Agreed at the board")}, ADMIN)
        assert done.status == 200 and done.body == ""
        assert "Approved: 3.1 is now due on 28 February 2020" in flatten(
            standin.wait_for_response(chat.last_response_url)[0]
        )
        (told,) = standin.wait_for("chat.postMessage")
        assert told.params["channel"] == OWNER
        assert "Your request was approved: 3.1 is now due on 28 February 2020" in flatten(
            told.params
        )
        # A second press after it is decided changes nothing and says who decided and when.
        again = press_for_reply(chat, request.params, "date_request_decline", ADMIN)
        assert "already approved by" in again and "Tuesday 21 January 2020" in again
        # Asked again: a second request waits for the first; a decline needs a reason, and
        # the owner is told it.
        view = press_for_form(chat, reminder, "date_request_open", OWNER)
        later = {"date": picked("2020-03-31"), "reason": text_input("Trainer ill")}
        assert chat.sender.submit(view, later, OWNER).body == ""
        (second,) = [m for m in dms_to(standin, ADMIN) if "Trainer ill" in flatten(m)]
        again = json.loads(chat.sender.submit(view, later, OWNER).body)["errors"]
        assert "has already been asked for and is waiting for an admin" in again["date"]
        decline = press_for_form(chat, second, "date_request_decline", ADMIN)
        empty = chat.sender.submit(decline, {"note": text_input("")}, ADMIN)
        assert json.loads(empty.body)["errors"] == {"note": "Say why the new date is declined."}
        standin.reset()
        chat.sender.submit(decline, {"note": text_input("The board wants it by March")}, ADMIN)
        (told,) = standin.wait_for("chat.postMessage")
        assert told.params["channel"] == OWNER
        assert "was declined by" in flatten(told.params)
        assert "The board wants it by March" in flatten(told.params)
    action = plan_state.action(plan, "3.1")
    assert action.due_date == date(2020, 2, 28) and action.original_due_date == date(2020, 1, 10)
    admin = SlackVoice(plan).actor(ADMIN).person
    assert action.due_revised_by == admin.id
    assert action.due_revised_reason == f"{reason} (approved by {admin.shown}: Agreed at the board)"
    last = plan_state.history(plan, "3.1")[-1]
    assert (last.field, last.old_value, last.new_value) == ("due_date", "2020-01-10", "2020-02-28")
