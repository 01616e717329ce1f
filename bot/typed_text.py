"""What a person typed, as the core reads it: plain text, with each person they mentioned
written as a marker that carries the person's id and name.

Each door decodes its platform's wire text (Slack's mention markup, Teams' `<at>` tags and
entities) into this form, so the core never sees a platform's markup. The markers use
private-use characters that no keyboard types, and doors strip those characters from what people
type, so a marker cannot be forged. Free text (notes, titles, evidence) is stored as the words
the person saw: a mention in a note reads "@Sam Smith" and can never ping when shown back.
"""

import re
from collections.abc import Mapping

from bot.clean_text import clean
from bot.errors import UserError

MAX_TEXT = 3000  # a note, evidence or description is kept and shown whole up to this length

OPEN, CLOSE = "\ue000", "\ue001"
# Where a command is named ("Try COMMAND+"action help""), each door writes its own way of
# starting one: "/" on Slack. The core never writes a platform's command syntax.
COMMAND = "\ue002"
_MARKER = re.compile(f"{OPEN}([0-9]+)\\|([^{CLOSE}]*){CLOSE}")


def mention_marker(person_id: int, name: str) -> str:
    """The marker a door writes in place of a mention of this person."""
    return f"{OPEN}{person_id}|{strip_markers(name)}{CLOSE}"


def strip_markers(text: str) -> str:
    """Remove the marker characters from text a person typed, so no marker can be forged."""
    return text.replace(OPEN, "").replace(CLOSE, "").replace(COMMAND, "")


def person_in(word: str) -> int | None:
    """The person id if the word is exactly one mention, else None."""
    m = _MARKER.fullmatch(word.strip())
    return int(m[1]) if m else None


def shown(text: str) -> str:
    """The text as the person saw it: each mention becomes @name."""
    return _MARKER.sub(lambda m: "@" + (m[2] or "someone"), text).strip()


def quoted(word: str, limit: int = 40) -> str:
    """A word handed back in a reason, cut to fit one line."""
    return shown(word)[:limit]


def bounded_text(raw: str, usage: str | None) -> str | None:
    """Typed free text as plain words, refused (and handed back whole) when over MAX_TEXT."""
    text = shown(raw)
    if len(text) > MAX_TEXT:
        raise UserError(
            f"That text is {len(text):,} characters; the most I can keep is {MAX_TEXT:,}. "
            "Please shorten it — here is what you typed:",
            usage,
            echo=text,
        )
    return text or None


def form_text(values: Mapping[str, object], key: str, multiline: bool = True) -> str | None:
    """A form's typed field, clean (bot.clean_text); None when nothing visible was typed."""
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise UserError("Please type this as text.", field=key)
    value = clean(value, multiline=multiline).strip()
    if len(value) > MAX_TEXT:
        raise UserError(f"Please keep this under {MAX_TEXT:,} characters.", field=key)
    return value or None


def hand_back(error: UserError, typed: str) -> None:
    """Let a refusal of a typed command carry the command, so nothing the person wrote is lost
    (a chat app clears the box once a command is sent)."""
    if error.echo is None:
        error.echo = shown(typed)
