"""How an action's due date is said in lists and cards: the date once, then how far off it is.

"due Fri 24 Jan (in 11 days)", never "due Fri 24 Jan (due in 11 days)": bot/dates.due_phrase's
phrasing, with the short date a list has room for.
"""

from datetime import date

from bot.dates import format_compact, format_compact_year, format_long, how_far
from bot.no_date import NO_DATE_AGREED


def due_phrase(due: date | None, today: date, complete: bool = False) -> str:
    """For a list: 'due Fri 24 Jan (in 11 days)'; the year only when it is not this year's;
    a complete action only its date; 'no date agreed' where there is none."""
    if due is None:
        return NO_DATE_AGREED
    shown = format_compact(due) if due.year == today.year else format_compact_year(due)
    return f"due {shown}" if complete else f"due {shown} ({how_far(due, today)})"


def due_in_full(due: date | None, today: date, complete: bool = False) -> str:
    """For an action shown in full, under a "Due" label: '24 January 2020 (in 11 days)'."""
    if due is None:
        return NO_DATE_AGREED
    return format_long(due) if complete else f"{format_long(due)} ({how_far(due, today)})"
