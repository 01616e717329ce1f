"""Reading and writing dates the way UK officers write them.

Parsing is day-first only and explains every refusal in one plain line,
because a silently misread deadline is worse than a clear error.
Month and weekday names are spelled out here so the server locale can't change them.

Natural dates ("tomorrow", "next Friday", "in 2 weeks", "end of March") come from a small
grammar here rather than a library: dateparser guesses (month-first, nearest match) where we must
refuse, and a grammar this size is easier to test exhaustively (tests/test_dates.py). Relative
words are read against the bot's clock: callers pass `today`; without it, London's date now.
"""

import calendar
import re
from datetime import date, timedelta

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

_QUOTE_LIMIT = 40
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 0, "months": 0}

# re.ASCII so that non-Latin digits (e.g. Arabic-Indic) are not read as numbers.
_WORD = re.compile(r"\S+")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d+)", re.ASCII)
_YEAR_FIRST = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})", re.ASCII)
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)
_COUNT = re.compile(r"\d{1,4}", re.ASCII)
_YEAR = re.compile(r"\d{4}", re.ASCII)
# Punctuation people put after a word ("Thu, 6 Feb. 2020,") that never changes the meaning.
_TRAILING = ",.;:"


class DateError(ValueError):
    """A refused date; the message is one plain-English line to show the user."""


def parse_date(text: str, today: date | None = None) -> date:
    """Read a whole string as one date, or raise DateError saying why not."""
    return _Reader(today).whole(text)


def parse_written_date(text: str, today: date | None = None) -> date:
    """The same, but only a date written out: for files, which are read on another day than
    they were written, so "tomorrow" in a cell would mean a different day each time."""
    return _Reader(today, relative=False).whole(text)


def take_date(text: str, today: date | None = None) -> tuple[date, str]:
    """Read a date at the start of free text; return it and the rest of the text."""
    return _Reader(today).start(text)


def date_at_start(words: list[str], today: date | None = None) -> tuple[date, int]:
    """Read a date from the first of some already-split words; return it and how many words it
    took ("end of March" takes three), or raise DateError saying why not."""
    return _Reader(today).first_words(words)


def in_the_past(day: date, today: date) -> str | None:
    """Why a due date cannot be set to this day, or None when it can (today or later)."""
    if day >= today:
        return None
    return f"{format_long(day)} is in the past. Give a date from today on."


def date_examples(today: date) -> str:
    """Ways to write a date, for refusals and help: dated after today, so never stale."""
    d = _example(today)
    return (
        f"{d:%d/%m/%Y}, {d.day} {MONTHS[d.month - 1][:3]} {d.year}, tomorrow, next Friday, "
        "in 2 weeks or end of March"
    )


def example_date(today: date) -> str:
    """One date after today written day first, for usage examples: e.g. '31/03/2027'."""
    return f"{_example(today):%d/%m/%Y}"


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


def how_far(due: date, today: date) -> str:
    """How far off a due date is: 'in 11 days', 'tomorrow', 'today' or '3 days overdue'."""
    if due < today:
        return f"{days_word((today - due).days)} overdue"
    return relative_day(due, today)


def due_phrase(due: date, today: date) -> str:
    """The one way a due date is said against today: the date once, then how far off it is —
    'due Friday 24 January (in 11 days)', 'due Monday 3 February (12 days overdue)'. The year
    is named only when it is not this year."""
    when = f"{WEEKDAYS[due.weekday()]} {due.day} {MONTHS[due.month - 1]}"
    if due.year != today.year:
        when += f" {due.year}"
    return f"due {when} ({how_far(due, today)})"


def describe_due(due: date, today: date) -> str:
    """How a due date relates to today: 'due today', 'due tomorrow', 'due in 12 days' or
    '1 day overdue'."""
    if due < today:
        return f"{days_word((today - due).days)} overdue"
    return f"due {relative_day(due, today)}"


def due_with_date(due: date, today: date) -> str:
    """The same with the year, for a reminder: 'due Friday 31 January 2020 (in 10 days)'."""
    return f"due {format_weekday_long(due)} ({how_far(due, today)})"


def _london_today() -> date:
    from bot.clock import Clock  # bot.clock imports the calendar, which is heavier than dates

    return Clock().today()


def _example(today: date) -> date:
    """The last day of the month three months on: after today, and plainly day first."""
    month = today.month + 2
    year = today.year + month // 12
    month = month % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


class _Reader:
    """One reading of typed text against one day, so every hint names dates after it."""

    def __init__(self, today: date | None, relative: bool = True) -> None:
        self.today = today or _london_today()
        self.relative = relative
        example = _example(self.today)
        self.example = f"{example.day} {MONTHS[example.month - 1][:3]} {example.year}"
        self.example_numeric = f"{example:%d/%m/%Y}"
        self.example_iso = example.isoformat()

    def whole(self, text: str) -> date:
        words = _WORD.findall(text)
        if not words:
            raise DateError(self._missing())
        found, used = self._match(words)
        if found is None or used != len(words):
            raise DateError(self._not_understood(text))
        return found

    def start(self, text: str) -> tuple[date, str]:
        matches = list(_WORD.finditer(text))
        if not matches:
            raise DateError(self._missing())
        found, used = self._match([m.group() for m in matches])
        if found is None:
            # Quote only up to the word we could not read, so the user sees the culprit.
            raise DateError(self._not_understood(" ".join(m.group() for m in matches[:used])))
        return found, text[matches[used - 1].end() :].strip()

    def first_words(self, words: list[str]) -> tuple[date, int]:
        if not words:
            raise DateError(self._missing())
        found, used = self._match(words)
        if found is None:
            raise DateError(self._not_understood(" ".join(words[:used])))
        return found, used

    def _match(self, raw: list[str]) -> tuple[date | None, int]:
        """Read a date from the first words.

        Returns (date, words used), or (None, n) when the text is not date-shaped, where
        word n is the one we could not read. Raises DateError for date-shaped nonsense.
        """
        words = [_clean(w) for w in raw]
        natural = self._natural(words)
        if natural is not None:
            if not self.relative and natural[0] is not None:
                shown = " ".join(raw[: natural[1]])
                raise DateError(
                    f"“{shown}” depends on the day it is read — write the date itself, "
                    f"like {self.example_numeric}."
                )
            return natural
        if m := _YEAR_FIRST.fullmatch(words[0]):
            self._check_month(int(m[3]), f"ISO dates go year, month, day, like {self.example_iso}")
            return self._build(int(m[4]), int(m[3]), m[1]), 1
        if m := _DAY_FIRST.fullmatch(words[0]):
            self._check_month(int(m[3]), f"write dates day first, like {self.example_numeric}")
            return self._build(int(m[1]), int(m[3]), m[4]), 1
        return self._worded(words)

    # Natural dates, read against today

    def _natural(self, words: list[str]) -> tuple[date | None, int] | None:
        """A date said in words, or (None, n) for words that start one but don't finish it, or
        None when the words are not a natural date at all."""
        first, second = words[0], _at(words, 1)
        if first == "today":
            return self.today, 1
        if first == "tomorrow":
            return self.today + timedelta(days=1), 1
        if first in ("this", "next") and (weekday := _name_index(second, WEEKDAYS)) is not None:
            return self._coming(weekday), 2
        if first in ("this", "next"):
            return None, 2  # "next week", "next month": which day is not said, so not guessed
        weekday = _name_index(first, WEEKDAYS)
        # "Friday 6 Feb 2027" and "Fri Feb 6" are written dates, checked or refused as such.
        month_next = _name_index(second, MONTHS) is not None
        if weekday is not None and not _DAY.fullmatch(second) and not month_next:
            return self._coming(weekday), 1
        if first == "in":
            return self._in(words)
        if first == "end" and second == "of":
            return self._end_of(words)
        return None

    def _coming(self, weekday: int) -> date:
        """The first such weekday after today: 'Friday' on a Friday is a week on."""
        return self.today + timedelta(days=(weekday - self.today.weekday() - 1) % 7 + 1)

    def _in(self, words: list[str]) -> tuple[date | None, int]:
        """'in 3 days', 'in 2 weeks', 'in a month', 'in six weeks'."""
        count_word, unit = _at(words, 1), _at(words, 2)
        count = int(count_word) if _COUNT.fullmatch(count_word) else _NUMBER_WORDS.get(count_word)
        if count is None:
            return None, 2
        if unit not in _UNITS:
            return None, 3
        if _UNITS[unit]:
            days = count * _UNITS[unit]
            if days > (date(MAX_YEAR, 12, 31) - self.today).days:
                raise DateError(self._beyond())
            return self.today + timedelta(days=days), 3
        return self._months_on(count), 3

    def _months_on(self, count: int) -> date:
        index = self.today.month - 1 + count
        year, month = self.today.year + index // 12, index % 12 + 1
        if year > MAX_YEAR:
            raise DateError(self._beyond())
        if self.today.day > calendar.monthrange(year, month)[1]:
            raise DateError(
                f"There is no {self.today.day} {MONTHS[month - 1]} {year} — give the date, "
                f"like end of {MONTHS[month - 1]}."
            )
        return self.today.replace(year=year, month=month)

    def _end_of(self, words: list[str]) -> tuple[date | None, int]:
        """'end of the month', 'end of this month', 'end of next month', 'end of March [2027]'."""
        i = 3 if _at(words, 2) in ("the", "this", "next") else 2
        which = words[2] if i == 3 else ""
        if _at(words, i) == "month" and which != "next":
            return _month_end(self.today.year, self.today.month), i + 1
        if _at(words, i) == "month":
            following = _month_end(self.today.year, self.today.month) + timedelta(days=1)
            return _month_end(following.year, following.month), i + 1
        month = _name_index(_at(words, i), MONTHS)
        if month is None or which:
            return None, i + 1
        if _YEAR.fullmatch(_at(words, i + 1)):
            return _month_end(self._check_year(words[i + 1]), month + 1), i + 2
        end = _month_end(self.today.year, month + 1)
        if end < self.today:
            end = _month_end(self.today.year + 1, month + 1)
        return end, i + 1

    # Dates written out

    def _worded(self, words: list[str]) -> tuple[date | None, int]:
        """Read '[weekday] 6[th] [of] Feb[ruary] 2020' from already-cleaned words."""
        weekday = _name_index(words[0], WEEKDAYS)
        i = 0 if weekday is None else 1
        day = _DAY.fullmatch(_at(words, i))
        if day is None and _looks_month_first(words[i:]):
            month, day_text, year = _name_index(words[i], MONTHS), words[i + 1], _at(words, i + 2)
            swapped = f"{int(_DAY.fullmatch(day_text)[1])} {MONTHS[month or 0][:3]}"
            swapped += f" {year}" if _YEAR.fullmatch(year) else ""
            raise DateError(f"Put the day before the month, like {swapped}.")
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
            if not 1 <= int(day[1]) <= 31:
                raise DateError(f"There is no day {int(day[1])} in any month.")
            typed = f"{int(day[1])} {MONTHS[month][:3]}"
            year = self._next_year_of(int(day[1]), month + 1)
            raise DateError(f"Add the year, like {typed} {year}.")
        found = self._build(int(day[1]), month + 1, year_text)
        if weekday is not None and weekday != found.weekday():
            raise DateError(
                f"{format_long(found)} is a {WEEKDAYS[found.weekday()]}, not a {WEEKDAYS[weekday]}."
            )
        return found, i + 1

    def _next_year_of(self, day: int, month: int) -> int:
        """The year in which this day next comes, for an example that is not in the past."""
        day = min(day, calendar.monthrange(self.today.year, month)[1])
        return self.today.year + (date(self.today.year, month, max(day, 1)) < self.today)

    def _build(self, day: int, month: int, year_text: str) -> date:
        """Make the date once the month is known to be 1-12, explaining any impossible part."""
        year = self._check_year(year_text)
        if not 1 <= day <= 31:
            raise DateError(f"There is no day {day} in any month.")
        if day > calendar.monthrange(year, month)[1]:
            if month == 2 and day == 29:
                raise DateError(f"There is no 29 February {year} ({year} is not a leap year).")
            raise DateError(f"There is no {day} {MONTHS[month - 1]} {year}.")
        return date(year, month, day)

    def _check_month(self, month: int, hint: str) -> None:
        """A month over 12 usually means US or swapped order, so say which order we expect."""
        if month == 0:
            raise DateError("There is no month 0 — months run from 1 to 12.")
        if month > 12:
            raise DateError(f"There is no month {month} — {hint}.")

    def _check_year(self, text: str) -> int:
        """Refuse short years rather than guess the century."""
        if len(text) == 2:
            raise DateError(f"Write the year with all four digits, not just “{text}”.")
        if len(text) != 4:
            raise DateError(
                f"“{text[:8]}” is not a year — write it with four digits, like {self.example[-4:]}."
            )
        year = int(text)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise DateError(
                f"The year {year} is out of range — use a year from {MIN_YEAR} to {MAX_YEAR}."
            )
        return year

    def _beyond(self) -> str:
        return f"That is after {MAX_YEAR} — give a date up to 31 December {MAX_YEAR}."

    def _missing(self) -> str:
        return f"A date is missing — try {self._examples()}."

    def _not_understood(self, text: str) -> str:
        shown = " ".join(text.split())
        if len(shown) > _QUOTE_LIMIT:
            shown = shown[: _QUOTE_LIMIT - 1].rstrip() + "…"
        return f"“{shown}” is not a date I understand — try {self._examples()}."

    def _examples(self) -> str:
        if self.relative:
            return date_examples(self.today)
        return f"{self.example_numeric}, {self.example_iso} or {self.example}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _looks_month_first(words: list[str]) -> bool:
    """Spot the US order 'Feb 6 2020' so we can say what to change."""
    return _name_index(_at(words, 0), MONTHS) is not None and bool(_DAY.fullmatch(_at(words, 1)))


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


def format_day(d: date, today: date) -> str:
    """E.g. 'Friday 24 January': a notification's date, with the year only when it is not
    this year's."""
    shown = f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}"
    return shown if d.year == today.year else f"{shown} {d.year}"
