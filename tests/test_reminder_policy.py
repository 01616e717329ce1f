"""Every reminder rule of SPEC §5, as a pure function of (facts, now)."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.board_config import ReminderConfig
from bot.delivery import Place
from bot.people import PersonRef
from bot.reminder_policy import (
    ActionFacts,
    EventFacts,
    GroupFacts,
    PlanFacts,
    Policy,
    StatusCounts,
)
from bot.status import Status
from bot.working_calendar import DeliveryWindow

POLICY = Policy(ReminderConfig(), stale_after_days=28, window=DeliveryWindow())
OWNER, LEAD = PersonRef(1, "Owner"), PersonRef(2, "Lead")
LEAD_2 = PersonRef(3, "Second lead")
BOARD = Place("C0BOARD01")
RECENT = datetime(2020, 1, 10, 12, 0, tzinfo=UTC)


def action(due: date, **changes) -> ActionFacts:
    base = ActionFacts(
        id=1,
        ref="1.1",
        title="JSNA",
        group_number=1,
        group_name="Understanding of Need",
        owner=OWNER,
        lead=LEAD,
        status=Status.GREEN,
        due=due,
        last_update=RECENT,
    )
    return replace(base, **changes)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)  # winter: UTC = London


def keys(facts: PlanFacts, now: datetime, *kinds: str, policy: Policy = POLICY) -> list[str]:
    """The keys due at `now`, of the given kinds only (stale reminders run alongside)."""
    return sorted(d.key for d in policy.due(facts, now) if not kinds or d.kind in kinds)


DEADLINE_KINDS = ("before_due", "overdue", "escalation")


def one(item: ActionFacts) -> PlanFacts:
    return PlanFacts(actions=(item,))


DUE = date(2020, 2, 7)  # a Friday


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2020, 1, 23), []),
        (date(2020, 1, 24), ["before:1:2020-02-07:14d"]),  # 14 days before
        (date(2020, 1, 31), ["before:1:2020-02-07:7d"]),  # 7 days before
        (date(2020, 2, 6), ["before:1:2020-02-07:1wd"]),  # 1 working day before
        (date(2020, 2, 7), ["before:1:2020-02-07:0d"]),  # on the day
    ],
)
def test_before_due_reminders_14_and_7_days_1_working_day_and_on_the_day(today, expected):
    assert keys(one(action(DUE)), at(today), *DEADLINE_KINDS) == expected


def test_after_downtime_only_the_latest_of_the_series_is_offered():
    # Nothing ran for a fortnight: at 1 working day before, "14 days" and "7 days" are gone.
    assert keys(one(action(DUE)), at(date(2020, 2, 6))) == ["before:1:2020-02-07:1wd"]


def test_one_working_day_before_a_monday_is_the_friday():
    monday = date(2020, 2, 10)
    assert keys(one(action(monday)), at(date(2020, 2, 7)), *DEADLINE_KINDS) == [
        "before:1:2020-02-10:1wd"
    ]


def test_a_reminder_falling_on_a_saturday_waits_for_monday_morning():
    due = date(2020, 2, 15)  # Saturday: 14 days before is Saturday 1 February
    facts = one(action(due))
    assert keys(facts, at(date(2020, 2, 1))) == []
    assert keys(facts, at(date(2020, 2, 3), 8, 59)) == []
    assert keys(facts, at(date(2020, 2, 3), 9, 0)) == ["before:1:2020-02-15:14d"]


def test_nothing_goes_outside_working_hours():
    facts = one(action(DUE))
    for moment in (at(date(2020, 2, 6), 8, 59), at(date(2020, 2, 6), 17, 0)):
        assert keys(facts, moment) == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2020, 2, 8), []),  # Saturday
        (date(2020, 2, 10), ["overdue:1:2020-02-07:0"]),  # first working day after
        (date(2020, 2, 14), ["overdue:1:2020-02-07:0"]),  # same occurrence, not a new one
        (date(2020, 2, 17), ["overdue:1:2020-02-07:1"]),  # every 7 days
        (
            date(2020, 2, 24),  # 17 days overdue: the lead is told too
            ["escalate:1:2020-02-07:2", "overdue:1:2020-02-07:2"],
        ),
    ],
)
def test_overdue_first_working_day_after_then_weekly_escalating_to_the_lead(today, expected):
    assert keys(one(action(DUE)), at(today), *DEADLINE_KINDS) == expected


def test_an_owner_who_leads_the_group_is_not_told_twice():
    assert keys(one(action(DUE, lead=OWNER)), at(date(2020, 2, 24)), *DEADLINE_KINDS) == [
        "overdue:1:2020-02-07:2"
    ]


def test_the_first_overdue_reminder_after_a_bank_holiday_weekend():
    friday = date(2020, 5, 22)  # Monday 25 May is the spring bank holiday
    facts = one(action(friday))
    assert keys(facts, at(date(2020, 5, 25)), *DEADLINE_KINDS) == []
    assert keys(facts, at(date(2020, 5, 26), 9), *DEADLINE_KINDS) == ["overdue:1:2020-05-22:0"]


def test_complete_actions_get_no_reminders():
    assert keys(one(action(DUE, status=Status.BLUE)), at(date(2020, 2, 10))) == []


def test_a_stale_action_is_reminded_once_per_stale_period():
    old = datetime(2020, 1, 2, 12, tzinfo=UTC)
    facts = one(action(date(2020, 6, 30), last_update=old))
    assert keys(facts, at(date(2020, 1, 29))) == []
    assert keys(facts, at(date(2020, 1, 30))) == ["stale:1:2020-01-02:1"]
    assert keys(facts, at(date(2020, 2, 20))) == ["stale:1:2020-01-02:1"]
    assert keys(facts, at(date(2020, 2, 27))) == ["stale:1:2020-01-02:2"]


def test_an_update_ends_the_stale_period():
    facts = one(action(date(2020, 6, 30), last_update=datetime(2020, 1, 29, tzinfo=UTC)))
    assert keys(facts, at(date(2020, 2, 3))) == []


def test_a_snoozed_action_is_skipped_until_the_snooze_ends():
    snoozed = action(DUE, snoozed_until=date(2020, 2, 4))
    assert keys(one(snoozed), at(date(2020, 2, 3))) == []
    assert keys(one(snoozed), at(date(2020, 2, 4))) == ["before:1:2020-02-07:7d"]


VISIT = EventFacts(
    id=5,
    kind="visit",
    date=date(2020, 2, 6),
    title="Monitoring visit",
    evidence_due=date(2020, 1, 23),
)


@pytest.mark.parametrize(
    ("today", "label"),
    [(date(2020, 1, 8), None), (date(2020, 1, 9), "10"), (date(2020, 1, 21), "2")],
)
def test_owners_not_updated_since_the_last_visit_are_told_before_the_evidence_deadline(
    today, label
):
    waiting = action(date(2020, 6, 30), last_update=datetime(2019, 10, 1, tzinfo=UTC))
    facts = PlanFacts(events=(VISIT,), not_updated_since={5: (waiting,)})
    due = [d for d in POLICY.due(facts, at(today)) if d.kind == "visit_owner"]
    if label is None:
        assert due == []
    else:
        assert [d.key for d in due] == [f"visit-owner:5:{label}:{OWNER.id}"]
        assert due[0].actions == (waiting,)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2020, 1, 8), []),
        (date(2020, 1, 9), ["visit-board:5:28"]),  # 28 days before the visit
        (date(2020, 1, 30), ["visit-board:5:7"]),  # 7 days before
    ],
)
def test_visit_readiness_goes_to_the_board_channel_28_and_7_days_before(today, expected):
    facts = PlanFacts(events=(VISIT,), board_place=BOARD)
    due = [d for d in POLICY.due(facts, at(today)) if d.kind == "visit_readiness"]
    assert [d.key for d in due] == expected
    assert all(d.recipient == BOARD for d in due)


def test_board_meeting_asks_each_group_5_working_days_before_in_its_channel_or_lead():
    meeting = EventFacts(id=7, kind="board", date=date(2020, 1, 21), title="Board")
    groups = (
        GroupFacts(1, "Understanding of Need", LEAD, Place("C0WG1CHAN")),
        GroupFacts(2, "Commissioning", LEAD_2, None),
        GroupFacts(3, "Engagement", None, None),
    )
    facts = PlanFacts(groups=groups, events=(meeting,))
    assert POLICY.due(facts, at(date(2020, 1, 13))) == []
    due = POLICY.due(facts, at(date(2020, 1, 14)))
    assert [(d.key, d.recipient) for d in due] == [
        ("board:7:wg1", Place("C0WG1CHAN")),
        ("board:7:wg2", LEAD_2),
    ]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(date(2020, 1, 20), 8, 59), []),
        (at(date(2020, 1, 20), 9, 0), ["digest:2020-01-20"]),
        (at(date(2020, 1, 23), 9, 0), ["digest:2020-01-20"]),
        (at(date(2020, 5, 25), 10, 0), []),  # a bank holiday Monday...
        (at(date(2020, 5, 26), 9, 0), ["digest:2020-05-25"]),  # ...goes on Tuesday
    ],
)
def test_weekly_digest_on_monday_at_nine(moment, expected):
    facts = PlanFacts(counts=StatusCounts({}, 0), board_place=BOARD)
    assert keys(facts, moment) == expected


def test_offsets_are_configurable():
    policy = Policy(
        ReminderConfig(before_due_days=(3,), before_due_working_days=2, on_due_day=False),
        stale_after_days=28,
        window=DeliveryWindow(),
    )
    facts = one(action(DUE))
    for day, expected in ((4, "3d"), (5, "2wd"), (7, "2wd")):
        assert keys(facts, at(date(2020, 2, day)), "before_due", policy=policy) == [
            f"before:1:2020-02-07:{expected}"
        ]
