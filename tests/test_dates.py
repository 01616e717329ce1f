import calendar
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import (
    WEEKDAYS,
    DateError,
    date_at_start,
    describe_due,
    due_phrase,
    due_with_date,
    format_compact,
    format_compact_year,
    format_long,
    format_weekday_long,
    in_the_past,
    parse_date,
    parse_written_date,
    relative_day,
    take_date,
)

FEB_6 = date(2020, 2, 6)  # a Thursday; "today" in these tests, so hints name 31 May 2020
TRY = "try 31/05/2020, 31 May 2020, tomorrow, next Friday, in 2 weeks or end of March."

ACCEPTED = [
    ("06/02/2020", FEB_6),
    ("6/2/2020", FEB_6),
    ("06-02-2020", FEB_6),
    ("6.2.2020", FEB_6),
    ("06.02.2020", FEB_6),
    ("2020-02-06", FEB_6),
    ("2020-2-6", FEB_6),
    ("6 Feb 2020", FEB_6),
    ("6 February 2020", FEB_6),
    ("6th February 2020", FEB_6),
    ("6th of February 2020", FEB_6),
    ("Thu 6 Feb 2020", FEB_6),
    ("Thursday 6 February 2020", FEB_6),
    ("Thursday, 6 February, 2020", FEB_6),
    ("  THU 6 FEB 2020  ", FEB_6),
    ("thurs 6 feb. 2020", FEB_6),
    ("1st Sept 2021", date(2021, 9, 1)),
    ("22nd Mar 2024", date(2024, 3, 22)),
    ("29/02/2020", date(2020, 2, 29)),
    ("31/12/2100", date(2100, 12, 31)),
    ("1/1/2000", date(2000, 1, 1)),
    # Natural dates, read against Thursday 6 February 2020
    ("today", FEB_6),
    ("Tomorrow", date(2020, 2, 7)),
    ("Friday", date(2020, 2, 7)),
    ("next Friday", date(2020, 2, 7)),
    ("this fri", date(2020, 2, 7)),
    ("Thursday", date(2020, 2, 13)),  # on a Thursday, the next one
    ("next Monday", date(2020, 2, 10)),
    ("in 3 days", date(2020, 2, 9)),
    ("in 2 weeks", date(2020, 2, 20)),
    ("in a week", date(2020, 2, 13)),
    ("in six weeks", date(2020, 3, 19)),
    ("in 2 months", date(2020, 4, 6)),
    ("end of March", date(2020, 3, 31)),
    ("end of January", date(2021, 1, 31)),  # the next one not in the past
    ("end of February", date(2020, 2, 29)),
    ("end of the month", date(2020, 2, 29)),
    ("end of month", date(2020, 2, 29)),
    ("end of next month", date(2020, 3, 31)),
    ("end of March 2021", date(2021, 3, 31)),
]

REFUSED = [
    ("31/02/2020", "There is no 31 February 2020."),
    ("31 Apr 2024", "There is no 31 April 2024."),
    ("02/13/2020", "There is no month 13 — write dates day first, like 31/05/2020."),
    ("2020-13-02", "There is no month 13 — ISO dates go year, month, day, like 2020-05-31."),
    ("06/00/2020", "There is no month 0 — months run from 1 to 12."),
    ("29/02/2021", "There is no 29 February 2021 (2021 is not a leap year)."),
    ("29 Feb 2100", "There is no 29 February 2100 (2100 is not a leap year)."),
    ("32/01/2020", "There is no day 32 in any month."),
    ("0/1/2020", "There is no day 0 in any month."),
    ("Fri 6 Feb 2020", "6 February 2020 is a Thursday, not a Friday."),
    ("Friday 6 February 2020", "6 February 2020 is a Thursday, not a Friday."),
    ("06/02/20", "Write the year with all four digits, not just “20”."),
    ("6 Feb 20", "Write the year with all four digits, not just “20”."),
    ("06/02/202", "“202” is not a year — write it with four digits, like 2020."),
    ("06/02/1999", "The year 1999 is out of range — use a year from 2000 to 2100."),
    ("1 Jan 2101", "The year 2101 is out of range — use a year from 2000 to 2100."),
    ("6 Feb", "Add the year, like 6 Feb 2020."),
    ("6 Jan", "Add the year, like 6 Jan 2021."),
    ("Feb 6 2020", "Put the day before the month, like 6 Feb 2020."),
    ("", f"A date is missing — {TRY}"),
    ("   ", f"A date is missing — {TRY}"),
    ("foo", f"“foo” is not a date I understand — {TRY}"),
    (
        "06/02-2020",
        f"“06/02-2020” is not a date I understand — {TRY}",
    ),
    ("next week", f"“next week” is not a date I understand — {TRY}"),
    ("in 2 fortnights", f"“in 2 fortnights” is not a date I understand — {TRY}"),
    ("end of the March", f"“end of the March” is not a date I understand — {TRY}"),
    ("in 99999 days", f"“in 99999 days” is not a date I understand — {TRY}"),
    ("in 5000 weeks", "That is after 2100 — give a date up to 31 December 2100."),
    ("Thu Feb 6 2020", "Put the day before the month, like 6 Feb 2020."),
    ("Friday jan", f"“Friday jan” is not a date I understand — {TRY}"),
    (
        "6 Feb 2020 extra",
        f"“6 Feb 2020 extra” is not a date I understand — {TRY}",
    ),
    (
        "٠٦/٠٢/٢٠٢٠",
        f"“٠٦/٠٢/٢٠٢٠” is not a date I understand — {TRY}",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_parse_date_accepts(text, expected):
    assert parse_date(text, FEB_6) == expected


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_parse_date_refuses_with_reason(text, message):
    with pytest.raises(DateError) as caught:
        parse_date(text, FEB_6)
    assert str(caught.value) == message


def test_long_garbage_is_quoted_short_on_one_line():
    with pytest.raises(DateError) as caught:
        parse_date("this is\na very long piece of text that is definitely not a date")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("“this is a very long piece of text that…”")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06/02/2020 Board meeting", (FEB_6, "Board meeting")),
        ("2020-02-06", (FEB_6, "")),
        ("6 Feb 2020   review  the plan ", (FEB_6, "review  the plan")),
        ("Thu 6th Feb 2020 notes", (FEB_6, "notes")),
        ("6th of February 2020, done", (FEB_6, "done")),
        ("  6.2.2020\nline two", (FEB_6, "line two")),
        ("next Friday Data arrives late", (date(2020, 2, 7), "Data arrives late")),
        ("in 2 weeks  after half term", (date(2020, 2, 20), "after half term")),
        ("end of March 2021 budget", (date(2021, 3, 31), "budget")),
        ("end of March budget", (date(2020, 3, 31), "budget")),
        ("tomorrow, send it", (date(2020, 2, 7), "send it")),
    ],
)
def test_take_date_returns_date_and_rest(text, expected):
    assert take_date(text, FEB_6) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"A date is missing — {TRY}"),
        ("31/02/2020 notes", "There is no 31 February 2020."),
        ("Fri 6 Feb 2020 notes", "6 February 2020 is a Thursday, not a Friday."),
        (
            "6 Febuary 2020 x",
            f"“6 Febuary” is not a date I understand — {TRY}",
        ),
        ("6 Feb review", "Add the year, like 6 Feb 2020."),
    ],
)
def test_take_date_refuses_with_reason(text, message):
    with pytest.raises(DateError) as caught:
        take_date(text, FEB_6)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("d", "long", "weekday_long", "compact", "compact_year"),
    [
        (FEB_6, "6 February 2020", "Thursday 6 February 2020", "Thu 6 Feb", "Thu 6 Feb 2020"),
        (
            date(2024, 12, 25),
            "25 December 2024",
            "Wednesday 25 December 2024",
            "Wed 25 Dec",
            "Wed 25 Dec 2024",
        ),
    ],
)
def test_formats(d, long, weekday_long, compact, compact_year):
    assert format_long(d) == long
    assert format_weekday_long(d) == weekday_long
    assert format_compact(d) == compact
    assert format_compact_year(d) == compact_year


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2020, 2, 6), "due today"),
        (date(2020, 2, 7), "due tomorrow"),
        (date(2020, 2, 18), "due in 12 days"),
        (date(2020, 2, 5), "1 day overdue"),
        (date(2020, 1, 25), "12 days overdue"),
        (date(2021, 2, 6), "due in 366 days"),
    ],
)
def test_describe_due(due, expected):
    assert describe_due(due, today=FEB_6) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 2, 6), "today"),
        (date(2020, 2, 7), "tomorrow"),
        (date(2020, 2, 9), "in 3 days"),
        (date(2020, 2, 5), "yesterday"),
        (date(2020, 2, 3), "3 days ago"),
    ],
)
def test_relative_days_are_phrased_one_way(day, expected):
    assert relative_day(day, today=FEB_6) == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2020, 2, 6), "due Thursday 6 February 2020 (today)"),
        (date(2020, 2, 7), "due Friday 7 February 2020 (tomorrow)"),
        (date(2020, 2, 16), "due Sunday 16 February 2020 (in 10 days)"),
        (date(2020, 2, 5), "due Wednesday 5 February 2020 (1 day overdue)"),
    ],
)
def test_due_with_date_names_the_day(due, expected):
    assert due_with_date(due, today=FEB_6) == expected


dates_in_range = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=150)
@given(dates_in_range)
def test_every_format_round_trips(d):
    for text in (
        format_long(d),
        format_weekday_long(d),
        format_compact_year(d),
        d.strftime("%d/%m/%Y"),
        f"{d.day}/{d.month}/{d.year}",
        d.isoformat(),
    ):
        assert parse_date(text, FEB_6) == d


# Words that start natural dates, mixed into random text so the grammar's edges are tried.
DATE_WORDS = [
    "today",
    "tomorrow",
    "next",
    "this",
    "in",
    "end",
    "of",
    "the",
    "month",
    "weeks",
    "days",
    "a",
    "Friday",
    "fri",
    "March",
    "6",
    "31/12/2020",
    "2021",
]
typed = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(DATE_WORDS)), max_size=6).map(
    " ".join
)
todays = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@settings(max_examples=300)
@given(typed, todays)
def test_parse_date_only_raises_date_error(text, today):
    try:
        assert isinstance(parse_date(text, today), date)
    except DateError as error:
        assert "\n" not in str(error)


@settings(max_examples=300)
@given(typed, todays)
def test_take_date_only_raises_date_error(text, today):
    try:
        found, rest = take_date(text, today)
    except DateError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(found, date)
        assert rest == rest.strip()


@settings(max_examples=100)
@given(dates_in_range, st.text())
def test_take_date_leaves_the_rest(d, rest):
    assert take_date(f"{format_long(d)} {rest}", FEB_6) == (d, rest.strip())


@settings(max_examples=200)
@given(todays, st.integers(0, 6), st.sampled_from(["", "next ", "this "]))
def test_a_weekday_is_the_next_one_after_today(today, weekday, prefix):
    for name in (WEEKDAYS[weekday], WEEKDAYS[weekday][:3].lower()):
        found = parse_date(prefix + name, today)
        assert found.weekday() == weekday
        assert 1 <= (found - today).days <= 7


@settings(max_examples=200)
@given(todays, st.integers(0, 999))
def test_in_n_days_and_weeks_count_from_today(today, n):
    if today + timedelta(weeks=n) <= date(2100, 12, 31):
        assert parse_date(f"in {n} days", today) == today + timedelta(days=n)
        assert parse_date(f"in {n} weeks", today) == today + timedelta(weeks=n)


@settings(max_examples=200)
@given(todays, st.integers(1, 12))
def test_end_of_a_month_is_its_last_day_and_never_past(today, month):
    from bot.dates import MONTHS

    found = parse_date(f"end of {MONTHS[month - 1]}", today)
    assert found.month == month
    assert found.day == calendar.monthrange(found.year, month)[1]
    assert today <= found < today + timedelta(days=366)
    this_month = parse_date("end of the month", today)
    assert (this_month.year, this_month.month) == (today.year, today.month)
    assert this_month + timedelta(days=1) == date(
        today.year + today.month // 12, today.month % 12 + 1, 1
    )


@settings(max_examples=100)
@given(todays, st.sampled_from(["today", "tomorrow", "next Friday", "in 2 weeks", "end of May"]))
def test_a_file_never_reads_a_relative_date(today, text):
    with pytest.raises(DateError) as caught:
        parse_written_date(text, today)
    assert str(caught.value).startswith(f"“{text}” depends on the day it is read")


@settings(max_examples=100)
@given(todays)
def test_every_hint_names_a_date_after_today(today):
    for text in ("", "6 Feb", "Feb 6 2020", "01/13/2020", "2020-13-01", "nonsense"):
        with pytest.raises(DateError) as caught:
            parse_date(text, today)
        for written in re.findall(
            r"\d{1,2}/\d{2}/\d{4}|\d{1,2} [A-Z][a-z]{2} \d{4}", str(caught.value)
        ):
            if written != "6 Feb 2020":  # what was typed, handed back in the right order
                assert parse_written_date(written, today) >= today


def test_words_are_counted_for_a_date_inside_a_command():
    assert date_at_start(["end", "of", "March", "area", "2"], FEB_6) == (date(2020, 3, 31), 3)
    assert date_at_start(["6", "Feb", "2021", "area"], FEB_6) == (date(2021, 2, 6), 3)
    with pytest.raises(DateError, match="“next week” is not a date I understand"):
        date_at_start(["next", "week", "area"], FEB_6)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (FEB_6, "due Thursday 6 February (today)"),
        (date(2020, 2, 7), "due Friday 7 February (tomorrow)"),
        (date(2020, 2, 17), "due Monday 17 February (in 11 days)"),
        (date(2020, 2, 5), "due Wednesday 5 February (1 day overdue)"),
        (date(2020, 1, 25), "due Saturday 25 January (12 days overdue)"),
        (date(2021, 1, 4), "due Monday 4 January 2021 (in 333 days)"),
    ],
)
def test_a_due_date_is_phrased_one_way_against_today(due, expected):
    assert due_phrase(due, FEB_6) == expected


def test_a_due_date_before_today_is_in_the_past():
    assert in_the_past(FEB_6, FEB_6) is None
    assert in_the_past(date(2020, 1, 1), FEB_6) == (
        "1 January 2020 is in the past. Give a date from today on."
    )
