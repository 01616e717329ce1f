"""Actions from minutes through the doors an admin uses: `sendbot draft-actions` (then `sendbot
import` of its CSV: accepting offline) and `/action from-minutes` (a form, a list of drafts, "Add
this action" opening the Add form filled in, "Drop"). Nothing is created until a draft is accepted.
"""

import csv
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from slack_standin.signed_requests import select as select_option
from storage.models import ChatAccount
from tests.conftest import ADMIN, BOARD_TOML, OTHER, OWNER
from tests.support import plan_state
from tests.support.blockkit import assert_valid_message, assert_valid_view, flatten
from tests.support.cli import operator_settings, sendbot
from tests.support.speak import SlackVoice

SEED = Path(__file__).parents[2] / "shared" / "seed" / "board-minutes-send-update.txt"
FIRST = "Draft a response and circulate it to the members of the Board"
SECOND = (
    "Table an item at the January meeting of the SEND Improvement Board asking for the Scrutiny"
    " Advisory Board – Children and Young People to be represented on each of the SEND Working"
    " Groups"
)
# The board knows the Portfolio Holder by role: the first decision's paragraph names the role.
PEOPLE = """
[[people]]
name = "Cllr Dee Jones"
role = "Portfolio Holder for Children’s Services"
email = "dee.jones@council.example"
organisation = "The council"
"""
# The part of the seed minutes with the decisions: a modal takes 3,000 characters at most.
DECISIONS = "\n\n".join(SEED.read_text(encoding="utf-8").split("\n\n")[-6:])


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    path = tmp_path / "board.toml"
    path.write_text(BOARD_TOML + PEOPLE, encoding="utf-8")
    return path


def add_board_meetings(runtime) -> None:
    """Board meetings the admin added in December 2019: January's is the one "the January
    meeting" means (the year after's is later; February's is not January)."""
    with time_machine.travel(datetime(2019, 12, 11, 10, 0, tzinfo=UTC)):
        for day in ("11/02/2020", "14/01/2020", "12/01/2021"):
            SlackVoice(runtime).deadline(ADMIN, f"add board {day}")


# The command line


@pytest.mark.slow(12)
def test_the_seed_minutes_give_their_two_agreed_actions_and_the_csv_imports(
    runtime, database_url, board_file, standin, tmp_path
):
    add_board_meetings(runtime)
    before = plan_state.snapshot(runtime)
    out = tmp_path / "drafts.csv"
    offline = {"DATABASE_URL": database_url, "BOARD_CONFIG": str(board_file)}  # no token
    done = sendbot(
        "draft-actions", str(SEED), "--meeting", "10/12/2019", "--csv", str(out),
        cwd=tmp_path, **offline,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    said = done.stdout
    assert said.startswith("2 draft actions from the minutes of 10 December 2019.")
    assert f"1. {FIRST}\n" in said and f"2. {SECOND}\n" in said and "3. " not in said
    assert "Suggested owner: Cllr Dee Jones (Portfolio Holder for Children’s Services)" in said
    assert "Due: 14 January 2020 (the January meeting)" in said
    assert said.count("Source: Board 10/12/2019") == 2
    assert "From the minutes: “It was AGREED that a response be drafted" in said
    assert plan_state.snapshot(runtime) == before  # drafts, not actions

    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [(r["ref"], r["title"], r["owner"], r["due"], r["source"]) for r in rows] == [
        ("A1", FIRST, "dee.jones@council.example", "TBC", "Board 10/12/2019"),
        ("A2", SECOND, "", "2020-01-14", "Board 10/12/2019"),
    ]
    assert [r["working_group"] for r in rows] == ["", ""]  # the board chooses

    # The board edits the file, as it would in Excel, and imports it: that is accepting.
    rows[0]["working_group"], rows[1]["working_group"] = "1", "3"
    rows[1]["owner"] = "Head of SEND"
    with out.open("w", encoding="utf-8-sig", newline="") as edited:
        writer = csv.DictWriter(edited, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    operator = offline | operator_settings(database_url, standin)
    imported = sendbot("import", str(out), cwd=tmp_path, **operator)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "Created 2 actions: A1, A2" in imported.stdout
    first, second = plan_state.action(runtime, "A1"), plan_state.action(runtime, "A2")
    assert (first.title, first.due_date, first.source) == (FIRST, None, "Board 10/12/2019")
    assert (second.due_date, second.source) == (date(2020, 1, 14), "Board 10/12/2019")


def test_minutes_with_no_date_are_refused_with_the_reason_and_the_usage(
    runtime, database_url, tmp_path
):
    refused = sendbot("draft-actions", str(SEED), cwd=tmp_path, DATABASE_URL=database_url)
    assert refused.returncode == 1
    assert refused.stderr == (
        "sendbot draft-actions: I can't find the date of the meeting in the minutes' heading. "
        "Give the date of the meeting. Add --meeting DATE, like --meeting 14/01/2027.\n"
        "Usage: sendbot draft-actions FILE [--meeting DATE] [--csv OUT]\n"
    )
    typo = sendbot("draft-actions", str(SEED), "--meeting", "someday", cwd=tmp_path,
                   DATABASE_URL=database_url)  # fmt: skip
    assert typo.returncode == 1 and "“someday” is not a date" in typo.stderr


def test_a_word_document_of_minutes_is_read_too(runtime, database_url, tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("Minutes of the SEND Improvement Board held on 14 January 2027")
    document.add_paragraph("It was AGREED that the Head of SEND circulate the revised tracker.")
    document.add_paragraph("RESOLVED that members note the report.")
    path = tmp_path / "minutes.docx"
    document.save(path)
    done = sendbot("draft-actions", str(path), cwd=tmp_path, DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    assert "1 draft action from the minutes of 14 January 2027." in done.stdout
    assert "1. Circulate the revised tracker" in done.stdout
    assert "Source: Board 14/01/2027" in done.stdout


# Slack


@pytest.fixture
def january(monday_morning, runtime) -> None:
    """20 January 2020; the December meeting's minutes; the next board meeting on 28 January."""
    SlackVoice(runtime).deadline(ADMIN, "add board 28/01/2020")


def open_form(chat, standin) -> dict:
    before = len(standin.calls_to("views.open"))
    chat.sender.command_request("/action", "from-minutes", ADMIN)
    view = standin.wait_for("views.open", count=before + 1)[-1].params["view"]
    assert_valid_view(view)
    return view


def submit_minutes(chat, standin, minutes: str, meeting: str | None = "2019-12-10"):
    """Paste the minutes; return the list of drafts the bot sends the admin."""
    view = open_form(chat, standin)
    values = {"minutes": {"type": "plain_text_input", "value": minutes}}
    if meeting:
        values["meeting"] = {"type": "datepicker", "selected_date": meeting}
    before = len(standin.calls_to("chat.postMessage"))
    answer = chat.sender.submit(view, values, ADMIN)
    assert answer.status == 200 and not answer.body, answer.body
    sent = standin.wait_for("chat.postMessage", count=before + 1)[-1].params
    assert sent["channel"] == ADMIN
    sent = {**sent, "blocks": json.loads(sent["blocks"]) if isinstance(sent["blocks"], str)
            else sent["blocks"]}  # fmt: skip
    assert_valid_message(sent)
    return sent


def button(message: dict, action_id: str, number: int) -> str:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if (
                element.get("action_id") == action_id
                and json.loads(element["value"])["n"] == number
            ):
                assert len(element["value"]) <= 2000
                return element["value"]
    raise AssertionError(f"no {action_id} button for draft {number}")


@pytest.mark.usefixtures("january")
def test_add_this_action_opens_the_add_form_filled_in_and_saving_it_creates_the_action(
    chat, standin, runtime
):
    before = plan_state.snapshot(runtime)
    drafts = submit_minutes(chat, standin, DECISIONS)
    said = flatten(drafts)
    assert "2 draft actions from the minutes of 10 December 2019." in said
    assert f"1. {FIRST}" in said and f"2. {SECOND}" in said
    assert "Suggested owner: Cllr Dee Jones (Portfolio Holder for Children’s Services)" in said
    assert "Due: 28 January 2020" in said
    assert "“It was AGREED that an item be tabled at the January meeting" in said
    assert plan_state.snapshot(runtime) == before  # a draft is not an action

    chat.sender.press("minutes_add", button(drafts, "minutes_add", 2), ADMIN)
    view = standin.wait_for("views.open", count=2)[-1].params["view"]
    assert_valid_view(view)
    blocks = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert blocks["title"]["initial_value"] == SECOND
    assert blocks["due"]["initial_date"] == "2020-01-28"
    assert blocks["source"]["initial_value"] == "Board 10/12/2019"
    assert plan_state.snapshot(runtime) == before  # opening the form adds nothing either

    values = {
        "title": {"type": "plain_text_input", "value": blocks["title"]["initial_value"]},
        "group": select_option("3"),
        "owner": {"type": "users_select", "selected_user": OTHER},
        "due": {"type": "datepicker", "selected_date": blocks["due"]["initial_date"]},
        "source": {"type": "plain_text_input", "value": blocks["source"]["initial_value"]},
    }
    answer = chat.sender.submit(view, values, ADMIN)
    assert answer.status == 200 and not answer.body, answer.body
    added = plan_state.action(runtime, "A1")
    assert (added.title, added.due_date, added.source) == (
        SECOND,
        date(2020, 1, 28),
        "Board 10/12/2019",
    )
    assert plan_state.slack_id(runtime, added.owner_id) == OTHER


@pytest.mark.usefixtures("january")
def test_the_suggested_owner_with_a_slack_account_is_chosen_in_the_form(chat, standin, runtime):
    SlackVoice(runtime).action(OWNER, "mine")  # the owner is known to the bot …
    with runtime.db.session() as session:  # … and holds the role the minutes name
        session.scalars(
            select(ChatAccount).where(ChatAccount.account_id == OWNER)
        ).one().person.role_title = "Head of SEND"
    drafts = submit_minutes(
        chat, standin, "It was AGREED that the Head of SEND circulate the tracker.", "2019-12-10"
    )
    chat.sender.press("minutes_add", button(drafts, "minutes_add", 1), ADMIN)
    view = standin.wait_for("views.open", count=2)[-1].params["view"]
    owner = next(b["element"] for b in view["blocks"] if b.get("block_id") == "owner")
    assert owner["initial_user"] == OWNER


@pytest.mark.usefixtures("january")
def test_drop_takes_the_draft_off_the_list_and_creates_nothing(chat, standin, runtime):
    before = plan_state.snapshot(runtime)
    drafts = submit_minutes(chat, standin, DECISIONS)
    pressed = {
        "type": "block_actions",
        "team": {"id": "T0SEND001"},
        "user": {"id": ADMIN},
        "api_app_id": "A0SENDBOT",
        "trigger_id": "trigger.1",
        "container": {"type": "message", "channel_id": ADMIN},
        "channel": {"id": ADMIN},
        "message": {"ts": "1700000000.000100", "blocks": drafts["blocks"]},
        "actions": [
            {
                "type": "button",
                "action_id": "minutes_drop",
                "block_id": "draft-buttons:1",
                "value": button(drafts, "minutes_drop", 1),
            }
        ],
    }
    assert chat.sender.interaction(pressed).status == 200
    update = standin.wait_for("chat.update")[-1].params
    assert (update["channel"], update["ts"]) == (ADMIN, "1700000000.000100")
    shown = {**update, "blocks": json.loads(update["blocks"]) if isinstance(update["blocks"], str)
             else update["blocks"]}  # fmt: skip
    assert_valid_message(shown)
    said = flatten(shown)
    assert FIRST not in said and SECOND in said
    assert plan_state.snapshot(runtime) == before


@pytest.mark.usefixtures("january")
def test_minutes_with_no_decisions_say_so_and_a_missing_date_is_asked_for(chat, standin):
    drafts = submit_minutes(chat, standin, "RESOLVED that members note the contents of the report.")
    assert drafts["text"] == (
        "I found no decisions to do something in the minutes of 10 December 2019. "
        "Nothing was added."
    )
    assert "minutes_add" not in json.dumps(drafts["blocks"])
    view = open_form(chat, standin)
    values = {"minutes": {"type": "plain_text_input", "value": DECISIONS}}
    answer = chat.sender.submit(view, values, ADMIN)
    assert json.loads(answer.body)["errors"] == {
        "meeting": "I can't find the date of the meeting in the minutes' heading. Give the date "
        "of the meeting."
    }


@pytest.mark.usefixtures("january")
def test_only_admins_may_draft_actions_from_minutes(chat, standin):
    said = chat.says("from-minutes", OWNER)
    assert "Only" in said and "can draft actions from minutes. Nothing was changed." in said
    assert not standin.calls_to("views.open")


def test_the_form_keeps_slacks_limits():
    from bot.minutes_service import MinutesDrafts, Proposal
    from handlers.slack.minutes_drafts import drafts_message, minutes_view

    view = minutes_view({})
    assert_valid_view(view)
    assert view["blocks"][0]["element"]["max_length"] == 3000
    many = tuple(
        Proposal(n, "T" * 200, "D" * 2000, None, "officers", None, None, "Board 10/12/2019")
        for n in range(1, 31)
    )
    message = drafts_message(MinutesDrafts(date(2019, 12, 10), many))
    assert_valid_message(message)
    assert "10 more: run sendbot draft-actions" in flatten(message)


# board.toml [[people]]


def test_people_in_board_toml_are_checked_and_kept_with_their_roles(runtime):
    from bot.board_config import parse_board
    from bot.board_sync import sync_board
    from bot.errors import ConfigError
    from sendbot.identities import RULES, find_lead
    from storage.models import Person

    for entry, reason in (
        ({"name": "Jo"}, "board.toml: people[0].role must be some text."),
        ({"name": "Jo", "role": "DCO", "email": "jo"}, "people[0].email must be an email"),
        ({"name": "Jo", "role": "DCO", "account": "jo"}, "people[0].account must be a Slack"),
        ({"name": "Jo", "role": "DCO", "phone": "1"}, "people[0]: unknown key 'phone'"),
    ):
        with pytest.raises(ConfigError, match=re.escape(reason)):
            parse_board({"people": [entry]}, ids=RULES)
    board = parse_board(
        {
            "people": [
                {"name": "Lee Grant", "role": "Designated Clinical Officer", "organisation": "ICB"},
                {"name": "Priya Shah", "role": "Head of SEND", "email": "priya@council.example"},
                {"name": "Sam Patel", "role": "Head of SEND Commissioning", "account": OTHER},
            ]
        },
        ids=RULES,
    )
    for _ in range(2):  # a second start changes nothing
        sync_board(runtime.db, board, find_lead)
    with runtime.db.session() as session:
        people = session.scalars(select(Person).where(Person.role_title.is_not(None)))
        kept = sorted(
            (p.name, p.role_title, p.email, p.organisation, [a.account_id for a in p.accounts])
            for p in people
        )
    assert [k for k in kept if k[0] != "Cllr Dee Jones"] == [
        ("Lee Grant", "Designated Clinical Officer", None, "ICB", []),
        ("Priya Shah", "Head of SEND", "priya@council.example", None, []),
        ("Sam Patel", "Head of SEND Commissioning", None, None, [OTHER]),
    ]
