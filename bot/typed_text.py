"""Turn what Slack sends for typed text back into what the person typed.

With `should_escape` on, Slack sends `&`, `<` and `>` as entities and wraps mentions, channels and
links in angle brackets. Free text (notes, titles, evidence) is stored as the plain words the
person saw, so a mention typed in a note reads "@Sam" and can never ping when shown back.
"""

import re

from bot.errors import UserError

MAX_TEXT = 3000  # one Slack section: a note, evidence or description is shown whole

_SPECIAL = re.compile(r"<([^<>]*)>")


def to_plain(text: str) -> str:
    text = _SPECIAL.sub(_plain_special, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def _plain_special(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith(("@U", "@W")):
        return "@" + (label or target[1:])
    if target.startswith("#C"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        keyword = target[1:].split("^")[0]
        return "@" + (label or keyword)
    return f"{label} ({target})" if label else target


def bounded_text(raw: str, usage: str | None) -> str | None:
    """Typed free text as plain words, refused (and handed back whole) when over MAX_TEXT."""
    text = to_plain(raw)
    if len(text) > MAX_TEXT:
        raise UserError(
            f"That text is {len(text):,} characters; the most I can keep is {MAX_TEXT:,}. "
            "Please shorten it — here is what you typed:",
            usage,
            echo=text,
        )
    return text or None
