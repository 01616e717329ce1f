"""`/action`, every subcommand, through signed HTTP requests to the running bot (SPEC §3)."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import time_machine

from bot.board_sync import sync_board
from sendbot.identities import find_lead
from slack_standin.signed_requests import select as select_option
from slack_standin.signed_requests import text_input
from tests.conftest import ADMIN, LEAD, OTHER, OWNER
from tests.support import plan_state
from tests.support.blockkit import flatten

pytestmark = pytest.mark.usefixtures("plan")


def test_help_lists_every_subcommand_with_an_example(chat):
    for text in ("", "help"):
        said = chat.says(text, OWNER)
        for sub in (
            "mine",
            "list",
            "show",
            "update",
            "note",
            "done",
            "add",
            "assign",
            "due",
            "remove",
        ):
            assert f"/action {sub}" in said
        assert "e.g. `/action update 1.1 amber" in said


def test_unknown_subcommand_gets_a_reason_and_the_usage(chat):
    said = chat.says("frobnicate 1.1", OWNER)
    assert "I don't know “frobnicate”" in said
    assert "/action mine | list" in said


def test_mine_lists_the_askers_open_actions_soonest_first_with_buttons(chat, plan):
    answer = chat.ask("mine", OWNER)
    said = flatten(answer)
    assert "Your open actions: 3" in said
    assert said.index("3.1") < said.index("1.1") < said.index("1.2")
    assert "2.1" not in said and "4.1" not in said
    # The date once, then how far off it is; the group in words; each colour with its word.
    assert "due Fri 10 Jan (10 days overdue)" in said and "due Fri 31 Jan (in 11 days)" in said
    assert "(due in" not in said and "WG" not in said
    group = "Working group 1 Understanding of Need"
    assert f":white_circle: Not started · due Fri 31 Jan (in 11 days) · {group} · " in said
    for ref in ("1.1", "1.2", "3.1"):
        assert chat.button_value(answer, "action_update", ref)
        assert chat.button_value(answer, "action_complete", ref)
    # Snooze on each action not yet due (SPEC §4); an overdue one needs an update instead.
    assert chat.button_value(answer, "action_snooze", "1.2")
    with pytest.raises(AssertionError, match="no action_snooze button for 3.1"):
        chat.button_value(answer, "action_snooze", "3.1")
    snoozed = chat.press_expecting_reply(answer, "action_snooze", "1.1", OWNER)
    assert "Reminders for 1.1 are snoozed until Wednesday 22 January 2020" in snoozed
    assert plan_state.action(plan, "1.1").snoozed_until == date(2020, 1, 22)


def test_mine_leaves_out_completed_actions_and_says_when_there_are_none(chat):
    for ref in ("1.1", "1.2", "3.1"):
        chat.ask(f"done {ref} Evidence on the Local Offer", OWNER)
    assert "You have no open actions" in chat.says("mine", OWNER)


@pytest.mark.parametrize(
    ("filters", "present", "absent"),
    [
        ("", ["1.1", "1.2", "2.1", "3.1", "4.1"], []),
        ("wg 1", ["1.1", "1.2"], ["2.1", "3.1", "4.1"]),
        ("area 2", ["2.1"], ["1.1", "3.1"]),
        (f"owner <@{OTHER}|other>", ["2.1", "4.1"], ["1.1", "3.1"]),
        ("overdue", ["3.1"], ["1.1", "2.1"]),
        ("due-soon", ["1.1"], ["3.1", "2.1", "4.1", "1.2"]),
        ("not-started", ["1.1", "2.1"], []),
        ("wg 1 due-soon", ["1.1"], ["1.2", "3.1"]),
    ],
)
def test_list_filters_combine(chat, filters, present, absent):
    said = chat.says(f"list {filters}", ADMIN)
    for ref in present:
        assert f"*{ref}*" in said, ref
    for ref in absent:
        assert f"*{ref}*" not in said, ref


def test_list_hides_complete_actions_unless_all_or_blue(chat):
    chat.ask("done 1.1 Published", OWNER)
    assert "*1.1*" not in chat.says("list", ADMIN)
    assert "*1.1*" in chat.says("list all", ADMIN)
    assert "*1.1*" in chat.says("list blue", ADMIN)


@pytest.mark.parametrize(
    ("filters", "reason"),
    [
        ("purple", "I don't know the filter “purple”"),
        ("wg", "“wg” needs a value"),
        ("wg x", "“wg” needs a number"),
        ("wg 9", "There is no working group 9"),
        ("area 42", "There is no area 42"),
        ("owner bob", "“bob” is not someone I can find"),
        ("wg ²", "“wg” needs a number"),
        ("area ٣", "“area” needs a number"),
    ],
)
def test_list_refuses_bad_filters_with_the_usage(chat, filters, reason):
    said = chat.says(f"list {filters}", ADMIN)
    assert reason in said
    assert "Usage: `/action list" in said


def test_show_gives_the_action_in_full_with_its_last_five_history_entries(chat, plan):
    for n in range(6):
        chat.ask(f"note 1.1 Progress note number {n}", OWNER)
    said = chat.says("show 1.1", OTHER)
    assert "Joint strategic needs assessment for SEND" in said
    assert "*Working group:* 1 Understanding of Need" in said
    assert "*Due:* 31 January 2020 (in 11 days)" in said
    assert "Latest history* (5 of 7)" in said
    assert "Progress note number 5" in said and "Progress note number 0" not in said


def test_show_of_an_unknown_ref_says_so(chat):
    said = chat.says("show 9.9", OWNER)
    assert "There is no action 9.9" in said
    assert "Usage: `/action show REF`" in said


def test_refs_are_case_insensitive(chat):
    chat.ask('add WG3.2 "Parent carer forum terms" wg 3 owner U0OWNER01 due 1/3/2020', ADMIN)
    assert "Parent carer forum terms" in chat.says("show wg3.2", OWNER)


def test_owner_updates_status_with_a_note_kept_in_history(chat, plan):
    said = chat.says("update 1.1 amber Waiting for health data", OWNER)
    assert "1.1 is now Amber (at risk). Your note is saved." in said
    assert plan_state.action(plan, "1.1").status == "amber"
    last = plan_state.history(plan, "1.1")[-1]
    who = plan_state.slack_id(plan, last.actor_id)
    assert (who, last.field, last.old_value, last.new_value, last.note) == (
        OWNER,
        "status",
        "not started",
        "amber",
        "Waiting for health data",
    )


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("RED", "red"),
        ("off-track", "red"),
        ("at-risk", "amber"),
        ("on-track", "green"),
        ("Green", "green"),
        ("complete", "blue"),
        ("done", "blue"),
        ("completed", "blue"),
        ("notstarted", "not started"),
        ("on track", "green"),
        ("off track", "red"),
        ("At Risk", "amber"),
        ("not started", "not started"),
    ],
)
def test_every_status_word_is_understood(chat, plan, word, status):
    chat.ask("update 1.1 amber", OWNER)
    chat.ask(f"update 1.1 {word}", OWNER)
    assert plan_state.action(plan, "1.1").status == status


def test_an_unknown_status_is_refused_and_nothing_is_written(chat, plan):
    before = plan_state.snapshot(plan)
    said = chat.says("update 1.1 purple nearly there", OWNER)
    assert "“purple” is not a status" in said and "amber (at-risk)" in said
    assert "Usage: `/action update REF STATUS [note]`" in said
    assert plan_state.snapshot(plan) == before


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("update", "Which action?"),
        ("update 1.1", "What is the new status of 1.1?"),
        ("update 9.9 green", "There is no action 9.9"),
        ("update 1.1; green", "is not an action reference"),
        ("note 1.1", "The note for 1.1 is empty"),
        ("done", "Which action?"),
        ("assign 1.1", "Who should own 1.1?"),
        ("assign 1.1 bob", "“bob” is not someone I can find"),
        ("assign 1.1 @sam", "“@sam” wasn't recognised as a person — after typing @, pick"),
        ("due 1.1", "A date is missing"),
        ("due 1.1 31/02/2020", "There is no 31 February 2020."),
        ("due 1.1 02/13/2020", "There is no month 13"),
        ("due 1.1 next week", "is not a date I understand"),
        ("show", "Which action?"),
        ("remove", "Which action?"),
        ("mine please", "takes nothing after it"),
    ],
)
def test_bad_input_gets_one_reason_and_the_usage_and_writes_nothing(chat, plan, text, reason):
    before = plan_state.snapshot(plan)
    answer = chat.ask(text, ADMIN)
    said = flatten(answer)
    assert reason in said
    assert "Usage: `/action" in said
    assert plan_state.snapshot(plan) == before


def test_a_member_may_not_update_someone_elses_action_and_is_told_who_may(chat, plan):
    before = plan_state.snapshot(plan)
    for text in ("update 1.1 green", "note 1.1 hello", "done 1.1 finished"):
        said = chat.says(text, OTHER)
        assert f"Only the owner of 1.1 (<@{OWNER}>)" in said
        assert f"the lead of Working group 1 (<@{LEAD}>)" in said
        assert "or an admin (U0ADMIN01) can update it" in said
    assert plan_state.snapshot(plan) == before


def test_the_group_lead_may_update_their_groups_actions_only(chat, plan):
    assert "1.1 is now Green" in chat.says("update 1.1 green", LEAD)
    assert "Only the owner of 3.1" in chat.says("update 3.1 green", LEAD)


def test_an_admin_may_update_any_action(chat, plan):
    assert "3.1 is now Red" in chat.says("update 3.1 red Supplier pulled out", ADMIN)


def test_note_adds_progress_without_changing_status(chat, plan):
    chat.ask("update 1.2 green", OWNER)
    assert "Your note on 1.2 is saved" in chat.says("note 1.2 Dashboard wireframes agreed", OWNER)
    row = plan_state.action(plan, "1.2")
    assert row.status == "green"
    assert plan_state.history(plan, "1.2")[-1].note == "Dashboard wireframes agreed"


def test_done_marks_blue_and_keeps_the_evidence(chat, plan):
    said = chat.says("done 3.1 Launched at the parent carer forum; 400 downloads", OWNER)
    assert "3.1 is complete" in said
    row = plan_state.action(plan, "3.1")
    assert (row.status, row.evidence) == (
        "blue",
        "Launched at the parent carer forum; 400 downloads",
    )
    assert "already complete. Nothing was changed" in chat.says("done 3.1", OWNER)


def test_done_again_with_evidence_keeps_it_beside_the_first(chat, plan):
    chat.ask("done 3.1 Launched at the parent carer forum", OWNER)
    said = chat.says("done 3.1 Survey: 82% of families found it useful", OWNER)
    assert "3.1 was already complete. Your evidence is added to it and its history." in said
    row = plan_state.action(plan, "3.1")
    assert (row.status, row.evidence) == (
        "blue",
        "Launched at the parent carer forum\n\nSurvey: 82% of families found it useful",
    )
    assert "Survey: 82%" in chat.says("show 3.1", OWNER)
    # The same words again add nothing twice.
    said = chat.says("done 3.1 Survey: 82% of families found it useful", OWNER)
    assert "already has that evidence" in said
    assert plan_state.action(plan, "3.1").evidence == row.evidence


def test_admin_adds_an_action_inline_and_the_owner_is_told(chat, plan, standin):
    said = chat.says(
        f'add 5.3 "Mental health support teams in schools" wg 5 owner <@{OTHER}|sam> '
        "due 6 Feb 2020 area 4;5",
        ADMIN,
    )
    assert "Added 5.3" in said and f"<@{OTHER}>" in said
    row = plan_state.action(plan, "5.3")
    assert (
        row.title,
        row.due_date,
        row.original_due_date,
        plan_state.slack_id(plan, row.owner_id),
    ) == (
        "Mental health support teams in schools",
        date(2020, 2, 6),
        date(2020, 2, 6),
        OTHER,
    )
    dm = standin.wait_for("chat.postMessage")[-1]
    assert dm.params["channel"] == OTHER
    assert "You are the owner of a new action" in flatten(dm.params)


def test_add_without_a_ref_numbers_the_action(chat, plan):
    assert "Added A1" in chat.says(
        f'add "Review the Local Offer" wg 3 owner {OWNER} due 2020-03-01', ADMIN
    )
    assert "Added A2" in chat.says(
        f"add “Curly quotes title” wg 3 owner {OWNER} due 2020-03-01", ADMIN
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f'1.1 "Again" wg 1 owner {OWNER} due 01/03/2020', "There is already an action 1.1"),
        (f'9.1 "Title" wg 7 owner {OWNER} due 01/03/2020', "There is no working group 7"),
        (f'9.1 "Title" wg 1 owner {OWNER} due 31/02/2020', "There is no 31 February 2020"),
        (f'9.1 "Title" wg 1 owner {OWNER} due 02/13/2020', "There is no month 13"),
        (f'9.1 "Title" wg 1 owner {OWNER}', "Something is missing: due DATE"),
        ('9.1 "Title" wg 1 due 01/03/2020', "Something is missing: owner @user"),
        (f'9.1 "Title" owner {OWNER} due 01/03/2020', "Something is missing: wg N"),
        (f"9.1 Two words wg 1 owner {OWNER} due 01/03/2020", 'Put the title in "double quotes"'),
        (f"Review policy wg 1 owner {OWNER} due 01/03/2020", 'Put the title in "double quotes"'),
        (f'9.1 "Unclosed wg 1 owner {OWNER} due 01/03/2020', "A quote is not closed"),
        (f'9.1 "Title" wg 1 owner {OWNER} due 01/03/2020 area 12', "There is no area 12"),
    ],
)
def test_bad_inline_add_is_refused_and_writes_nothing(chat, plan, text, reason):
    before = plan_state.snapshot(plan)
    said = chat.says(f"add {text}", ADMIN)
    assert reason in said
    assert plan_state.snapshot(plan) == before


def test_add_with_no_arguments_opens_the_form(chat, standin):
    chat.sender.command_request("/action", "add", ADMIN)
    view = standin.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "action_add_modal"
    assert [b["block_id"] for b in view["blocks"]][:5] == ["ref", "title", "group", "owner", "due"]


@pytest.mark.parametrize(
    "text",
    [
        f'add 9.1 "Title" wg 1 owner {OWNER} due 01/03/2020',
        "add",
        f"assign 1.1 {OTHER}",
        "due 1.1 30/04/2020",
        "remove 1.1",
    ],
)
def test_only_admins_maintain_the_plan(chat, plan, text):
    before = plan_state.snapshot(plan)
    said = chat.says(text, OWNER)
    assert "Only an admin (U0ADMIN01) can" in said
    assert plan_state.snapshot(plan) == before


def test_assign_gives_the_action_a_new_owner_who_gets_a_dm(chat, plan, standin):
    said = chat.says(f"assign 1.1 <@{OTHER}|sam>", ADMIN)
    assert f"1.1 is now owned by <@{OTHER}>" in said
    assert plan_state.slack_id(plan, plan_state.action(plan, "1.1").owner_id) == OTHER
    dm = standin.wait_for("chat.postMessage")[-1]
    assert dm.params["channel"] == OTHER
    assert "You are now the owner of an action" in flatten(dm.params)
    assert "*1.1*" in chat.says("mine", OTHER)


def test_due_revises_the_date_and_keeps_the_original_and_the_reason(chat, plan):
    said = chat.says("due 1.1 30 April 2020 Health data arrives late", ADMIN)
    assert "1.1 is now due on 30 April 2020 (originally 31 January 2020)" in said
    row = plan_state.action(plan, "1.1")
    assert (row.due_date, row.original_due_date) == (date(2020, 4, 30), date(2020, 1, 31))
    revised_by = plan_state.slack_id(plan, row.due_revised_by)
    assert (revised_by, row.due_revised_reason) == (ADMIN, "Health data arrives late")
    shown = chat.says("show 1.1", OWNER)
    assert "*Originally due:* 31 January 2020: Health data arrives late" in shown
    assert "Due date 31 January 2020 → 30 April 2020: Health data arrives late" in shown


def test_remove_withdraws_the_action_from_lists_but_keeps_its_history(chat, plan):
    assert "1.1 is withdrawn" in chat.says("remove 1.1", ADMIN)
    assert "*1.1*" not in chat.says("mine", OWNER)
    assert "*1.1*" not in chat.says("list all", ADMIN)
    shown = chat.says("show 1.1", OWNER)
    assert "(withdrawn)" in shown and "Withdrawn from the plan" in shown
    assert "was withdrawn" in chat.says("update 1.1 green", OWNER)


def test_user_text_comes_back_escaped_and_never_pings(chat, plan):
    note = "<!channel> see <@U0FORGED1> & <https://evil.example|click> <!here>"
    said_raw = chat.ask(f"note 1.1 {note}", OWNER)
    shown = chat.ask("show 1.1", OWNER)
    for answer in (said_raw, shown):
        body = str(answer)
        assert "<!channel>" not in body and "<!here>" not in body
        assert "<@U0FORGED1>" not in body and "<https://evil" not in body
    assert "@channel see @U0FORGED1 &amp; click (https://evil.example) @here" in flatten(shown)


def test_typed_markup_entities_are_stored_as_typed(chat, plan):
    # With escaping on, Slack sends what a person typed as "<b> & co" as entities.
    chat.ask("note 1.1 &lt;b&gt; &amp; co", OWNER)
    assert plan_state.history(plan, "1.1")[-1].note == "<b> & co"
    assert "&lt;b&gt; &amp; co" in chat.says("show 1.1", OWNER)


def test_a_5000_character_note_is_refused_but_handed_back_whole(chat, plan):
    before = plan_state.snapshot(plan)
    note = "word " * 1000
    answer = chat.ask(f"note 1.1 {note}", OWNER)
    said = flatten(answer)
    assert "That text is 4,999 characters; the most I can keep is 3,000" in said
    assert said.count("word") >= 1000
    assert plan_state.snapshot(plan) == before


def test_a_rate_limited_direct_message_is_sent_once_after_the_wait(chat, plan, standin):
    standin.fail_next("chat.postMessage", status=429, retry_after=1)
    chat.ask(f"assign 1.1 {OTHER}", ADMIN)
    sent = standin.wait_for("chat.postMessage", count=2)
    assert [c.failed for c in sent] == [True, False]
    assert len(standin.delivered("chat.postMessage")) == 1


def test_a_due_date_cannot_move_before_the_start(chat, plan):
    chat.ask(f'add 9.1 "Started" wg 1 owner {OWNER} due 01/06/2020 start 01/05/2020', ADMIN)
    before = plan_state.snapshot(plan)
    said = chat.says("due 9.1 01/04/2020", ADMIN)
    assert "9.1 starts on 1 May 2020, so it can't be due before then." in said
    assert plan_state.snapshot(plan) == before


def test_a_withdrawn_action_shows_no_countdown(chat):
    chat.ask("remove 1.1", ADMIN)
    shown = chat.says("show 1.1", OWNER)
    assert "*Due:* 31 January 2020\n" in shown and "due in" not in shown


def test_filters_are_described_in_words_and_mentions_never_leak_into_fallback_text(chat):
    answer = chat.ask(f"list owner <@{OTHER}|other person> wg 2", ADMIN)
    assert "<@" not in answer["text"] and "<@" not in answer["blocks"][0]["text"]["text"]
    assert f"Working group 2 · owned by <@{OTHER}>" in flatten(answer)


def test_dates_are_shown_in_london_time_not_utc(chat, plan):
    # 23:30 UTC on 1 June is 00:30 on 2 June in London (summer time).
    with time_machine.travel(datetime(2020, 6, 1, 23, 30, tzinfo=UTC), tick=True):
        chat.ask("note 1.1 Late-night update", OWNER)
        shown = chat.says("show 1.1", OWNER)
    assert "*Last update:* 2 June 2020" in shown
    assert "Tue 2 Jun 2020" in shown


def test_a_retired_working_group_takes_no_new_actions_and_its_lead_loses_rights(chat, plan):
    sync_board(plan.db, replace(plan.board, groups=plan.board.groups[1:]), find_lead)
    assert "Only the owner of 1.1" in chat.says("update 1.1 green", LEAD)
    said = chat.says(f'add 1.9 "New" wg 1 owner {OWNER} due 01/03/2020', ADMIN)
    assert "There is no working group 1" in said
    assert "*1.1*" in chat.says("mine", OWNER)  # its actions stay


# Dates as people type them, read against Monday 20 January 2020 (issue 12)


def test_dates_typed_in_words_are_read_day_first_against_today(chat, plan):
    said = chat.says(f'add 9.1 "Map the local offer" wg 1 owner {OWNER} due end of March', ADMIN)
    assert "Added 9.1" in said
    assert plan_state.action(plan, "9.1").due_date == date(2020, 3, 31)
    said = chat.says("due 1.1 next Friday Health data arrives late", ADMIN)
    assert "1.1 is now due on 24 January 2020 (originally 31 January 2020)" in said
    row = plan_state.action(plan, "1.1")
    assert (row.due_date, row.due_revised_reason) == (date(2020, 1, 24), "Health data arrives late")
    for typed, due in (
        ("in 2 weeks", date(2020, 2, 3)),
        ("tomorrow", date(2020, 1, 21)),
        ("end of the month", date(2020, 1, 31)),
        ("today", date(2020, 1, 20)),
    ):
        chat.ask(f"due 1.2 {typed}", ADMIN)
        assert plan_state.action(plan, "1.2").due_date == due, typed


@pytest.mark.parametrize(
    ("text", "reason", "usage"),
    [
        (
            "due 2.2 1/1/2020 typo",
            "There is no action 2.2",
            "/action due REF DATE [reason]",
        ),
        (
            "due 2.1 1/1/2020 typo",
            "1 January 2020 is in the past. Give a date from today on.",
            "/action due REF DATE [reason]",
        ),
        (
            "due 2.1 yesterday",
            "“yesterday” is not a date I understand — try 30/04/2020, 30 Apr 2020, tomorrow, "
            "next Friday, in 2 weeks or end of March.",
            "/action due REF DATE [reason]",
        ),
        (
            "due 2.1 next week",
            "“next week” is not a date I understand",
            "/action due REF DATE [reason]",
        ),
        (
            f'add 9.1 "Title" wg 1 owner {OWNER} due 10/01/2020',
            "10 January 2020 is in the past. Give a date from today on.",
            '/action add [REF] "TITLE"',
        ),
        (
            f'add 9.1 "Title" wg 1 owner {OWNER} due 31/03/2020 typo',
            "I don't understand “typo” here.",
            '/action add [REF] "TITLE"',
        ),
        (
            f'add 9.1 "Title" wg 1 owner {OWNER} due next month',
            "“next month” is not a date I understand",
            '/action add [REF] "TITLE"',
        ),
        (
            f'add 9.1 "Title" wg 1 owner {OWNER} due 6 Mar',
            "Add the year, like 6 Mar 2020.",
            '/action add [REF] "TITLE"',
        ),
    ],
)
def test_a_wrong_date_is_refused_with_the_reason_the_usage_and_what_was_typed(
    chat, plan, text, reason, usage
):
    before = plan_state.snapshot(plan)
    said = chat.says(text, ADMIN)
    assert reason in said
    assert f"Usage: `{usage}" in said
    # Handed back, as the person saw it (a mention by name): the chat box is empty once sent.
    head, _, tail = text.partition(OWNER)
    assert f"```/action {head}" in said and f"{tail}```" in said
    assert plan_state.snapshot(plan) == before


def test_the_add_form_refuses_a_past_due_date_beside_the_field(chat, standin, plan):
    chat.sender.command_request("/action", "add", ADMIN)
    view = standin.wait_for("views.open")[0].params["view"]
    values = {
        "title": text_input("SENCO network meets termly"),
        "group": select_option("6"),
        "owner": {"type": "users_select", "selected_user": OTHER},
        "due": {"type": "datepicker", "selected_date": "2020-01-17"},
    }
    before = plan_state.snapshot(plan)
    answer = chat.sender.submit(view, values, ADMIN)
    assert json.loads(answer.body)["errors"] == {
        "due": "17 January 2020 is in the past. Give a date from today on."
    }
    assert plan_state.snapshot(plan) == before
