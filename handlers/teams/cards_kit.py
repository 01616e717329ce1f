"""The pieces every Teams card is made of: inert user text, text blocks, and a size budget.

Adaptive Cards render a TextBlock's text as a small subset of Markdown; people's words are put
in with markdown characters made inert, so no title or note can forge the bot's layout (the
same rule as Slack's, issue 10).
"""

import json
import re
from collections.abc import Iterable

from bot.clean_text import clean
from bot.list_lines import shorten
from bot.message_text import Mention, Text, as_text
from bot.people import PersonRef
from bot.status import Status
from bot.typed_text import COMMAND, shown

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Teams refuses a message over about 28 KB of card; lists stop well before that and say how
# many more there are, as the Slack renderers do.
MAX_CARD_BYTES = 28_000
LIST_BUDGET = 20_000
MAX_LIST_ITEMS = 47  # the Slack door's limit (50 blocks less heading and footer)

# Characters Adaptive Cards' Markdown acts on; a backslash before each keeps it literal.
_MARKDOWN = re.compile(r"([\\*_~`#>\[\]()!+|-])")
# "1. " or "1) " at the start of a line would start a numbered list.
_NUMBERED = re.compile(r"^(\d+)([.)])(?=\s|$)")

# Where Slack shows an emoji shortcode, Teams shows the Unicode character.
STATUS_ICON = {
    Status.NOT_STARTED: "⚪",
    Status.RED: "🔴",
    Status.AMBER: "🟠",
    Status.GREEN: "🟢",
    Status.BLUE: "🔵",
}
BAND_ICON = {"red": "🔴", "amber": "🟠", "green": "🟢"}
WARNING = "⚠️"


def teams_words(value: str) -> str:
    """The core's words as Teams says them: commands are typed without a marker or slash."""
    return value.replace(COMMAND, "")


def _escape_line(line: str) -> str:
    line = _MARKDOWN.sub(r"\\\1", " ".join(line.split()))
    return _NUMBERED.sub(r"\1\\\2", line)


def inert(value: str) -> str:
    """Text as typed, shown literally: one line, no markdown of its own."""
    return _escape_line(clean(teams_words(value), multiline=False))


def inert_lines(value: str) -> str:
    """The same, keeping the line breaks of a field shown whole under the bot's own label.

    Each line is escaped on its own, so none can start a list or heading; Teams needs a blank
    line between lines to show them apart."""
    lines = clean(teams_words(value), multiline=True).splitlines()
    return "\n\n".join(_escape_line(line) for line in lines if line.strip())


def words(value: str | Text) -> str:
    """The core's text: its own words, people shown by name (Teams mentions come later)."""
    return "".join(
        _inert_part(part) if isinstance(part, str) else name(part.person)
        for part in as_text(value)
        if isinstance(part, str | Mention)
    )


def _inert_part(part: str) -> str:
    """A piece of the core's text, inert, keeping the space that parts it from a name."""
    before = " " if part[:1].isspace() else ""
    after = " " if part[-1:].isspace() else ""
    return f"{before}{inert(shown(part))}{after}" if part.strip() else " " * bool(part)


def name(who: PersonRef) -> str:
    return inert(who.shown)


def cut(value: str, limit: int) -> str:
    """Shortened for a list at a word, as the Slack renderers shorten it (before escaping)."""
    return shorten(value, limit)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def status_words(status: Status) -> str:
    return f"{STATUS_ICON[status]} {status.label}"


def block(text: str, **style: object) -> dict:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def heading(text: str) -> dict:
    """The card's title; `text` is already inert."""
    return block(text, weight="Bolder", size="Medium")


def label(text: str) -> dict:
    """A bold label over a part of the card (the bot's own words)."""
    return block(f"**{text}**", spacing="Medium")


def line(text: str) -> dict:
    """One line of a list, close under the one before."""
    return block(text, spacing="Small")


def note(text: str) -> dict:
    return block(text, isSubtle=True, spacing="Medium")


def fact(title: str, value: str) -> dict:
    return {"title": title, "value": value}


def card(body: list[dict]) -> dict:
    return {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": "1.5", "body": body}


def attachment(content: dict) -> dict:
    """A message's attachment for a card: an Adaptive Card is wrapped; Teams' own cards (file
    consent, file info) are their own attachment, with a content type and a name."""
    if "contentType" in content:
        return content
    return {"contentType": CARD_CONTENT_TYPE, "content": content}


def size_of(element: dict) -> int:
    return len(json.dumps(element, ensure_ascii=False).encode())


def fitting(
    elements: Iterable[dict], total: int, more: str, budget: int = LIST_BUDGET
) -> list[dict]:
    """The first elements of a list that fit the budget (and MAX_LIST_ITEMS), then "…and N
    more" when any of the `total` were left out."""
    kept: list[dict] = []
    used = 0
    for element in elements:
        used += size_of(element)
        if len(kept) == MAX_LIST_ITEMS or used > budget:
            break
        kept.append(element)
    if total > len(kept):
        kept.append(note(f"…and {total - len(kept)} more. {more}".rstrip()))
    return kept
