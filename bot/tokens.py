"""Splitting slash-command text into arguments.

Like a shell, but forgiving of what chat clients do to text: straight quotes are often
turned into curly ones, and a mention (a marker, see bot.typed_text) may hold spaces.
Apostrophes are not quotes, because titles like "Young People's Forum" are common.
"""

import re
from collections.abc import Iterator
from itertools import islice

from bot.typed_text import CLOSE, OPEN

# Straight, curly (either way round), low-9, reversed and fullwidth double quotes, and
# the double prime some keyboards produce.
QUOTE_CHARS = '"“”„‟″＂'

_UNCLOSED = 'A quote is not closed — put the title in "double quotes".'


def parse_number(word: str, largest: int = 999) -> int | None:
    """A plain whole number from 1 to `largest` ("²" and "٣" are not numbers here)."""
    if re.fullmatch(r"[0-9]{1,6}", word) and 1 <= int(word) <= largest:
        return int(word)
    return None


class TokenError(ValueError):
    """Command text that cannot be split; the message is one plain-English line."""


def split_args(text: str) -> list[str]:
    """Split on whitespace, keeping "quoted spans" and mentions whole."""
    return [arg for arg, _ in _scan(text)]


def rest_after(text: str, n: int) -> str:
    """The raw text after the first n arguments, for free-text notes.

    Only the first n arguments are read, so a stray quote in the note is fine.
    """
    ends = [end for _, end in islice(_scan(text), max(n, 0))]
    return text[ends[-1] if ends else 0 :].strip()


def _scan(text: str) -> Iterator[tuple[str, int]]:
    """Yield each argument with the index just after it, lazily."""
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return
        arg, i = _read_arg(text, i)
        yield arg, i


def _read_arg(text: str, i: int) -> tuple[str, int]:
    """Read one argument starting at i; quoted parts join onto neighbouring text."""
    parts = []
    while i < len(text) and not text[i].isspace():
        if text[i] in QUOTE_CHARS:
            close = _find_quote(text, i + 1)
            parts.append(text[i + 1 : close])
        elif text[i] == OPEN and (close := text.find(CLOSE, i)) >= 0:
            parts.append(text[i : close + 1])
        else:
            close = i
            parts.append(text[i])
        i = close + 1
    return "".join(parts), i


def _find_quote(text: str, start: int) -> int:
    """Index of the next quote of any kind: Slack may pair “ with a straight "."""
    for i in range(start, len(text)):
        if text[i] in QUOTE_CHARS:
            return i
    raise TokenError(_UNCLOSED)
