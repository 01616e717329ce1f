"""Messages from the core: plain text plus mentions of people, never markup.

The core never writes a platform's markup, so user text cannot smuggle any in; each door's
renderer escapes every string part and turns each `Mention` into its own kind of mention.
"""

from dataclasses import dataclass

from bot.people import PersonRef


@dataclass(frozen=True)
class Mention:
    person: PersonRef


Part = str | Mention
Text = tuple[Part, ...]


def text(*parts: Part) -> Text:
    return tuple(p for p in parts if p != "")


def as_text(value: "str | Text") -> Text:
    return (value,) if isinstance(value, str) else value


def plain(value: "str | Text") -> str:
    """Readable text for terminals and logs; mentions become @name."""
    return "".join(p if isinstance(p, str) else "@" + p.person.shown for p in as_text(value))
