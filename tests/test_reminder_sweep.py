"""The sweep against a real database and the Slack stand-in (SPEC §5 delivery rules)."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from bot.people import PersonRef
from bot.reminder_sweep import ReminderSweep
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from storage.models import Reminder
from tests.conftest import ADMIN, BOT_TOKEN, LEAD, OTHER, OWNER
from tests.support import plan_state
from tests.support.blockkit import assert_valid_message, flatten
from tests.support.speak import SlackVoice

# The plan fixture's actions are due 31 Jan (1.1), 6 Feb (1.2), 31 Mar (2.1), 10 Jan (3.1), 28 Feb.
TUESDAY = datetime(2020, 1, 21, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _every_reminder_fits_block_kit(standin):
    yield
    for call in standin.delivered("chat.postMessage"):
        assert_valid_message(call.params)


@pytest.fixture
def sweep(plan):
    return ReminderSweep(plan.db, plan.board, "C0BOARD01", plan.clock, plan.summaries.digest)


@pytest.fixture
def sender(standin, plan):
    return SlackDelivery(web_client(BOT_TOKEN, standin.url), plan.clock.today)


def slack_id(recipient) -> str | None:
    return recipient.account_on("slack") if isinstance(recipient, PersonRef) else None


def person_id(plan, user_id: str) -> int:
    return SlackVoice(plan).actor(user_id).person_id


def dms_to(standin, user):
    return [c for c in standin.delivered("chat.postMessage") if c.params["channel"] == user]


def test_one_message_per_person_bundling_everything_due(sweep, sender, standin):
    report = sweep.run(sender, now=TUESDAY)
    owner_dms = dms_to(standin, OWNER)
    assert len(owner_dms) == 1
    said = flatten(owner_dms[0].params)
    assert "2 of your actions need attention" in said
    assert "*1.1*" in said and "*3.1*" in said
    assert "Due Friday 31 January 2020 (in 10 days)" in said
    assert "Due Friday 10 January 2020 (11 days overdue)" in said
    assert OWNER in {slack_id(b.recipient) for b in report.sent}
    # The notification names the first action, its date and what to do; each item ends with
    # its next step.
    assert owner_dms[0].params["text"] == (
        "3.1 was due on Friday 10 January — update it or ask for a new date, and 1 more action"
    )
    assert said.count("Update it, mark it complete, or snooze reminders.") == 1
    assert said.count("Mark it complete, update it, or ask for a new date.") == 1


def test_the_notification_of_one_item_says_update_it_by_its_date(plan, sweep, sender, standin):
    SlackVoice(plan).action(OWNER, "done 3.1 Launched")
    sweep.run(sender, now=TUESDAY)
    (dm,) = dms_to(standin, OWNER)
    assert dm.params["text"] == "Update 1.1 by Friday 31 January"


def test_reminder_buttons_are_update_mark_complete_and_snooze(sweep, sender, standin):
    sweep.run(sender, now=TUESDAY)
    blocks = dms_to(standin, OWNER)[0].params["blocks"]
    buttons = {
        block["block_id"]: [e["action_id"] for e in block["elements"]]
        for block in blocks
        if block["type"] == "actions"
    }
    assert buttons["reminder:1.1"] == ["action_update", "action_complete", "action_snooze"]
    # Overdue: no snooze, but a new date may be asked for.
    assert buttons["reminder:3.1"] == ["action_update", "action_complete", "date_request_open"]


def test_a_second_sweep_sends_nothing_again(sweep, sender, standin):
    first = sweep.run(sender, now=TUESDAY)
    assert first.sent
    before = len(standin.delivered("chat.postMessage"))
    second = sweep.run(sender, now=TUESDAY + timedelta(minutes=5))
    assert second.sent == []
    assert len(standin.delivered("chat.postMessage")) == before


def test_a_restart_sends_nothing_again(plan, sender, standin):
    ReminderSweep(plan.db, plan.board, None, plan.clock).run(sender, now=TUESDAY)
    before = len(standin.delivered("chat.postMessage"))
    restarted = ReminderSweep(plan.db, plan.board, None, plan.clock)
    assert restarted.run(sender, now=TUESDAY + timedelta(hours=1)).sent == []
    assert len(standin.delivered("chat.postMessage")) == before


def test_complete_withdrawn_and_snoozed_actions_are_skipped(plan, sweep, sender, standin):
    SlackVoice(plan).action(OWNER, "done 3.1 Launched")
    SlackVoice(plan).action(ADMIN, "remove 1.1")
    sweep.run(sender, now=TUESDAY)
    assert dms_to(standin, OWNER) == []


def test_a_rate_limited_reminder_is_delivered_once_after_the_wait(sweep, sender, standin):
    standin.fail_next("chat.postMessage", status=429, retry_after=1)
    report = sweep.run(sender, now=TUESDAY)
    attempts = [c for c in standin.calls_to("chat.postMessage")]
    assert attempts[0].failed and not attempts[1].failed
    assert len(dms_to(standin, OWNER)) == 1
    assert report.failed == [] and report.retry_later == []


def test_one_persons_slack_error_is_logged_and_does_not_stop_the_others(
    plan, sweep, sender, standin, caplog
):
    standin.fail_next("chat.postMessage", status=200, error="user_not_found")
    report = sweep.run(sender, now=TUESDAY)
    assert len(report.failed) == 1
    failed_to = report.failed[0][0].recipient
    delivered = {c.params["channel"] for c in standin.delivered("chat.postMessage")}
    assert slack_id(failed_to) not in delivered and delivered  # the others still got theirs
    assert "user_not_found" in caplog.text
    with plan.db.session() as session:
        states = set(
            session.scalars(select(Reminder.state).where(Reminder.recipient_id == failed_to.id))
        )
    assert states == {"failed"}
    assert sweep.run(sender, now=TUESDAY + timedelta(minutes=5)).sent == []


def test_a_passing_fault_is_retried_at_the_next_sweep(plan, sweep, sender, standin):
    standin.fail_next("chat.postMessage", status=500)
    report = sweep.run(sender, now=TUESDAY)
    assert report.retry_later
    retried = sweep.run(sender, now=TUESDAY + timedelta(minutes=5))
    assert {b.recipient for b in retried.sent} >= {b.recipient for b, _ in report.retry_later}


def test_a_claim_abandoned_by_a_crash_is_sent_by_a_later_sweep(plan, sweep, sender, standin):
    sweep.run(sender, now=TUESDAY, dry_run=True)
    sweep.run(sender, now=TUESDAY)
    with plan.db.session() as session:
        key = session.scalars(
            select(Reminder.key).where(Reminder.recipient_id == person_id(plan, OWNER))
        ).first()
        # As if a clock died after claiming but before Slack took the message.
        session.execute(
            update(Reminder)
            .where(Reminder.key == key)
            .values(state="claimed", claimed_at=datetime.now(UTC) - timedelta(minutes=11))
        )
    standin.reset()
    again = sweep.run(sender, now=TUESDAY + timedelta(minutes=5))
    assert [slack_id(b.recipient) for b in again.sent] == [OWNER]
    with plan.db.session() as session:
        assert session.scalar(select(Reminder.state).where(Reminder.key == key)) == "sent"


def test_a_fresh_claim_of_another_live_sweep_is_left_alone(plan, sweep, sender, standin):
    sweep.run(sender, now=TUESDAY)
    with plan.db.session() as session:
        session.execute(update(Reminder).values(state="claimed", claimed_at=datetime.now(UTC)))
    standin.reset()
    assert sweep.run(sender, now=TUESDAY + timedelta(minutes=5)).sent == []


def test_dry_run_sends_and_records_nothing(plan, sweep, sender, standin):
    report = sweep.run(sender, now=TUESDAY, dry_run=True)
    assert report.sent and standin.calls_to("chat.postMessage") == []
    with plan.db.session() as session:
        assert session.scalars(select(Reminder)).all() == []


def test_outside_the_window_nothing_is_sent_and_the_next_opening_is_named(sweep, sender, standin):
    saturday = datetime(2020, 1, 25, 10, 0, tzinfo=UTC)
    report = sweep.run(sender, now=saturday)
    assert not report.window_open
    assert report.next_window == datetime(2020, 1, 27, 9, 0, tzinfo=UTC)
    assert standin.calls_to("chat.postMessage") == []


def test_escalation_reaches_the_group_lead_from_14_days_overdue(plan, sweep, sender, standin):
    SlackVoice(plan).action(ADMIN, f'add 1.9 "Old action" wg 1 owner {OWNER} due 31/01/2020')
    plan_state.backdate_due(plan, "1.9", date(2020, 1, 6))
    sweep.run(sender, now=TUESDAY)  # 15 days overdue, occurrence on 21 Jan
    lead_dm = dms_to(standin, LEAD)
    assert len(lead_dm) == 1
    said = flatten(lead_dm[0].params)
    assert "Overdue in Working group 1, owned by" in said and "*1.9*" in said


def test_board_readiness_and_digest_go_to_the_board_channel(plan, sweep, sender, standin):
    SlackVoice(plan).deadline(ADMIN, "add visit 6/2/2020")
    monday = datetime(2020, 1, 20, 9, 5, tzinfo=UTC)
    sweep.run(sender, now=monday)
    posts = [c for c in standin.delivered("chat.postMessage") if c.params["channel"] == "C0BOARD01"]
    readiness, digest = (flatten(p.params) for p in posts)
    assert "Monitoring visit readiness" in readiness
    assert "Evidence is due by Thursday 23 January 2020" in readiness
    assert "Weekly digest — 20 January 2020" in digest
    assert "*By working group*" in digest and "Overdue (1), oldest first" in digest
    (chart,) = standin.uploaded_files()
    assert chart.channel_id == "C0BOARD01" and chart.content.startswith(b"\x89PNG")


def test_two_sweeps_at_once_never_send_twice(plan, sender, standin, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent clocks are a PostgreSQL deployment")
    sweeps = [
        ReminderSweep(
            plan.db.__class__(plan.db.url),
            plan.board,
            "C0BOARD01",
            plan.clock,
            plan.summaries.digest,
        )
        for _ in range(4)
    ]
    SlackVoice(plan).deadline(ADMIN, "add visit 6/2/2020")
    monday = datetime(2020, 1, 20, 9, 5, tzinfo=UTC)
    barrier = threading.Barrier(len(sweeps))

    def run(sweep):
        barrier.wait()
        sweep.run(sender, now=monday)

    threads = [threading.Thread(target=run, args=(s,)) for s in sweeps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Lease or not, run them all again to be sure that nothing is left to double up.
    for sweep in sweeps:
        sweep.run(sender, now=monday + timedelta(minutes=1))
    delivered = standin.delivered("chat.postMessage")
    recipients = [c.params["channel"] for c in delivered]
    direct = [r for r in recipients if r.startswith("U")]
    assert len(direct) == len(set(direct)) and direct
    # The board channel gets the readiness message and the weekly digest: each once.
    assert recipients.count("C0BOARD01") == 2
    assert len(standin.uploaded_files()) == 1
    with plan.db.session() as session:
        sent = session.scalars(select(Reminder.key).where(Reminder.state == "sent")).all()
    assert len(sent) == len(set(sent)) and sent


def test_snooze_button_pauses_reminders_for_two_working_days(plan, chat, sweep, sender, standin):
    with time_machine.travel(TUESDAY, tick=True):
        sweep.run(sender, now=TUESDAY)
        reminder = dms_to(standin, OWNER)[0].params
        said = chat.press_expecting_reply(reminder, "action_snooze", "1.1", OWNER)
        assert "Reminders for 1.1 are snoozed until Thursday 23 January 2020" in said
        again = chat.press_expecting_reply(reminder, "action_snooze", "1.1", OWNER)
        assert "already snoozed until Thursday 23 January 2020" in again
        # An overdue action has no Snooze button; a forged press is refused all the same.
        url = chat.sender.press(
            "action_snooze", chat.button_value(reminder, "action_update", "3.1"), OWNER
        )
        assert "can't be snoozed" in flatten(standin.wait_for_response(url)[0])
        refused = chat.press_expecting_reply(reminder, "action_snooze", "1.1", OTHER)
        assert "Only the owner of 1.1" in refused
    assert plan_state.action(plan, "1.1").snoozed_until == date(2020, 1, 23)
    assert plan_state.history(plan, "1.1")[-1].field == "snoozed_until"
    standin.reset()
    next_day = sweep.run(sender, now=TUESDAY + timedelta(days=1))
    assert all(item.action.ref != "1.1" for b in next_day.sent for item in b.items if item.action)


def test_a_risk_whose_review_date_arrives_reminds_its_owner_once(plan, sweep, sender, standin):
    SlackVoice(plan).risk(OTHER, "log Capacity gap in the SEND team L4 I4 review 21/1/2020")
    monday = datetime(2020, 1, 20, 10, 0, tzinfo=UTC)
    assert not any(item.risk for b in sweep.run(sender, now=monday).sent for item in b.items)
    report = sweep.run(sender, now=TUESDAY)
    reviews = [item for b in report.sent for item in b.items if item.kind == "risk_review"]
    assert [(slack_id(item.recipient), item.risk.ref) for item in reviews] == [(OTHER, "R1")]
    said = flatten(dms_to(standin, OTHER)[-1].params)
    assert "Risk *R1* (score 16) is due for review (Tuesday 21 January 2020)" in said
    assert "/risk update R1" in said
    later = sweep.run(sender, now=TUESDAY + timedelta(days=1))
    assert not any(item.kind == "risk_review" for b in later.sent for item in b.items)
