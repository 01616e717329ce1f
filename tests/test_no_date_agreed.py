"""Actions with no date agreed (SPEC §2, issue 13 item 3): a tracker's "Ongoing", "Termly" or
"TBC" is kept as an action with no due date. It is listed to the chair as "no date agreed",
sorted after the dated actions, never overdue or due soon, and never reminded about a due date,
until an admin (or the plan file) gives it its first date."""

import csv
import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from bot.reminder_sweep import ReminderSweep
from storage.database import Database
from storage.models import Action, ActionHistory
from tests.conftest import ADMIN, OTHER, OWNER
from tests.support import plan_state
from tests.support.blockkit import assert_valid_view, flatten
from tests.support.cli import operator_settings
from tests.support.cli import sendbot as run_sendbot
from tests.support.speak import SlackVoice
from tests.test_import_check import (  # noqa: F401 (the operator fixture)
    operator,
    row_counts,
    sendbot,
    with_token,
)
from tests.test_teams_door import card_text, door, reply_in, sam, sender, teams  # noqa: F401

TRACKER = (
    "Ref,Action,Working group,Lead officer,By when\n"
    "1.1,Joint strategic needs assessment,1,Sarah Jones,31/03/2020\n"
    "1.2,Publish the SEND dashboard,1,Sarah Jones,Ongoing\n"
    "2.1,Speech and language therapy review,2,Sarah Jones,Ongoing\n"
    "2.2,Parent carer forum survey,2,Sarah Jones,Ongoing - reviewed termly\n"
    "3.1,Refresh the local offer,3,Sarah Jones,TBC\n"
    "3.2,Annual SEND conference,3,Sarah Jones,Annual\n"
    "4.1,Preparation for adulthood panel,4,Sarah Jones,Ongoing\n"
)
# The same plan a month on: 1.2 has its date, 1.1's date is no longer agreed.
AGREED = TRACKER.replace("Sarah Jones,Ongoing\n", "Sarah Jones,30/06/2020\n", 1).replace(
    "Sarah Jones,31/03/2020\n", "Sarah Jones,TBC\n"
)
UNDATED = ["1.2", "2.1", "2.2", "3.1", "3.2", "4.1"]


def due_dates(database_url: str) -> dict[str, tuple[date | None, date | None]]:
    db = Database(database_url)
    try:
        with db.session() as session:
            rows = session.execute(select(Action.ref, Action.original_due_date, Action.due_date))
            return {ref: (original, due) for ref, original, due in rows}
    finally:
        db.dispose()


def due_history(database_url: str, ref: str) -> list[tuple[str | None, str | None]]:
    db = Database(database_url)
    try:
        with db.session() as session:
            rows = session.execute(
                select(ActionHistory.old_value, ActionHistory.new_value)
                .join(Action, Action.id == ActionHistory.action_id)
                .where(Action.ref == ref, ActionHistory.field == "due_date")
                .order_by(ActionHistory.id)
            )
            return [tuple(row) for row in rows]
    finally:
        db.dispose()


# The import, its check and the round trip (through the CLI, on every backend)


@pytest.mark.usefixtures("operator")
def test_ongoing_termly_and_tbc_come_in_with_no_date_and_round_trip_unchanged(
    database_url, tmp_path, monkeypatch, standin, capsys
):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(TRACKER, encoding="utf-8")
    before = row_counts(database_url)

    # The check writes nothing and says what it read, by kind with counts, then line by line.
    assert sendbot("import", "--check", str(tracker)) == 0
    said = capsys.readouterr().out.splitlines()
    assert "Would create 7 actions: 1.1, 1.2, 2.1, 2.2, 3.1, 3.2, 4.1" in said
    assert "  3 rows: due date “Ongoing” read as no date agreed" in said
    assert "  1 row: due date “Ongoing - reviewed termly” read as no date agreed" in said
    assert "  1 row: due date “TBC” read as no date agreed" in said
    assert "  1 row: due date “Annual” read as no date agreed" in said
    (line_6,) = [line for line in said if line.startswith("Line 6: ")]
    assert line_6.endswith("; due date “TBC” read as no date agreed.")
    assert row_counts(database_url) == before

    with_token(monkeypatch, standin)
    assert sendbot("import", str(tracker)) == 0
    assert "Created 7 actions: 1.1, 1.2, 2.1, 2.2, 3.1, 3.2, 4.1" in capsys.readouterr().out
    dates = due_dates(database_url)
    assert dates["1.1"] == (date(2020, 3, 31), date(2020, 3, 31))
    assert {ref: dates[ref] for ref in UNDATED} == {ref: (None, None) for ref in UNDATED}

    # The export says "No date agreed" where the date would be; imported back, nothing changes.
    for exported in (tmp_path / "plan.csv", tmp_path / "plan.xlsx"):
        assert sendbot("export", str(exported)) == 0
        capsys.readouterr()
        history = row_counts(database_url)["action_history"]
        assert sendbot("import", str(exported)) == 0
        said = capsys.readouterr().out.splitlines()
        assert "Unchanged: 7 actions" in said, said
        assert not any("read as no date agreed" in line for line in said)  # our own words
        assert row_counts(database_url)["action_history"] == history
    with (tmp_path / "plan.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = {row["Reference"]: row for row in csv.DictReader(file)}
    assert rows["1.2"]["Due date"] == "No date agreed"
    assert rows["1.2"]["Original due date"] == "No date agreed"
    assert rows["1.1"]["Due date"] != "No date agreed"

    # A month on the plan gives 1.2 its first date (the original too) and takes 1.1's away;
    # each is a change with its history.
    agreed = tmp_path / "agreed.csv"
    agreed.write_text(AGREED, encoding="utf-8")
    assert sendbot("import", str(agreed)) == 0
    said = capsys.readouterr().out.splitlines()
    assert "Updated 2 actions: 1.1, 1.2" in said
    dates = due_dates(database_url)
    assert dates["1.2"] == (date(2020, 6, 30), date(2020, 6, 30))
    assert dates["1.1"] == (date(2020, 3, 31), None)  # the original agreed date is kept
    assert due_history(database_url, "1.2") == [(None, "2020-06-30")]
    assert due_history(database_url, "1.1") == [("2020-03-31", None)]
    assert sendbot("import", str(agreed)) == 0
    assert "Unchanged: 7 actions" in capsys.readouterr().out.splitlines()


# Chat: show, mine, list, overdue and due-soon, the first date, adding with no date (Slack)


def test_an_undated_action_is_shown_as_no_date_agreed_and_listed_after_the_dated(chat, plan):
    added = chat.says(f'add 5.1 "Short breaks review" wg 1 owner {OWNER} due TBC', ADMIN)
    assert added.startswith("Added 5.1")
    chat.says(f'add 5.2 "Local offer refresh" wg 1 owner {OWNER} due no date agreed', ADMIN)
    assert plan_state.action(plan, "5.1").due_date is None
    assert plan_state.action(plan, "5.2").original_due_date is None

    shown = chat.says("show 5.1", OWNER)
    assert "*Due:* no date agreed" in shown
    assert "Originally due" not in shown

    # Mine and list: the undated after every dated one, "no date agreed" where the date goes.
    mine = chat.says("mine", OWNER)
    assert mine.index("3.1") < mine.index("1.1") < mine.index("1.2") < mine.index("5.1")
    assert mine.index("5.1") < mine.index("5.2")
    assert "Not started · no date agreed" in mine
    for filters in ("", "wg 1", f"owner {OWNER}", "not-started"):
        listed = chat.says(f"list {filters}".strip(), ADMIN)
        assert listed.index("1.2") < listed.index("5.1") < listed.index("5.2"), filters
    for filters in ("overdue", "due-soon", "wg 1 overdue", "wg 1 due-soon"):
        assert "5.1" not in chat.says(f"list {filters}", ADMIN), filters

    # Snoozing needs no due date: quiet for a while, as for any action not yet due.
    snoozed = chat.press_expecting_reply(chat.ask("mine", OWNER), "action_snooze", "5.1", OWNER)
    assert "Reminders for 5.1 are snoozed until Wednesday 22 January 2020" in snoozed

    # An admin gives it its first date: that is its original too, and its history says so.
    redated = chat.says("due 5.1 30/04/2020 Agreed at the board", ADMIN)
    assert redated.startswith("5.1 is now due on 30 April 2020 (the first date agreed for it)."), (
        redated
    )
    assert plan_state.action(plan, "5.1").original_due_date == date(2020, 4, 30)
    shown = chat.says("show 5.1", OWNER)
    assert "*Due:* 30 April 2020" in shown and "Originally due" not in shown
    assert "Due date no date agreed → 30 April 2020: Agreed at the board" in shown


def test_a_typo_after_due_is_still_refused_with_the_usage_and_writes_nothing(chat, plan):
    before = plan_state.snapshot(plan)
    said = chat.says(f'add 5.1 "Short breaks review" wg 1 owner {OWNER} due TBD2', ADMIN)
    assert "TBD2" in said and "/action add" in said
    assert plan_state.snapshot(plan) == before


def test_the_add_form_takes_no_date_agreed_instead_of_a_date(chat, standin, plan):
    chat.sender.command_request("/action", "add", ADMIN)
    view = standin.wait_for("views.open")[0].params["view"]
    assert_valid_view(view)
    assert "No date agreed yet" in flatten(view)
    values = {
        "ref": {"type": "plain_text_input", "value": "6.4"},
        "title": {"type": "plain_text_input", "value": "SENCO network meets termly"},
        "group": {"type": "static_select", "selected_option": {"value": "6"}},
        "owner": {"type": "users_select", "selected_user": OTHER},
    }
    ticked = {"type": "checkboxes", "selected_options": [{"value": "yes"}]}
    before = plan_state.snapshot(plan)
    answer = chat.sender.submit(view, values, ADMIN)
    assert json.loads(answer.body)["errors"] == {
        "due": "Choose the due date, or tick “No date agreed yet”."
    }
    dated = {**values, "due": {"type": "datepicker", "selected_date": "2020-05-01"}}
    answer = chat.sender.submit(view, {**dated, "no_date": ticked}, ADMIN)
    assert json.loads(answer.body)["errors"] == {
        "due": "Choose a due date or tick “No date agreed yet”, not both."
    }
    assert plan_state.snapshot(plan) == before

    answer = chat.sender.submit(view, {**values, "no_date": ticked}, ADMIN)
    assert (answer.status, answer.body) == (200, "")
    row = plan_state.action(plan, "6.4")
    assert (row.title, row.due_date, row.original_due_date) == (
        "SENCO network meets termly",
        None,
        None,
    )


# The summary: everyone sees how many, the chair sees which (Slack and Teams)


def test_the_summary_counts_the_undated_and_lists_them_to_the_chair(chat, plan):
    SlackVoice(plan).action(ADMIN, f'add 5.1 "Short breaks review" wg 1 owner {OWNER} due TBC')
    SlackVoice(plan).action(ADMIN, f'add 6.1 "SEN support audit" wg 2 owner {OTHER} due Ongoing')

    chair = chat.says("", ADMIN, "/summary")
    assert "2 actions have no date agreed" in chair
    assert "*5.1* Short breaks review" in chair and "*6.1* SEN support audit" in chair
    # Still counted in the BRAG totals and the % complete: seven actions, none complete.
    assert "*0% complete* (0 of 7 actions)" in chair

    member = chat.says("", OWNER, "/summary")
    assert "2 actions have no date agreed" in member
    assert "Short breaks review" not in member and "SEN support audit" not in member
    assert "more" not in member.split("no date agreed")[1].split("\n")[0]

    group = chat.says("wg 1", ADMIN, "/summary")
    assert "1 action has no date agreed" in group and "*5.1* Short breaks review" in group
    assert "6.1" not in group
    assert "no date agreed" not in chat.says("wg 4", ADMIN, "/summary")


def test_teams_shows_no_date_agreed_on_the_card_and_in_the_summary(
    teams,  # noqa: F811
    sender,  # noqa: F811
    sam,  # noqa: F811
    plan,
):
    SlackVoice(plan).action(ADMIN, f'add 5.1 "Short breaks review" wg 1 owner {OWNER} due TBC')

    def asks(typed: str) -> str:
        activity = teams.activities.message(sam, typed)
        assert sender.post(activity).status == 200
        text = card_text(reply_in(teams, activity["conversation"]["id"]))
        teams.reset()
        return text

    shown = asks("action show 5.1")
    assert "Due" in shown and "no date agreed" in shown
    summary = asks("summary")
    assert "1 action has no date agreed" in summary
    assert "Short breaks review" not in summary  # Sam is not an admin: the count only


# Reminders: none about a due date, through the sweep and `sendbot remind --dry-run`

TUESDAY = datetime(2020, 1, 21, 9, 30, tzinfo=UTC)


def test_an_undated_action_gets_no_due_date_reminders(plan, standin):
    SlackVoice(plan).action(ADMIN, f'add 5.1 "Short breaks review" wg 1 owner {OWNER} due TBC')
    sweep = ReminderSweep(plan.db, plan.board, None, plan.clock, admins=plan.people.admin_refs)
    with time_machine.travel(TUESDAY, tick=False):
        report = sweep.run(None, now=TUESDAY, dry_run=True)
    items = [item for bundle in report.sent for item in bundle.items]
    reminded = {item.action.ref for item in items if item.action is not None}
    assert "1.1" in reminded  # due in ten days: the sweep ran and reminded about it
    assert "5.1" not in reminded

    # Months without an update: the owner is asked for one, and never told it is due.
    later = datetime(2020, 4, 21, 9, 30, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        report = sweep.run(None, now=later, dry_run=True)
    kinds = {
        item.kind
        for bundle in report.sent
        for item in bundle.items
        if item.action and item.action.ref == "5.1"
    }
    assert kinds == {"stale"}


def test_sendbot_remind_dry_run_leaves_the_undated_out(database_url, standin, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "ref,title,working_group,owner,due\n"
        "1.1,Joint strategic needs assessment,1,U0OWNER01,31/01/2020\n"
        "1.2,Publish the SEND dashboard,1,U0OWNER01,TBC\n",
        encoding="utf-8",
    )
    settings = operator_settings(database_url, standin)
    assert run_sendbot("import", str(plan), cwd=tmp_path, **settings).returncode == 0
    done = run_sendbot("remind", "--at", "2020-01-30T09:30", "--dry-run", cwd=tmp_path, **settings)
    assert done.returncode == 0, done.stderr
    assert "1.1 due soon" in done.stdout
    assert "1.2" not in done.stdout
    assert standin.calls_to("chat.postMessage") == []


# Asking for a new date: there is no date to move yet


def test_asking_for_a_new_date_on_an_undated_action_says_an_admin_agrees_the_first(chat, plan):
    """An old reminder's button, pressed after the plan took the date away ("TBC")."""
    SlackVoice(plan).action(ADMIN, f'add 5.1 "Short breaks review" wg 1 owner {OWNER} due TBC')
    before = plan_state.snapshot(plan)
    url = chat.sender.press("date_request_open", json.dumps({"ref": "5.1"}), OWNER)
    said = flatten(chat.standin.wait_for_response(url)[0])
    assert (
        "5.1 has no date agreed yet, so there is no date to move. Ask an admin to agree its "
        "first date with /action due 5.1 DATE. Nothing was changed."
    ) in said
    assert chat.standin.calls_to("views.open") == []
    assert plan_state.snapshot(plan) == before
