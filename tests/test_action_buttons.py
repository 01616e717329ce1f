"""Update and Mark complete: buttons, their modals, and what a submission does (SPEC §4)."""

import json

import pytest

from handlers.slack.replies import trusted_response_url
from sendbot.serve import context
from slack_standin.signed_requests import select, text_input
from tests.conftest import ADMIN, OTHER, OWNER
from tests.support import plan_state
from tests.support.blockkit import assert_valid_message, assert_valid_view, flatten

pytestmark = pytest.mark.usefixtures("plan")


def _submit_and_read_reply(chat, standin, view, values, user):
    answer = chat.sender.submit(view, values, user)
    assert answer.status == 200 and answer.body == "", answer
    reply = standin.wait_for_response(chat.last_response_url)[0]
    assert_valid_message(reply)
    return flatten(reply)


def test_update_button_opens_a_form_that_saves_status_note_and_evidence(chat, standin, plan):
    view = chat.press(chat.ask("mine", OWNER), "action_update", "1.1", OWNER)
    assert view["callback_id"] == "action_update_modal"
    assert "Joint strategic needs assessment" in flatten(view)
    said = _submit_and_read_reply(
        chat,
        standin,
        view,
        {
            "status": select("green"),
            "note": text_input("Data sharing agreement signed"),
            "evidence": text_input("Needs data now covers 0-25"),
        },
        OWNER,
    )
    assert "1.1 is now Green (on track). Your note is saved." in said
    row = plan_state.action(plan, "1.1")
    assert (row.status, row.evidence) == ("green", "Needs data now covers 0-25")
    fields = [(h.field, h.new_value, h.note) for h in plan_state.history(plan, "1.1")[-2:]]
    assert fields == [
        ("status", "green", "Data sharing agreement signed"),
        ("evidence", "Needs data now covers 0-25", None),
    ]


def test_mark_complete_with_an_empty_evidence_box_is_refused_inline(chat, plan):
    view = chat.press(chat.ask("mine", OWNER), "action_complete", "1.2", OWNER)
    before = plan_state.snapshot(plan)
    for empty in (None, "   \n "):
        answer = chat.sender.submit(view, {"evidence": text_input(empty)}, OWNER)
        assert answer.status == 200
        errors = json.loads(answer.body)
        assert errors["response_action"] == "errors"
        assert "describe the evidence" in errors["errors"]["evidence"]
    assert plan_state.snapshot(plan) == before


def test_mark_complete_with_evidence_makes_the_action_blue(chat, standin, plan):
    view = chat.press(chat.ask("mine", OWNER), "action_complete", "1.2", OWNER)
    said = _submit_and_read_reply(
        chat, standin, view, {"evidence": text_input("Dashboard live for parents")}, OWNER
    )
    assert "1.2 is complete — thank you. The evidence is saved." in said
    assert plan_state.action(plan, "1.2").status == "blue"


def test_mark_complete_pressed_again_does_no_harm_and_says_so(chat, standin, plan):
    mine = chat.ask("mine", OWNER)
    view = chat.press(mine, "action_complete", "1.2", OWNER)
    _submit_and_read_reply(chat, standin, view, {"evidence": text_input("Done")}, OWNER)
    before = plan_state.snapshot(plan)
    said = chat.press_expecting_reply(mine, "action_complete", "1.2", OWNER)
    assert "1.2 is already complete. Nothing was changed." in said
    assert plan_state.snapshot(plan) == before


def test_a_form_submitted_twice_saves_once(chat, standin, plan):
    view = chat.press(chat.ask("mine", OWNER), "action_update", "1.1", OWNER)
    values = {"status": select("amber"), "note": text_input("Slipping")}
    _submit_and_read_reply(chat, standin, view, values, OWNER)
    before = plan_state.snapshot(plan)
    answer = chat.sender.submit(view, values, OWNER)
    assert "has changed since you opened it" in json.loads(answer.body)["errors"]["status"]
    assert plan_state.snapshot(plan) == before


def test_a_form_on_an_action_changed_since_is_refused_without_losing_the_text(chat, plan):
    view = chat.press(chat.ask("mine", OWNER), "action_update", "1.1", OWNER)
    chat.ask("update 1.1 red Someone else got there first", ADMIN)
    before = plan_state.snapshot(plan)
    answer = chat.sender.submit(
        view, {"status": select("green"), "note": text_input("Mine")}, OWNER
    )
    error = json.loads(answer.body)["errors"]["status"]
    assert "1.1 has changed since you opened it (it is now Red (off track))" in error
    assert plan_state.snapshot(plan) == before


def test_a_button_on_an_old_message_opens_the_action_as_it_is_now(chat, plan):
    mine = chat.ask("mine", OWNER)
    chat.ask("update 1.1 amber", OWNER)
    view = chat.press(mine, "action_update", "1.1", OWNER)
    said = flatten(view)
    assert "changed since that message" in said
    assert "Amber (at risk)" in said


def test_a_member_pressing_update_on_someone_elses_action_is_refused(chat, standin, plan):
    answer = chat.ask("show 1.1", OTHER)
    said = chat.press_expecting_reply(answer, "action_update", "1.1", OTHER)
    assert "Only the owner of 1.1" in said
    assert standin.calls_to("views.open") == []


def test_a_forged_form_cannot_change_an_action_the_member_may_not_touch(chat, plan):
    view = chat.press(chat.ask("mine", OTHER), "action_update", "2.1", OTHER)
    forged = {**view, "private_metadata": json.dumps({"ref": "1.1", "v": 1})}
    before = plan_state.snapshot(plan)
    answer = chat.sender.submit(forged, {"status": select("blue")}, OTHER)
    assert "Only the owner of 1.1" in json.loads(answer.body)["errors"]["status"]
    assert plan_state.snapshot(plan) == before


def test_a_forged_response_url_is_never_called(chat, standin, plan):
    view = chat.press(chat.ask("mine", OWNER), "action_update", "1.1", OWNER)
    meta = json.loads(view["private_metadata"])
    forged = {**view, "private_metadata": json.dumps({**meta, "r": "http://169.254.169.254/x"})}
    answer = chat.sender.submit(forged, {"status": select("green")}, OWNER)
    assert answer.status == 200
    dm = standin.wait_for("chat.postMessage")[-1]
    assert dm.params["channel"] == OWNER  # the person's direct message with the bot
    assert "1.1 is now Green" in flatten(dm.params)


def test_admin_adds_an_action_with_the_form(chat, standin, plan):
    chat.sender.command_request("/action", "add", ADMIN)
    view = standin.wait_for("views.open")[0].params["view"]
    assert_valid_view(view)
    values = {
        "ref": text_input("6.4"),
        "title": text_input("SENCO network meets termly"),
        "group": select("6"),
        "owner": {"type": "users_select", "selected_user": OTHER},
        "due": {"type": "datepicker", "selected_date": "2020-05-01"},
        "areas": {"type": "multi_static_select", "selected_options": [{"value": "2"}]},
        "source": text_input("Board 10/12/2019"),
    }
    answer = chat.sender.submit(view, values, ADMIN)
    assert (answer.status, answer.body) == (200, "")
    row = plan_state.action(plan, "6.4")
    assert (row.title, plan_state.slack_id(plan, row.owner_id), row.source) == (
        "SENCO network meets termly",
        OTHER,
        "Board 10/12/2019",
    )
    confirmation = standin.wait_for(
        "chat.postMessage", predicate=lambda c: c.params["channel"] == ADMIN
    )
    assert "Added 6.4" in flatten(confirmation[0].params)


def test_the_add_form_shows_a_duplicate_ref_beside_the_field(chat, standin, plan):
    chat.sender.command_request("/action", "add", ADMIN)
    view = standin.wait_for("views.open")[0].params["view"]
    values = {
        "ref": text_input("1.1"),
        "title": text_input("Duplicate"),
        "group": select("1"),
        "owner": {"type": "users_select", "selected_user": OTHER},
        "due": {"type": "datepicker", "selected_date": "2020-05-01"},
    }
    before = plan_state.snapshot(plan)
    answer = chat.sender.submit(view, values, ADMIN)
    assert json.loads(answer.body)["errors"] == {
        "ref": "There is already an action 1.1. Pick another reference."
    }
    assert plan_state.snapshot(plan) == before


def test_a_member_submitting_the_add_form_is_refused(chat, standin, plan):
    chat.sender.command_request("/action", "add", ADMIN)
    view = standin.wait_for("views.open")[0].params["view"]
    values = {
        "title": text_input("Sneaky"),
        "group": select("1"),
        "owner": {"type": "users_select", "selected_user": OTHER},
        "due": {"type": "datepicker", "selected_date": "2020-05-01"},
    }
    before = plan_state.snapshot(plan)
    answer = chat.sender.submit(view, values, OTHER)
    assert "Only an admin" in json.loads(answer.body)["errors"]["ref"]
    assert plan_state.snapshot(plan) == before


def test_app_home_shows_the_persons_open_actions_with_buttons(slack, standin, plan):
    answer = slack.event({"type": "app_home_opened", "user": OWNER, "tab": "home"})
    assert answer.status == 200
    view = standin.wait_for("views.publish")[0].params
    assert view["user_id"] == OWNER
    assert_valid_view(view["view"])
    said = flatten(view["view"])
    assert "Your open actions: 3" in said and "*1.1*" in said


def test_a_confirmation_comes_by_direct_message_when_the_response_url_has_expired(
    chat, standin, plan
):
    view = chat.press(chat.ask("mine", OWNER), "action_update", "1.1", OWNER)
    standin.expire(chat.last_response_url)
    answer = chat.sender.submit(view, {"status": select("green")}, OWNER)
    assert answer.status == 200
    dm = standin.wait_for("chat.postMessage", predicate=lambda c: c.params["channel"] == OWNER)
    assert "1.1 is now Green" in flatten(dm[0].params)


def test_a_broken_button_says_so_without_command_usage(chat, standin, plan):
    url = chat.sender.press("action_update", "not json", OWNER)
    said = flatten(standin.wait_for_response(url)[0])
    assert "That button no longer works" in said
    assert "Usage" not in said


def test_app_home_is_refreshed_after_a_change_made_from_it(chat, slack, standin, plan):
    slack.event({"type": "app_home_opened", "user": OWNER, "tab": "home"})
    home = standin.wait_for("views.publish")[0].params["view"]
    value = chat.button_value(home, "action_complete", "1.2")
    payload = {
        "type": "block_actions",
        "user": {"id": OWNER},
        "trigger_id": "t.home",
        "container": {"type": "view", "view_id": "V0HOME"},
        "view": {"type": "home", "id": "V0HOME"},
        "actions": [{"type": "button", "action_id": "action_complete", "value": value}],
    }
    assert slack.interaction(payload).status == 200
    view = standin.wait_for("views.open")[0].params["view"]
    assert (
        slack.submit(view, {"evidence": text_input("Live on the Local Offer")}, OWNER).status == 200
    )
    refreshed = standin.wait_for("views.publish", count=2)[-1].params["view"]
    assert "*1.2*" not in flatten(refreshed)
    assert "Your open actions: 2" in flatten(refreshed)


@pytest.mark.parametrize(
    ("url", "trusted"),
    [
        ("https://hooks.slack.com/commands/T1/2/abc", True),
        ("https://hooks.slack-gov.com/commands/T1/2/abc", True),
        ("http://hooks.slack.com/commands/T1/2/abc", False),
        ("https://hooks.slack.com.evil.example/x", False),
        ("http://169.254.169.254/latest", False),
        (None, False),
    ],
)
def test_only_slacks_own_response_urls_are_trusted_from_form_metadata(bot, url, trusted):
    assert (trusted_response_url(context(bot.runtime), url) is not None) is trusted
