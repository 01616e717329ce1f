"""Messages from the core: plain text plus mentions of people, never markup.

The core never writes Slack markup, so user text cannot smuggle any in; the renderer escapes every
string part and turns each `Mention` into a real one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    user_id: str


Part = str | Mention
Text = tuple[Part, ...]


def text(*parts: Part) -> Text:
    return tuple(p for p in parts if p != "")


def as_text(value: "str | Text") -> Text:
    return (value,) if isinstance(value, str) else value


def plain(value: "str | Text", names: dict[str, str] | None = None) -> str:
    """Readable text for terminals and logs; mentions become @name (or @ID)."""
    names = names or {}
    return "".join(
        p if isinstance(p, str) else "@" + names.get(p.user_id, p.user_id) for p in as_text(value)
    )
