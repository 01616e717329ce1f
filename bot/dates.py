"""Reading and writing dates the way UK officers write them.

Parsing is day-first only and explains every refusal in one plain line,
because a silently misread deadline is worse than a clear error.
Month and weekday names are spelled out here so the server locale can't change them.
"""

import calendar
import re
from datetime import date

MIN_YEAR = 2000
MAX_YEAR = 2100

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Same order as date.weekday(), so the index is the weekday number.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_TRY = "try 06/02/2020, 2020-02-06 or 6 Feb 2020."
_MISSING = f"A date is missing — {_TRY}"
_QUOTE_LIMIT = 40

# re.ASCII so that non-Latin digits (e.g. Arabic-Indic) are not read as numbers.
_WORD = re.compile(r"\S+")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d+)", re.ASCII)
_YEAR_FIRST = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})", re.ASCII)
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)
# Punctuation people put after a word ("Thu, 6 Feb. 2020,") that never changes the meaning.
_TRAILING = ",.;:"


class DateError(ValueError):
    """A refused date; the message is one plain-English line to show the user."""


def parse_date(text: str) -> date:
    """Read a whole string as one date, or raise DateError saying why not."""
    words = _WORD.findall(text)
    if not words:
        raise DateError(_MISSING)
    found, used = _match(words)
    if found is None or used != len(words):
        raise DateError(_not_understood(text))
    return found


def take_date(text: str) -> tuple[date, str]:
    """Read a date at the start of free text; return it and the rest of the text."""
    matches = list(_WORD.finditer(text))
    if not matches:
        raise DateError(_MISSING)
    found, used = _match([m.group() for m in matches])
    if found is None:
        # Quote only up to the word we could not read, so the user sees the culprit.
        raise DateError(_not_understood(" ".join(m.group() for m in matches[:used])))
    return found, text[matches[used - 1].end() :].strip()


def format_long(d: date) -> str:
    """GOV.UK style, e.g. '6 February 2020'."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def format_weekday_long(d: date) -> str:
    """E.g. 'Thursday 6 February 2020'."""
    return f"{WEEKDAYS[d.weekday()]} {format_long(d)}"


def format_compact(d: date) -> str:
    """E.g. 'Thu 6 Feb', for tight lists where the year is obvious."""
    return f"{WEEKDAYS[d.weekday()][:3]} {d.day} {MONTHS[d.month - 1][:3]}"


def format_compact_year(d: date) -> str:
    """E.g. 'Thu 6 Feb 2020'."""
    return f"{format_compact(d)} {d.year}"


# Relative dates are phrased here and only here, so every message agrees ("tomorrow", never
# "in 1 day" in one place and "tomorrow" in another).


def days_word(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def relative_day(day: date, today: date) -> str:
    """'today', 'tomorrow', 'in 3 days', 'yesterday' or '3 days ago'."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days_word(days)}" if days > 0 else f"{days_word(-days)} ago"


def describe_due(due: date, today: date) -> str:
    """How a due date relates to today: 'due today', 'due tomorrow', 'due in 12 days' or
    '1 day overdue'."""
    if due < today:
        return f"{days_word((today - due).days)} overdue"
    return f"due {relative_day(due, today)}"


def due_with_date(due: date, today: date) -> str:
    """The same with the day named: 'due in 10 days, on Friday 31 January 2020'."""
    when = format_weekday_long(due)
    if due < today:
        return f"{describe_due(due, today)} (due {when})"
    on = "on " if (due - today).days > 1 else ""
    return f"{describe_due(due, today)}, {on}{when}"


def _match(words: list[str]) -> tuple[date | None, int]:
    """Read a date from the first words.

    Returns (date, words used), or (None, n) when the text is not date-shaped, where
    word n is the one we could not read. Raises DateError for date-shaped nonsense.
    """
    first = _clean(words[0])
    if m := _YEAR_FIRST.fullmatch(first):
        _check_month(int(m[3]), "ISO dates go year, month, day, like 2020-02-06")
        return _build(int(m[4]), int(m[3]), m[1]), 1
    if m := _DAY_FIRST.fullmatch(first):
        _check_month(int(m[3]), "write dates day first, like 06/02/2020")
        return _build(int(m[1]), int(m[3]), m[4]), 1
    return _match_worded([_clean(w) for w in words])


def _match_worded(words: list[str]) -> tuple[date | None, int]:
    """Read '[weekday] 6[th] [of] Feb[ruary] 2020' from already-cleaned words."""
    weekday = _name_index(words[0], WEEKDAYS)
    i = 0 if weekday is None else 1
    day = _DAY.fullmatch(_at(words, i))
    if day is None and _looks_month_first(words[i:]):
        raise DateError("Put the day before the month, like 6 Feb 2020.")
    if day is None:
        return None, min(i + 1, len(words))
    i += 1
    if _at(words, i) == "of":
        i += 1
    month = _name_index(_at(words, i), MONTHS)
    if month is None:
        return None, min(i + 1, len(words))
    i += 1
    year_text = _at(words, i)
    if not _DIGITS.fullmatch(year_text):
        raise DateError("Add the year, like 6 Feb 2020.")
    found = _build(int(day[1]), month + 1, year_text)
    if weekday is not None and weekday != found.weekday():
        raise DateError(
            f"{format_long(found)} is a {WEEKDAYS[found.weekday()]}, not a {WEEKDAYS[weekday]}."
        )
    return found, i + 1


def _looks_month_first(words: list[str]) -> bool:
    """Spot the US order 'Feb 6 2020' so we can say what to change."""
    return _name_index(_at(words, 0), MONTHS) is not None and bool(_DAY.fullmatch(_at(words, 1)))


def _build(day: int, month: int, year_text: str) -> date:
    """Make the date once the month is known to be 1-12, explaining any impossible part."""
    year = _check_year(year_text)
    if not 1 <= day <= 31:
        raise DateError(f"There is no day {day} in any month.")
    if day > calendar.monthrange(year, month)[1]:
        if month == 2 and day == 29:
            raise DateError(f"There is no 29 February {year} ({year} is not a leap year).")
        raise DateError(f"There is no {day} {MONTHS[month - 1]} {year}.")
    return date(year, month, day)


def _check_month(month: int, hint: str) -> None:
    """A month over 12 usually means US or swapped order, so say which order we expect."""
    if month == 0:
        raise DateError("There is no month 0 — months run from 1 to 12.")
    if month > 12:
        raise DateError(f"There is no month {month} — {hint}.")


def _check_year(text: str) -> int:
    """Refuse short years rather than guess the century."""
    if len(text) == 2:
        raise DateError(f"Write the year with all four digits, not just “{text}”.")
    if len(text) != 4:
        raise DateError(f"“{text[:8]}” is not a year — write it with four digits, like 2020.")
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(
            f"The year {year} is out of range — use a year from {MIN_YEAR} to {MAX_YEAR}."
        )
    return year


def _name_index(word: str, names: tuple[str, ...]) -> int | None:
    """Match 'feb', 'sept', 'thurs', 'thursday' etc.: any 3+ letter start of a name."""
    if len(word) < 3:
        return None
    for index, name in enumerate(names):
        if name.lower().startswith(word):
            return index
    return None


def _clean(word: str) -> str:
    return word.rstrip(_TRAILING).lower()


def _at(words: list[str], i: int) -> str:
    return words[i] if i < len(words) else ""


def _not_understood(text: str) -> str:
    shown = " ".join(text.split())
    if len(shown) > _QUOTE_LIMIT:
        shown = shown[: _QUOTE_LIMIT - 1].rstrip() + "…"
    return f"“{shown}” is not a date I understand — {_TRY}"


def format_day(d: date, today: date) -> str:
    """E.g. 'Friday 24 January': a notification's date, with the year only when it is not
    this year's."""
    shown = f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}"
    return shown if d.year == today.year else f"{shown} {d.year}"
