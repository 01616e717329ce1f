"""Re-dates approved by the board or by DfE/NHS England (issue 13 item 5), through signed Slack
requests: with `redate_approval = "dfe"` a re-date waits until an admin records the approval."""

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from bot.reminder_sweep import ReminderSweep
from slack_standin.signed_requests import text_input
from tests.conftest import ADMIN, BOARD_TOML, OTHER, OWNER
from tests.support import plan_state
from tests.support.blockkit import flatten
from tests.test_action_outcome import cli  # noqa: F401 (a fixture)
from tests.test_date_requests import (
    TUESDAY,
    dms_to,
    picked,
    press_for_form,
    reminder,  # noqa: F401 (a fixture)
)
from tests.test_teams_cards import valid_card
from tests.test_teams_dialogs import (  # noqa: F401 (fixtures)
    ask,
    button,
    chair,
    framework,
    said,
    teams,
)
from tests.test_teams_door import door  # noqa: F401 (a fixture)

DFE_BOARD = BOARD_TOML + '\n[plan]\nname = "Written Statement of Action"\nredate_approval = "dfe"\n'


@pytest.fixture
def board_file(tmp_path: Path, request) -> Path:
    path = tmp_path / "board.toml"
    dfe = "board" not in request.node.name
    path.write_text(DFE_BOARD if dfe else BOARD_TOML, encoding="utf-8")
    return path


def test_the_board_approves_a_re_date_at_once_by_default(chat, plan):
    said = chat.says("due 1.2 28/02/2020 Data arrives late", ADMIN)
    assert "1.2 is now due on 28 February 2020" in said
    action = plan_state.action(plan, "1.2")
    assert action.due_date == date(2020, 2, 28)
    assert action.due_approved_by == "board"
    assert action.due_approved_at is not None
    shown = chat.says("show 1.2", OTHER)
    assert "New date approved:* by the board on 20 January 2020" in shown
    assert "awaiting" not in shown


def test_a_typed_re_date_waits_for_dfe_until_an_admin_records_their_approval(chat, plan):
    said = chat.says("due 1.2 28/02/2020 Data arrives late", ADMIN)
    assert "awaiting DfE/NHS England approval" in said
    assert "stays due on 6 February 2020, and reminders use that date" in said
    action = plan_state.action(plan, "1.2")
    assert action.due_date == date(2020, 2, 6) and action.due_approved_by is None
    shown = chat.says("show 1.2", OTHER)
    assert (
        "New date awaiting approval:* 28 February 2020, awaiting DfE/NHS England approval: "
        "Data arrives late" in shown
    )
    # A second re-date while one waits is refused; so is recording an answer by a non-admin.
    again = chat.says("due 1.2 31/03/2020 Another reason", ADMIN)
    assert "is already awaiting DfE/NHS England approval" in again
    assert "Only" in chat.says("due 1.2 approved", OWNER)
    assert plan_state.action(plan, "1.2").due_date == date(2020, 2, 6)
    with time_machine.travel(datetime(2020, 1, 27, 11, 0, tzinfo=UTC), tick=True):
        done = chat.says("due 1.2 approved", ADMIN)
    assert "DfE/NHS England approved the new date. 1.2 is now due on 28 February 2020" in done
    action = plan_state.action(plan, "1.2")
    assert action.due_date == date(2020, 2, 28) and action.original_due_date == date(2020, 2, 6)
    assert action.due_approved_by == "dfe"
    assert action.due_approved_at.date() == date(2020, 1, 27)
    assert action.due_revised_reason == "Data arrives late"
    shown = chat.says("show 1.2", OTHER)
    assert "New date approved:* by DfE/NHS England on 27 January 2020" in shown
    assert "awaiting" not in shown
    assert "No new date for 1.2 is awaiting" in chat.says("due 1.2 approved", ADMIN)


def test_the_pending_notice_has_a_button_an_admin_presses_once_dfe_approve(chat, plan):
    pending = chat.ask("due 1.2 28/02/2020 Data arrives late", ADMIN)
    refused = chat.press_expecting_reply(pending, "redate_dfe_approved", "1.2", OWNER)
    assert "can record DfE/NHS England's answer to a new date. Nothing was changed." in refused
    assert plan_state.action(plan, "1.2").due_date == date(2020, 2, 6)
    done = chat.press_expecting_reply(pending, "redate_dfe_approved", "1.2", ADMIN)
    assert "DfE/NHS England approved the new date. 1.2 is now due on 28 February 2020" in done
    assert plan_state.action(plan, "1.2").due_approved_by == "dfe"
    again = chat.press_expecting_reply(pending, "redate_dfe_approved", "1.2", ADMIN)
    assert "No new date for 1.2 is awaiting DfE/NHS England approval" in again


def test_dfe_may_agree_another_date_or_refuse(chat, plan):
    chat.says("due 1.2 28/02/2020 Data arrives late", ADMIN)
    assert "Say why DfE/NHS England refused" in chat.says("due 1.2 refused", ADMIN)
    refused = chat.says("due 1.2 refused They want it by the visit", ADMIN)
    assert "refused the new date for 1.2. It stays due on 6 February 2020" in refused
    assert plan_state.action(plan, "1.2").due_date == date(2020, 2, 6)
    chat.says("due 1.2 28/02/2020 Data arrives late", ADMIN)
    agreed = chat.says("due 1.2 approved 14/02/2020", ADMIN)
    assert "1.2 is now due on 14 February 2020" in agreed
    assert plan_state.action(plan, "1.2").due_approved_by == "dfe"


def test_an_approved_request_from_an_owner_waits_for_dfe(chat, standin, plan, reminder):  # noqa: F811
    with time_machine.travel(TUESDAY, tick=True):
        view = chat.press(reminder, "date_request_open", "3.1", OWNER)
        reason = "The printer needs three more weeks"
        standin.reset()
        chat.sender.submit(
            view, {"date": picked("2020-02-28"), "reason": text_input(reason)}, OWNER
        )
        (request,) = standin.wait_for("chat.postMessage")
        approve = press_for_form(chat, request.params, "date_request_approve", ADMIN)
        standin.reset()
        chat.sender.submit(approve, {"note": text_input("Agreed at the board")}, ADMIN)
        answer = flatten(standin.wait_for_response(chat.last_response_url)[0])
        assert "Agreed, awaiting DfE/NHS England approval" in answer
        standin.wait_for("chat.postMessage")
        (told,) = dms_to(standin, OWNER)
        assert "now awaits DfE/NHS England approval" in flatten(told)
        assert "stays due on 10 January 2020" in flatten(told)
        assert plan_state.action(plan, "3.1").due_date == date(2020, 1, 10)
        standin.reset()
        done = chat.says("due 3.1 approved", ADMIN)
        assert "3.1 is now due on 28 February 2020" in done
        (told,) = standin.wait_for("chat.postMessage")
        assert told.params["channel"] == OWNER
        assert "DfE/NHS England approved the new date" in flatten(told.params)
    action = plan_state.action(plan, "3.1")
    assert action.due_date == date(2020, 2, 28) and action.due_approved_by == "dfe"


def test_the_summary_lists_re_dates_awaiting_dfe_for_admins_only(chat, plan):
    chat.says("due 1.2 28/02/2020 Data arrives late", ADMIN)
    said = chat.says("", ADMIN, command="/summary")
    assert "Written Statement of Action — where the plan stands" in said
    assert "New dates awaiting DfE/NHS England approval (1)" in said
    assert "1.2* Publish the SEND data dashboard — 28 February 2020 (now 6 February 2020)" in said
    assert "awaiting" not in chat.says("", OTHER, command="/summary")
    chat.says("due 1.2 approved", ADMIN)
    assert "awaiting" not in chat.says("", ADMIN, command="/summary")


TRACKER = """\
Ref,Action,Working group,Lead officer,Due date,Revised due date,Reason for change,Approved by
7.1,Refresh the SEND sufficiency plan,2,Head of SEND,31/03/2030,30/06/2030,\
Census data late,DfE/NHSE
7.2,Publish the short breaks statement,2,Head of SEND,31/03/2030,30/04/2030,Consultation,Board
7.3,Review the EHCP template,2,Head of SEND,31/03/2030,,,
"""


def test_revised_dates_come_in_from_a_tracker_and_go_out_and_back_unchanged(
    plan,
    chat,
    cli,  # noqa: F811
    tmp_path,
    capsys,
):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(TRACKER, encoding="utf-8")
    assert cli("import", str(tracker)) == 0
    assert "Created 3 actions: 7.1, 7.2, 7.3" in capsys.readouterr().out
    first = plan_state.action(plan, "7.1")
    assert (first.original_due_date, first.due_date) == (date(2030, 3, 31), date(2030, 6, 30))
    assert first.due_revised_reason == "Census data late" and first.due_approved_by == "dfe"
    assert plan_state.action(plan, "7.2").due_approved_by == "board"
    third = plan_state.action(plan, "7.3")
    assert third.due_date == third.original_due_date == date(2030, 3, 31)
    assert third.due_approved_by is None
    # A re-date awaiting DfE/NHS England is exported for the board to see.
    chat.says("due 1.2 28/02/2020 Data arrives late", ADMIN)
    chat.says("due 1.1 14/02/2020 Waiting for health data", ADMIN)
    chat.says("due 1.1 approved", ADMIN)
    export = tmp_path / "plan.csv"
    assert cli("export", str(export)) == 0
    with export.open(encoding="utf-8-sig", newline="") as file:
        rows = {row["Reference"]: row for row in csv.DictReader(file)}
    assert rows["7.1"]["Original due date"] == "31/03/2030"
    assert rows["7.1"]["Due date"] == "30/06/2030"
    assert rows["7.1"]["Reason for new date"] == "Census data late"
    assert rows["7.1"]["New date approved by"] == "DfE/NHSE"
    assert rows["7.2"]["New date approved by"] == "Board"
    assert rows["1.1"]["New date approved by"] == "DfE/NHSE"
    assert rows["1.1"]["New date approved on"] == "20/01/2020"
    assert rows["1.2"]["Due date"] == "06/02/2020"
    assert rows["1.2"]["New date awaiting approval"] == "28/02/2020"
    assert rows["1.2"]["Reason for new date awaiting approval"] == "Data arrives late"
    capsys.readouterr()
    assert cli("import", str(export)) == 0
    out = capsys.readouterr().out
    assert "Unchanged: 8 actions" in out and "Updated" not in out, out
    assert plan_state.action(plan, "1.1").due_approved_by == "dfe"


def test_a_tracker_names_who_approved_in_words_the_import_knows(plan, cli, tmp_path, capsys):  # noqa: F811
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(TRACKER.replace("DfE/NHSE", "the council"), encoding="utf-8")
    assert cli("import", str(tracker)) == 1
    out = capsys.readouterr()
    assert "“the council” is not who approved a new date" in out.out + out.err
    with pytest.raises(AssertionError, match="no action 7.2"):
        plan_state.action(plan, "7.2")  # a file with a problem imports nothing


def test_a_re_date_waits_for_dfe_and_is_approved_on_teams(
    teams,  # noqa: F811
    framework,  # noqa: F811
    chair,  # noqa: F811
    plan,
):
    held = said(ask(teams, framework, chair, "action due 1.2 28/02/2020 Data arrives late").card)
    assert "awaiting DfE/NHS England approval" in held
    assert plan_state.action(plan, "1.2").due_date == date(2020, 2, 6)
    shown = said(ask(teams, framework, chair, "action show 1.2").card)
    assert "28 February 2020, awaiting DfE/NHS England approval: Data arrives late" in shown
    summary = said(ask(teams, framework, chair, "summary").card)
    assert "New dates awaiting DfE/NHS England approval (1)" in summary
    pending = ask(teams, framework, chair, "action due 1.1 14/02/2020 Waiting for health data")
    pressed = button(pending.card, "DfE/NHS England approved it", "1.1")
    assert pressed["type"] == "Action.Execute"
    answer = framework.send(teams.activities.card_action(chair, pressed["verb"], pressed["data"]))
    assert "1.1 is now due on 14 February 2020" in said(valid_card(answer["value"]))
    assert plan_state.action(plan, "1.1").due_approved_by == "dfe"
    done = said(ask(teams, framework, chair, "action due 1.2 approved").card)
    assert "DfE/NHS England approved the new date. 1.2 is now due on 28 February 2020" in done
    action = plan_state.action(plan, "1.2")
    assert action.due_date == date(2020, 2, 28) and action.due_approved_by == "dfe"


def test_reminders_keep_the_current_date_while_a_new_one_awaits_dfe(chat, plan):
    chat.says("due 1.2 28/02/2020 Data arrives late", ADMIN)
    sweep = ReminderSweep(plan.db, plan.board, None, plan.clock)
    # 6 February is 1.2's date until DfE/NHS England approve: 7 days before it, it is reminded.
    thursday = datetime(2020, 1, 30, 9, 30, tzinfo=UTC)
    due = [
        (item.key, item.action.due)
        for bundle in sweep.run(None, now=thursday, dry_run=True).sent
        for item in bundle.items
        if item.action is not None and item.action.ref == "1.2"
    ]
    assert due and all(day == date(2020, 2, 6) for _, day in due), due


def test_a_first_date_for_an_action_with_none_agreed_needs_no_dfe_approval(chat, plan):
    """Agreeing the first date of an "Ongoing" action moves no date in the plan."""
    chat.says(f'add 9.1 "Termly audit of plans" wg 1 owner {OWNER} due TBC', ADMIN)
    said = chat.says("due 9.1 31/03/2020 Agreed at the board", ADMIN)
    assert "9.1 is now due on 31 March 2020 (the first date agreed for it)" in said
    assert "awaiting" not in said
    action = plan_state.action(plan, "9.1")
    assert action.due_date == action.original_due_date == date(2020, 3, 31)
    assert action.due_approved_by is None  # nothing was revised, so nothing approved
