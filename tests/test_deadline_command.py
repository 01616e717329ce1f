"""`/deadline` (SPEC §3): admins manage, everyone lists; a visit shows its evidence deadline."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.conftest import ADMIN, OWNER

pytestmark = pytest.mark.usefixtures("plan")


def test_a_visit_shows_its_evidence_deadline_ten_working_days_before(chat):
    said = chat.says("add visit 6 Feb 2020", ADMIN, "/deadline")
    assert "Added deadline 1: DfE/NHSE monitoring visit on 6 February 2020." in said
    assert "Evidence is due by 23 January 2020." in said
    listed = chat.says("list", OWNER, "/deadline")
    assert "visit* (deadline 1) — Thursday 6 February 2020 (in 17 days)" in listed
    assert "evidence due Thursday 23 January (in 3 days)" in listed


def test_deadlines_are_listed_soonest_first_with_a_countdown(chat):
    chat.ask("add 31/03/2020 Self-evaluation refresh", ADMIN, "/deadline")
    chat.ask("add board 21/01/2020", ADMIN, "/deadline")
    said = chat.says("", OWNER, "/deadline")
    assert said.index("SEND Improvement Board meeting") < said.index("Self-evaluation refresh")
    assert "Tuesday 21 January 2020 (tomorrow)" in said


def test_past_deadlines_leave_the_list(chat):
    chat.ask("add board 10/12/2019 December board", ADMIN, "/deadline")
    assert "No upcoming deadlines" in chat.says("list", OWNER, "/deadline")


def test_removing_a_deadline(chat):
    chat.ask("add board 21/01/2020", ADMIN, "/deadline")
    assert "Removed deadline 1" in chat.says("remove 1", ADMIN, "/deadline")
    assert "No upcoming deadlines" in chat.says("list", OWNER, "/deadline")
    assert "There is no deadline 1" in chat.says("remove 1", ADMIN, "/deadline")


@pytest.mark.parametrize("text", ["add visit 6/2/2020", "add 1/3/2020 Thing", "remove 1"])
def test_only_admins_manage_deadlines(chat, text):
    said = chat.says(text, OWNER, "/deadline")
    assert "Only an admin (U0ADMIN01) can" in said


@pytest.mark.parametrize(
    ("text", "reason", "usage"),
    [
        ("add visit 31/02/2020", "There is no 31 February 2020.", "/deadline add visit DATE"),
        ("add visit", "A date is missing", "/deadline add visit DATE"),
        ("add 01/03/2020", "What is the deadline for?", "/deadline add DATE TITLE"),
        ("add soon Thing", "is not a date I understand", "/deadline add DATE TITLE"),
        ("remove x", "Which deadline?", "/deadline remove ID"),
        ("move 1", "I don't know “move”", "/deadline list | add | remove"),
    ],
)
def test_bad_deadline_input_gets_a_reason_and_the_usage(chat, text, reason, usage):
    said = chat.says(text, ADMIN, "/deadline")
    assert reason in said and usage in said
    assert "No upcoming deadlines" in chat.says("list", OWNER, "/deadline")


def test_deadline_help_lists_every_subcommand(chat):
    said = chat.says("help", OWNER, "/deadline")
    for usage in ("/deadline list", "/deadline add visit DATE", "/deadline remove ID"):
        assert usage in said


def test_deadline_titles_are_escaped(chat):
    said = chat.ask("add 01/03/2020 <!channel> party", ADMIN, "/deadline")
    assert "<!channel>" not in str(chat.ask("list", OWNER, "/deadline")) + str(said)


@pytest.mark.parametrize("kind", ["visit", "board"])
def test_a_second_visit_or_board_meeting_on_the_same_date_is_refused(chat, kind):
    chat.ask(f"add {kind} 6/2/2020", ADMIN, "/deadline")
    said = chat.says(f"add {kind} 06/02/2020 Second one", ADMIN, "/deadline")
    assert "There is already a" in said and "on 6 February 2020: " in said
    assert "(deadline 1). To change it, remove it first" in said
    assert "/deadline remove 1" in said and f"add {kind} DATE" in said
    assert f"add {kind} 06/02/2020 Second one" in said  # what was typed, handed back
    listed = chat.says("list", OWNER, "/deadline")
    assert "(deadline 1)" in listed and "(deadline 2)" not in listed
    # Another kind of deadline, or the same kind on another day, is still welcome.
    assert "Added deadline 2" in chat.says(
        "add 6/2/2020 Evidence pack to the DfE", ADMIN, "/deadline"
    )
    assert "Added deadline 3" in chat.says(f"add {kind} 7/2/2020", ADMIN, "/deadline")
    # Once removed, the date is free again.
    chat.ask("remove 1", ADMIN, "/deadline")
    assert "Added deadline 4" in chat.says(f"add {kind} 6/2/2020", ADMIN, "/deadline")


def test_evidence_sent_is_recorded_once_by_an_admin_and_the_visit_summary_says_so(chat):
    chat.ask("add visit 6/2/2020", ADMIN, "/deadline")
    chat.ask("add board 27/1/2020", ADMIN, "/deadline")
    assert "Only an admin" in chat.says("evidence-sent 1", OWNER, "/deadline")
    refused = chat.says("evidence-sent 2", ADMIN, "/deadline")
    assert "Deadline 2, SEND Improvement Board meeting, is not a monitoring visit" in refused
    assert "/deadline evidence-sent ID" in refused
    assert "There is no deadline 7" in chat.says("evidence-sent 7", ADMIN, "/deadline")
    assert "Which visit?" in chat.says("evidence-sent", ADMIN, "/deadline")
    said = chat.says("evidence-sent 1", ADMIN, "/deadline")
    assert "Recorded: the evidence for the DfE/NHSE monitoring visit on 6 February 2020" in said
    again = chat.says("evidence-sent #1", ADMIN, "/deadline")
    assert "already recorded as sent on 20 January 2020 by" in again
    visit = chat.says("visit", OWNER, "/summary")
    assert "Evidence is due by Thursday 23 January 2020 — sent on 20 January 2020 by" in visit
    assert "/deadline evidence-sent ID" in chat.says("help", OWNER, "/deadline")


def test_evidence_past_its_deadline_and_not_recorded_says_how_to_record_it(chat):
    chat.ask("add visit 6/2/2020", ADMIN, "/deadline")
    with time_machine.travel(datetime(2020, 1, 27, 10, tzinfo=UTC), tick=True):
        said = chat.says("visit", ADMIN, "/summary")
    assert (
        "Evidence was due by Thursday 23 January 2020 and has not been recorded as sent: "
        "/deadline evidence-sent 1"
    ) in said


def test_a_stocktake_is_a_deadline_of_its_own_kind(chat):
    said = chat.says("add stocktake 4/5/2020", ADMIN, "/deadline")
    assert "Added deadline 1: Plan stocktake on 4 May 2020." in said
    assert "There is already a Plan stocktake" in chat.says(
        "add stocktake 4/5/2020", ADMIN, "/deadline"
    )
