"""Values as trackers write them (issue 13, item 3): the readers in bot/tracker_values.py, at the
function, where they are pure logic. The import reads them through `sendbot import` in
tests/test_plan_import.py."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.board_config import parse_board
from bot.dates import MONTHS, DateError, format_weekday_long
from bot.errors import ConfigError
from bot.status import Status
from bot.tracker_values import (
    EXCEL_EPOCH,
    CellValueError,
    NoDateAgreed,
    StatusWords,
    read_areas,
    read_group,
    read_tracker_date,
)
from bot.working_calendar import is_working_day

DAYS = st.dates(date(2000, 1, 1), date(2099, 12, 31))
MONTH_FORMS = ("{short} {year}", "{name} {year}", "{short}-{yy}", "{short} {yy}", "{name}{year}")


@given(DAYS, st.sampled_from(["/", ".", "-"]))
def test_a_two_digit_year_is_read_as_this_century_day_first_and_said(day, separator):
    text = f"{day.day}{separator}{day.month:02d}{separator}{day.year % 100:02d}"
    read = read_tracker_date(text, "due date")
    assert read.value == day
    assert read.note == (
        f"due date “{text}” read as {format_weekday_long(day)} "
        f"(a two-digit year, read as {day.year})"
    )


@given(DAYS, st.sampled_from(MONTH_FORMS))
def test_a_month_is_read_as_its_last_working_day_and_said(day, form):
    name = MONTHS[day.month - 1]
    text = form.format(short=name[:3], name=name, year=day.year, yy=f"{day.year % 100:02d}")
    read = read_tracker_date(text, "due date")
    chosen = read.value
    assert (chosen.year, chosen.month) == (day.year, day.month) and is_working_day(chosen)
    later = chosen + timedelta(days=1)
    while later.month == chosen.month:
        assert not is_working_day(later)
        later += timedelta(days=1)
    assert read.note.endswith(
        f"read as {format_weekday_long(chosen)} (the last working day of {name} {day.year})"
    )


@given(st.integers(2000, 2098), st.integers(1, 4), st.sampled_from(["/", "-"]))
def test_a_financial_quarter_is_read_as_its_last_day(year, quarter, separator):
    read = read_tracker_date(f"Q{quarter} {year}{separator}{(year + 1) % 100:02d}", "due date")
    end = {1: date(year, 6, 30), 2: date(year, 9, 30), 3: date(year, 12, 31)}
    assert read.value == end.get(quarter, date(year + 1, 3, 31))
    assert read.note.endswith(
        f"(the end of Q{quarter} of the financial year {year}/{year % 100 + 1:02d})"
    )


@given(DAYS)
def test_an_excel_date_number_is_read_as_its_day(day):
    number = (day - EXCEL_EPOCH).days
    assert read_tracker_date(str(number)).value == day
    assert read_tracker_date(f"{number}.5").value == day  # a date and time of day


@given(st.text(max_size=20))
def test_any_text_is_read_or_refused_in_one_line_never_a_crash(text):
    for read in (
        lambda t: read_tracker_date(t, "due date"),
        StatusWords().read,
        read_areas,
        read_group,
    ):
        try:
            read(text)
        except (CellValueError, DateError) as refused:
            assert str(refused) and "\n" not in str(refused)


def test_dates_that_could_mean_two_things_or_none_are_refused():
    for text, reason in [
        ("Q2 2024", "“Q2 2024” could be a calendar or a financial quarter — write the financial"),
        ("Q2 2024/26", "“Q2 2024/26” is not a financial year — it runs April to March"),
        ("31/13/24", "There is no month 13 — write dates day first"),
        ("30/02/24", "There is no 30 February 2024."),
    ]:
        with pytest.raises((CellValueError, DateError)) as refused:
            read_tracker_date(text)
        assert str(refused.value).startswith(reason)
    for text in ("Ongoing", "TBC", "tba", "N/A", "Termly", "To be confirmed"):
        with pytest.raises(NoDateAgreed):
            read_tracker_date(text)
    for typed in ("31/03/2024", "2024-03-31", "31 March 2024", "soon"):
        assert read_tracker_date(typed) is None  # read as a typed date is, or refused there


def test_statuses_as_trackers_write_them_with_a_note_for_each_guess():
    words = StatusWords((("Slipping", Status.AMBER), ("B", Status.GREEN)))
    for text, status, noted in [
        ("G", Status.GREEN, True),
        ("a", Status.AMBER, True),
        ("R", Status.RED, True),
        ("B", Status.GREEN, True),  # the board's word wins over the default
        ("Green", Status.GREEN, False),
        ("On track", Status.GREEN, False),
        ("Off-track", Status.RED, False),
        ("Delayed", Status.RED, True),
        ("Not yet started", Status.NOT_STARTED, True),
        ("Not started", Status.NOT_STARTED, False),
        ("Completed", Status.BLUE, False),
        ("Embedded", Status.BLUE, True),
        ("Amber (at risk)", Status.AMBER, False),
        ("Green - on track", Status.GREEN, True),
        ("slipping", Status.AMBER, True),
    ]:
        read = words.read(text)
        assert read.value == status, text
        assert read.note == (f"status “{text}” read as {status}" if noted else None), text
    with pytest.raises(CellValueError, match="“Amber/Red” reads as both amber and red"):
        words.read("Amber/Red")
    with pytest.raises(CellValueError) as unknown:
        words.read("Purple")
    assert "Slipping (amber)" in str(unknown.value) and "Embedded (blue)" in str(unknown.value)


def test_areas_as_trackers_write_them():
    for text, numbers in [
        ("3", [3]),
        ("Area 3", [3]),
        ("AoW3", [3]),
        ("AoW 3", [3]),
        ("3; 5", [3, 5]),
        ("3 & 5", [3, 5]),
        ("3, 5", [3, 5]),
        ("3 and 5", [3, 5]),
        ("Areas 3 and 5", [3, 5]),
        ("AoW 5 & AoW 3;", [3, 5]),
        ("1;3", [1, 3]),
    ]:
        assert read_areas(text) == numbers, text
    for text in ("two", "3-5", "Area"):
        with pytest.raises(CellValueError, match="is not a list of area numbers"):
            read_areas(text)


def test_working_groups_as_trackers_write_them():
    for text, number, name, workstream in [
        ("3", 3, None, False),
        ("WG 3", 3, None, False),
        ("WS1", 1, None, True),
        ("Workstream 1", 1, None, True),
        ("1. Understanding of Need", 1, "understanding of need", False),
        ("1 - Understanding of Need", 1, "understanding of need", False),
        ("Engagement & Co-production", None, "engagement and co production", False),
        ("Engagement and co-production", None, "engagement and co production", False),
    ]:
        read = read_group(text)
        assert (read.number, read.name, read.workstream) == (number, name, workstream), text


def test_the_board_adds_status_words_in_board_toml_and_a_wrong_one_is_named():
    board = parse_board({"import": {"status_words": {"Slipping": "amber", "Achieved": "blue"}}})
    assert board.status_words == (("Slipping", Status.AMBER), ("Achieved", Status.BLUE))
    for words, message in [
        ({"Slipping": "purple"}, "import.status_words: “purple” for “Slipping” is not a status"),
        ({"Slipping": 3}, "import.status_words: “3” for “Slipping” is not a status"),
        (["Slipping"], "import.status_words must be a table of words and statuses"),
    ]:
        with pytest.raises(ConfigError, match=message):
            parse_board({"import": {"status_words": words}})
