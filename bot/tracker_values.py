"""Cell values as councils write them in their trackers (SPEC §7): BRAG words and letters, areas
written "AoW3" or "3 & 5", working groups by workstream number, dates as months, financial
quarters or two-digit years.

Each reader gives the value and, when it had to choose how to read the cell, a note saying what
it chose ("status “G” read as green"), so that nothing is guessed silently. What could mean two
things ("Q2 2024", "Amber/Red") is refused, never guessed. Dates are always day first.
"""

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from bot.dates import MAX_YEAR, MIN_YEAR, MONTHS, DateError, format_weekday_long
from bot.status import Status, parse_status
from bot.working_calendar import is_working_day

T = TypeVar("T")


class CellValueError(ValueError):
    """A cell that can't be read; the message completes “column: …” in one plain line."""


@dataclass(frozen=True)
class Read(Generic[T]):
    value: T
    note: str | None = None  # what was chosen, when the cell could be read more than one way


# Statuses

# The words trackers use, as they write them; the board may add its own (board.toml).
DEFAULT_STATUS_WORDS: dict[str, Status] = {
    "G": Status.GREEN,
    "Green": Status.GREEN,
    "On track": Status.GREEN,
    "A": Status.AMBER,
    "Amber": Status.AMBER,
    "At risk": Status.AMBER,
    "R": Status.RED,
    "Red": Status.RED,
    "Off track": Status.RED,
    "Delayed": Status.RED,
    "B": Status.BLUE,
    "Blue": Status.BLUE,
    "Complete": Status.BLUE,
    "Completed": Status.BLUE,
    "Done": Status.BLUE,
    "Embedded": Status.BLUE,
    "Not started": Status.NOT_STARTED,
    "Not yet started": Status.NOT_STARTED,
}
_LABELS = {status.label.casefold(): status for status in Status}
_STATUS_PARTS = re.compile(r"\s*(?:[()/:,]|\s[-–—]\s)\s*")


def status_key(word: str) -> str:
    """A status word as compared: case, hyphens and stray full stops don't matter."""
    return " ".join(re.sub(r"[-_.]", " ", word).split()).casefold()


class StatusWords:
    """The words a tracker may use for each status: ours, the defaults and the board's."""

    def __init__(self, extra: Iterable[tuple[str, Status]] = ()) -> None:
        self.shown = dict(DEFAULT_STATUS_WORDS) | dict(extra)
        self._by_key = {status_key(word): status for word, status in self.shown.items()}

    def read(self, text: str) -> Read[Status]:
        # Our own words (SPEC §2, "on track" as well as "on-track") and labels need no note.
        own = (
            parse_status(text)
            or parse_status(status_key(text).replace(" ", "-"))
            or _LABELS.get(" ".join(text.split()).casefold())
        )
        if own is not None:
            return Read(own)
        found = self._find(text)
        if found is None:
            raise CellValueError(f"“{_quote(text)}” is not a status — {self.known()}.")
        return Read(found, f"status “{_quote(text)}” read as {found}")

    def _find(self, text: str) -> Status | None:
        whole = self._by_key.get(status_key(text)) or parse_status(status_key(text))
        if whole is not None:
            return whole
        # "Green - on track", "B (complete)": every part must say the same status.
        parts = [p for p in _STATUS_PARTS.split(text) if p.strip()]
        found = {self._by_key.get(status_key(p)) or parse_status(status_key(p)) for p in parts}
        if len(parts) < 2 or None in found:
            return None
        if len(found) > 1:
            named = " and ".join(sorted(str(s) for s in found if s))
            raise CellValueError(f"“{_quote(text)}” reads as both {named} — give one status.")
        return found.pop()

    def known(self) -> str:
        groups = []
        for status in (Status.GREEN, Status.AMBER, Status.RED, Status.BLUE, Status.NOT_STARTED):
            words = [w for w, s in self.shown.items() if s == status]
            groups.append(f"{', '.join(words)} ({status})")
        return (
            "use "
            + "; ".join(groups)
            + ", or add the word to board.toml under [import] status_words"
        )


# Areas of weakness

_AREA = re.compile(
    r"(?:(?:areas?(?:\s+of\s+weakness)?|aows?|priorit(?:y|ies))\s*)?(\d{1,6})", re.ASCII
)
_AREA_SEPARATORS = re.compile(r"\s*(?:[;,/&+]|\band\b)\s*")


def read_areas(text: str) -> list[int]:
    """“3”, “Area 3”, “AoW3”, “3; 5”, “3 & 5”, “Areas 3 and 5” → the area numbers."""
    numbers = []
    for part in _AREA_SEPARATORS.split(text.casefold().strip()):
        if not part:
            continue
        m = _AREA.fullmatch(part)
        if m is None:
            raise CellValueError(
                f"“{_quote(text)}” is not a list of area numbers — write the numbers, "
                "like 3, or 3; 5, or Areas 3 and 5."
            )
        numbers.append(int(m[1]))
    return sorted(set(numbers))


# Working groups

_GROUP_NUMBER = re.compile(
    r"(?:(wg|working group|group|ws|workstream|work stream)\s*)?(\d{1,6})(?:\s*[-–:.)]?\s+(.+))?",
    re.ASCII,
)
_WORKSTREAM = ("ws", "workstream", "work stream")


@dataclass(frozen=True)
class GroupName:
    """A working group cell taken apart: its number and/or its name, as compared."""

    number: int | None
    name: str | None  # group_key of the name, when one is given
    workstream: bool  # numbered as a workstream ("WS1"): read as the working group's number


def group_key(name: str) -> str:
    """A group's name as compared: “&” is “and”; case, punctuation and spacing don't matter."""
    name = re.sub(r"[&+]", " and ", name.casefold())
    return " ".join(re.sub(r"[^\w\s]", " ", name).split())


def read_group(text: str) -> GroupName:
    """“3”, “WG3”, “WS1”, “Workstream 1”, “1. Understanding of Need”, “Engagement & Co-production”:
    its number and/or its name."""
    key = group_key(text)
    if m := _GROUP_NUMBER.fullmatch(key):
        return GroupName(int(m[2]), m[3], m[1] in _WORKSTREAM)
    return GroupName(None, key, False)


# Dates

EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's date numbers (its 1900 leap year included)
# Words trackers write for "no date agreed" (status_key form): the action gets no due date.
NO_DATE_WORDS = (
    "ongoing",
    "on going",
    "ongoing reviewed termly",
    "termly",
    "reviewed termly",
    "annual",
    "annually",
    "continuous",
    "no date",
    "no date agreed",
    "tbc",
    "tba",
    "tbd",
    "n a",
    "na",
    "to be confirmed",
    "to be agreed",
    "not applicable",
)
_EXCEL_NUMBER = re.compile(r"(\d{5})(?:\.\d+)?", re.ASCII)
_SHORT_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2})", re.ASCII)
_SHORT_WORDED = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]{3,9})\.?[\s-]+(\d{2})", re.ASCII)
_MONTH_YEAR = re.compile(r"([a-z]{3,9})\.?[\s/-]*'?(\d{4}|\d{2})", re.ASCII)
_QUARTER = re.compile(r"q([1-4])\s*(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})", re.ASCII)
_QUARTER_AFTER = re.compile(r"(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})\s*q([1-4])", re.ASCII)
_CALENDAR_QUARTER = re.compile(r"q([1-4])\s*(\d{4}|\d{2})", re.ASCII)
_LEADING_WORDS = re.compile(r"(?:by\s+)?(?:the\s+)?(?:end\s+of\s+)?(?:the\s+)?", re.ASCII)
# The last month of each quarter of a UK financial year (April to March).
_QUARTER_END_MONTH = {1: 6, 2: 9, 3: 12, 4: 3}


class NoDateAgreed(CellValueError):
    """The cell says no date is agreed ("Ongoing", "TBC"); the message is the text quoted."""


def is_no_date(text: str) -> bool:
    return status_key(re.sub(r"[/–—,()]", " ", text)) in NO_DATE_WORDS


def read_tracker_date(text: str, what: str = "date") -> Read[date] | None:
    """A date in one of the forms trackers use that a typed date never takes, with a note
    naming the day chosen; None when the text is in none of them (read it as typed).

    Raises NoDateAgreed for “Ongoing”, “TBC” and the like, and CellValueError or DateError for
    forms that can't be read or could mean two things."""
    if is_no_date(text):
        raise NoDateAgreed(f"“{_quote(text)}”")
    words = " ".join(text.casefold().split())
    if m := _EXCEL_NUMBER.fullmatch(words):
        day = EXCEL_EPOCH + timedelta(days=int(m[1]))
        _check_year(day.year, text)
        return Read(day, _noted(what, text, day, "an Excel date number"))
    if m := _SHORT_NUMERIC.fullmatch(words):
        day = _day(int(m[1]), int(m[3]), 2000 + int(m[4]), text)
        return Read(day, _noted(what, text, day, "a two-digit year, read as 20" + m[4]))
    if (m := _SHORT_WORDED.fullmatch(words)) and (month := _month(m[2])) is not None:
        day = _day(int(m[1]), month, 2000 + int(m[3]), text)
        return Read(day, _noted(what, text, day, "a two-digit year, read as 20" + m[3]))
    rest = words[_LEADING_WORDS.match(words).end() :]
    if m := _QUARTER.fullmatch(rest):
        return _quarter_end(int(m[1]), m[2], m[3], text, what)
    if m := _QUARTER_AFTER.fullmatch(rest):
        return _quarter_end(int(m[3]), m[1], m[2], text, what)
    if m := _CALENDAR_QUARTER.fullmatch(rest):
        year = _year(m[2], text)
        raise CellValueError(
            f"“{_quote(text)}” could be a calendar or a financial quarter — write the financial "
            f"year, like Q{m[1]} {year}/{(year + 1) % 100:02d}, or the date itself."
        )
    if (m := _MONTH_YEAR.fullmatch(rest)) and (month := _month(m[1])) is not None:
        year = _year(m[2], text)
        day = last_working_day(year, month)
        reason = f"the last working day of {MONTHS[month - 1]} {year}"
        return Read(day, _noted(what, text, day, reason))
    return None


def last_working_day(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def quarter_end(quarter: int, first_year: int) -> date:
    """The last day of a quarter of the financial year that starts in April of first_year."""
    month = _QUARTER_END_MONTH[quarter]
    year = first_year + (quarter == 4)
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(quarter: int, first: str, second: str, text: str, what: str) -> Read[date]:
    start = _year(first, text)
    end = _year(second, text)
    if end != start + 1:
        raise CellValueError(
            f"“{_quote(text)}” is not a financial year — it runs April to March, "
            f"like Q{quarter} {start}/{(start + 1) % 100:02d}."
        )
    day = quarter_end(quarter, start)
    reason = f"the end of Q{quarter} of the financial year {start}/{(start + 1) % 100:02d}"
    return Read(day, _noted(what, text, day, reason))


def _noted(what: str, text: str, day: date, reason: str) -> str:
    return f"{what} “{_quote(text)}” read as {format_weekday_long(day)} ({reason})"


def _month(word: str) -> int | None:
    """'mar', 'sept', 'december' → 3, 9, 12: any start of a month's name of three letters."""
    for index, name in enumerate(MONTHS, start=1):
        if name.casefold().startswith(word):
            return index
    return None


def _year(text: str, cell: str) -> int:
    year = int(text) + (2000 if len(text) == 2 else 0)
    _check_year(year, cell)
    return year


def _check_year(year: int, cell: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(
            f"“{_quote(cell)}” is in {year} — use a date from {MIN_YEAR} to {MAX_YEAR}."
        )


def _day(day: int, month: int, year: int, cell: str) -> date:
    if not 1 <= month <= 12:
        raise DateError(f"There is no month {month} — write dates day first, like 31/03/25.")
    _check_year(year, cell)
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"There is no {day} {MONTHS[month - 1]} {year}.") from None


def _quote(text: str) -> str:
    shown = " ".join(text.split())
    return shown if len(shown) <= 40 else shown[:39].rstrip() + "…"


def status_words_from(table: Mapping[str, str]) -> tuple[tuple[str, Status], ...]:
    """A board's [import] status_words: each word and the status it means, checked."""
    words = []
    for word, meaning in table.items():
        status = parse_status(str(meaning)) if isinstance(meaning, str) else None
        if status is None:
            raise CellValueError(
                f"“{_quote(str(meaning))}” for “{_quote(word)}” is not a status — "
                "use not started, red, amber, green or blue"
            )
        if not word.strip() or len(word) > 40:
            raise CellValueError(f"“{_quote(word)}” must be a word or two of up to 40 characters")
        words.append((word.strip(), status))
    return tuple(words)
