"""Working days, bank holidays and the delivery window (SPEC §5), table-driven."""

from datetime import UTC, date, datetime

import pytest

from bot.working_calendar import (
    DeliveryWindow,
    add_working_days,
    is_working_day,
    next_working_day,
)

WINDOW = DeliveryWindow()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2020, 12, 24), True),
        (date(2020, 12, 25), False),  # Christmas Day, a Friday
        (date(2020, 12, 28), False),  # substitute for Boxing Day, which fell on a Saturday
        (date(2020, 12, 29), True),
        (date(2020, 5, 4), True),  # the usual first-Monday May holiday moved in 2020...
        (date(2020, 5, 8), False),  # ...to Friday 8 May for VE Day
        (date(2020, 4, 10), False),  # Good Friday
        (date(2020, 4, 13), False),  # Easter Monday (missed without subdiv="ENG")
        (date(2020, 3, 28), False),  # Saturday
        (date(2020, 3, 29), False),  # Sunday, the clocks go forward
        (date(2020, 3, 30), True),
        (date(2020, 10, 25), False),  # Sunday, the clocks go back
    ],
)
def test_working_days_exclude_weekends_and_england_and_wales_bank_holidays(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2020, 2, 6), -10, date(2020, 1, 23)),  # evidence deadline for the first visit
        (date(2020, 12, 24), 1, date(2020, 12, 29)),  # over Christmas and its substitute day
        (date(2020, 4, 9), 1, date(2020, 4, 14)),  # over Easter
        (date(2020, 5, 11), -1, date(2020, 5, 7)),  # back over VE Day
        (date(2020, 1, 17), 0, date(2020, 1, 17)),
    ],
)
def test_adding_working_days(day, count, expected):
    assert add_working_days(day, count) == expected


def test_next_working_day_after_a_bank_holiday_weekend():
    assert next_working_day(date(2020, 5, 22)) == date(2020, 5, 26)  # Spring bank holiday


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Winter: London is UTC. 08:59 waits for 09:00; 16:59 goes; 17:00 waits for the next day.
        (_utc(2020, 1, 20, 8, 59), _utc(2020, 1, 20, 9, 0)),
        (_utc(2020, 1, 20, 16, 59), _utc(2020, 1, 20, 16, 59)),
        (_utc(2020, 1, 20, 17, 0), _utc(2020, 1, 21, 9, 0)),
        # A reminder due on a Saturday goes on Monday at 09:00...
        (_utc(2020, 1, 25, 10, 0), _utc(2020, 1, 27, 9, 0)),
        # ...or on Tuesday when Monday is a bank holiday.
        (_utc(2020, 5, 23, 10, 0), _utc(2020, 5, 26, 8, 0)),
        # Summer: London is UTC+1, so the window opens at 08:00 UTC.
        (_utc(2020, 6, 1, 7, 30), _utc(2020, 6, 1, 8, 0)),
        (_utc(2020, 6, 1, 15, 59), _utc(2020, 6, 1, 15, 59)),
        (_utc(2020, 6, 1, 16, 0), _utc(2020, 6, 2, 8, 0)),
        # The weekend the clocks go forward: Friday evening in GMT, Monday morning in BST.
        (_utc(2020, 3, 27, 17, 30), _utc(2020, 3, 30, 8, 0)),
        # The weekend the clocks go back: Friday evening in BST, Monday morning in GMT.
        (_utc(2020, 10, 23, 16, 30), _utc(2020, 10, 26, 9, 0)),
        # Christmas 2020: Thursday evening waits until Tuesday 29 December.
        (_utc(2020, 12, 24, 17, 0), _utc(2020, 12, 29, 9, 0)),
    ],
)
def test_messages_go_only_in_the_working_window(moment, expected):
    assert WINDOW.earliest_delivery(moment) == expected


def test_a_reminder_dated_on_a_saturday_is_delivered_on_monday_morning():
    assert WINDOW.delivery_for_day(date(2020, 2, 1)) == _utc(2020, 2, 3, 9, 0)
    assert WINDOW.delivery_for_day(date(2020, 12, 26)) == _utc(2020, 12, 29, 9, 0)
