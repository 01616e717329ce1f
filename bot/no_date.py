"""Actions with no date agreed (SPEC §2): trackers write "Ongoing", "Termly" or "TBC" where a
due date would be. Such an action has no due date: it is never overdue or due soon, gets no
due-date reminders, sorts after the dated ones, and the chair sees it listed as "no date agreed"
until an admin gives it its first date.
"""

from datetime import date

from bot.dates import format_long
from bot.tracker_values import is_no_date

NO_DATE_AGREED = "no date agreed"
EXPORT_CELL = "No date agreed"  # the export's due cell; importing it back reads it as no date
LONGEST = 4  # the most words a typed "no date" takes ("to be confirmed", "no date agreed")


def long_due(due: date | None) -> str:
    """'6 February 2027', or 'no date agreed'."""
    return format_long(due) if due is not None else NO_DATE_AGREED


def is_our_words(text: str) -> bool:
    """The bot's own words for it, as the export writes them: reading them back needs no note."""
    return " ".join(text.split()).casefold() == NO_DATE_AGREED


def no_date_words(words: list[str]) -> int:
    """How many of the first words say no date is agreed ("TBC", "no date", "to be
    confirmed"); 0 when they don't."""
    for count in range(min(LONGEST, len(words)), 0, -1):
        if is_no_date(" ".join(words[:count])):
            return count
    return 0


def dated_first(due: date | None) -> tuple[bool, date]:
    """A sort key that puts undated actions after the dated ones."""
    return (due is None, due or date.min)
