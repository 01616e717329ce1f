from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import (
    DateError,
    describe_due,
    due_with_date,
    format_compact,
    format_compact_year,
    format_long,
    format_weekday_long,
    parse_date,
    relative_day,
    take_date,
)

FEB_6 = date(2020, 2, 6)  # a Thursday

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
]

REFUSED = [
    ("31/02/2020", "There is no 31 February 2020."),
    ("31 Apr 2024", "There is no 31 April 2024."),
    ("02/13/2020", "There is no month 13 — write dates day first, like 06/02/2020."),
    ("2020-13-02", "There is no month 13 — ISO dates go year, month, day, like 2020-02-06."),
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
    ("Feb 6 2020", "Put the day before the month, like 6 Feb 2020."),
    ("", "A date is missing — try 06/02/2020, 2020-02-06 or 6 Feb 2020."),
    ("   ", "A date is missing — try 06/02/2020, 2020-02-06 or 6 Feb 2020."),
    ("foo", "“foo” is not a date I understand — try 06/02/2020, 2020-02-06 or 6 Feb 2020."),
    (
        "06/02-2020",
        "“06/02-2020” is not a date I understand — try 06/02/2020, 2020-02-06 or 6 Feb 2020.",
    ),
    (
        "next Thursday",
        "“next Thursday” is not a date I understand — try 06/02/2020, 2020-02-06 or 6 Feb 2020.",
    ),
    (
        "6 Feb 2020 extra",
        "“6 Feb 2020 extra” is not a date I understand — try 06/02/2020, 2020-02-06 or 6 Feb 2020.",
    ),
    (
        "٠٦/٠٢/٢٠٢٠",
        "“٠٦/٠٢/٢٠٢٠” is not a date I understand — try 06/02/2020, 2020-02-06 or 6 Feb 2020.",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_parse_date_refuses_with_reason(text, message):
    with pytest.raises(DateError) as caught:
        parse_date(text)
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
    ],
)
def test_take_date_returns_date_and_rest(text, expected):
    assert take_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "A date is missing — try 06/02/2020, 2020-02-06 or 6 Feb 2020."),
        ("31/02/2020 notes", "There is no 31 February 2020."),
        ("Fri 6 Feb 2020 notes", "6 February 2020 is a Thursday, not a Friday."),
        (
            "tomorrow send it",
            "“tomorrow” is not a date I understand — try 06/02/2020, 2020-02-06 or 6 Feb 2020.",
        ),
        (
            "6 Febuary 2020 x",
            "“6 Febuary” is not a date I understand — try 06/02/2020, 2020-02-06 or 6 Feb 2020.",
        ),
        ("6 Feb review", "Add the year, like 6 Feb 2020."),
    ],
)
def test_take_date_refuses_with_reason(text, message):
    with pytest.raises(DateError) as caught:
        take_date(text)
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
        (date(2020, 2, 6), "due today, Thursday 6 February 2020"),
        (date(2020, 2, 7), "due tomorrow, Friday 7 February 2020"),
        (date(2020, 2, 16), "due in 10 days, on Sunday 16 February 2020"),
        (date(2020, 2, 5), "1 day overdue (due Wednesday 5 February 2020)"),
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
        assert parse_date(text) == d


@settings(max_examples=300)
@given(st.text())
def test_parse_date_only_raises_date_error(text):
    try:
        assert isinstance(parse_date(text), date)
    except DateError as error:
        assert "\n" not in str(error)


@settings(max_examples=300)
@given(st.text())
def test_take_date_only_raises_date_error(text):
    try:
        found, rest = take_date(text)
    except DateError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(found, date)
        assert rest == rest.strip()


@settings(max_examples=100)
@given(dates_in_range, st.text())
def test_take_date_leaves_the_rest(d, rest):
    assert take_date(f"{format_long(d)} {rest}") == (d, rest.strip())
