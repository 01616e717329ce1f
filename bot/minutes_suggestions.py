"""What the bot suggests for a draft action from minutes: the meeting's date, an owner, a due date.

Every suggestion is only that: the admin sees it beside the sentence it came from and may change
it. Where the minutes give no clue, nothing is suggested rather than a guess.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.dates import DateError, parse_date, parse_written_date
from bot.minutes_actions import MONTH_NAMES

_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTH_NAMES) + r")\s+(\d{4})\b", re.I
)
_NUMERIC = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
# How far into the minutes their date is looked for: the heading, not a date in the discussion.
_HEADER_LINES = 12
_HEADING_WIDTH = 120  # longer lines are discussion, whose dates are not the meeting's


@dataclass(frozen=True)
class KnownPerson:
    """Someone the board knows by role, to match a role the minutes name."""

    person_id: int
    name: str
    role: str


def meeting_date_in(minutes: str) -> date | None:
    """The meeting's date from the minutes' heading ("held on Tuesday 14 January 2027")."""
    lines = [line for line in minutes.splitlines() if line.strip()][:_HEADER_LINES]
    lines = [line for line in lines if len(line) <= _HEADING_WIDTH]
    for line in lines:
        for found in (_DAY_MONTH_YEAR.search(line), _NUMERIC.search(line)):
            if found:
                try:
                    return parse_written_date(found.group(0))
                except DateError:
                    continue
    return None


def source_for(meeting: date) -> str:
    """How the plan records where an action came from: "Board 14/01/2027"."""
    return f"Board {meeting:%d/%m/%Y}"


def suggest_due(hint: str | None, meeting: date, board_meetings: Iterable[date]) -> date | None:
    """The date a hint means: "the January meeting" is the next board meeting held in January
    after this one; "the next meeting" the next one; a written date or month end as written."""
    if not hint:
        return None
    later = sorted(day for day in board_meetings if day > meeting)
    words = hint.lower().removeprefix("the ").split()
    if len(words) == 2 and words[1] == "meeting":
        if words[0] == "next":
            return later[0] if later else None
        month = [m.lower() for m in MONTH_NAMES].index(words[0]) + 1
        return next((day for day in later if day.month == month), None)
    try:  # relative words ("end of February", "in 4 weeks") count from the meeting's day
        return parse_date(" ".join(words), today=meeting)
    except DateError:
        return None


def suggest_owner(
    owner_hint: str | None, decision: str, context: str, people: Sequence[KnownPerson]
) -> KnownPerson | None:
    """The person whose role the minutes name: in the "X to do Y" owner if there is one, else in
    the decision, then in its paragraph. The longest role named wins ("Head of SEND Commissioning"
    over "Head of SEND")."""
    by_length = sorted((p for p in people if p.role.strip()), key=lambda p: -len(p.role))
    # Where the minutes name who will do it, only that counts: "Forum co-chairs to send …" is
    # never given to someone else the paragraph mentions.
    for text in (owner_hint,) if owner_hint else (decision, context):
        plain = _plain(text)
        for person in by_length:
            role = re.sub(r"\s*\(.*?\)", "", person.role)
            if re.search(rf"(?<!\w){re.escape(_plain(role))}(?!\w)", plain):
                return person
            if any(re.search(rf"\b{a}\b", text) for a in _acronyms(person.role)):
                return person
    return None


def _acronyms(role: str) -> list[str]:
    """What minutes call a role for short: its bracketed acronym ("Designated Clinical Officer
    (DCO)") or the initials of its words ("Designated Clinical Officer" → DCO). Matched in
    capitals only, so "dco" in a word never counts."""
    bracketed = re.findall(r"\(([A-Z]{2,6})\)", role)
    words = re.findall(r"[A-Za-z]+", re.sub(r"\(.*?\)", "", role))
    initials = "".join(w[0] for w in words if w[0].isupper())
    return bracketed + ([initials] if len(initials) >= 3 and len(words) == len(initials) else [])


def _plain(text: str) -> str:
    """Roles compared ignoring case, dashes and curly apostrophes: minutes and trackers vary."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\s*[–—-]\s*", " ", text)
    return re.sub(r"\s+", " ", text).strip()
