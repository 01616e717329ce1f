"""Recognising people and channels in slash-command text.

Slack sends '<@U123ABC|name>' or '<@U123ABC>' when escaping is on; people also paste
bare IDs. Enterprise Grid user IDs start with W instead of U.
"""

import re

_USER_ID = r"[UW][A-Z0-9]{2,}"
# A bare ID typed by hand must hold a digit, so words like "URGENT" are not taken for people.
_BARE_USER_ID = r"[UW](?=[A-Z]*[0-9])[A-Z0-9]{2,}"
# Private channels in older workspaces have G ids.
_CHANNEL_ID = r"[CG][A-Z0-9]{2,}"

# The '|label' part is optional, and may be empty with newer escaping.
_USER = re.compile(rf"<@({_USER_ID})(?:\|[^>]*)?>|@?({_BARE_USER_ID})", re.ASCII)
_CHANNEL = re.compile(rf"<#({_CHANNEL_ID})(?:\|[^>]*)?>|({_CHANNEL_ID})", re.ASCII)
# A Slack-formatted '<...>' (which may contain spaces), else one plain word.
_FIRST_TOKEN = re.compile(r"\s*(<[^>]*>|\S+)")
# Group mentions, channel links and '<!here>', shown as the user saw them.
_LABELLED = re.compile(r"<[!#@][^|>]*\|([^>]*)>")
_SPECIAL = re.compile(r"<!(\w+)>")

_EXAMPLE = "mention them, like @Sam Smith"
_QUOTE_LIMIT = 40


class MentionError(ValueError):
    """A missing or unreadable person; the message is one plain-English line."""


def parse_user(token: str) -> str | None:
    """The user ID in a mention or bare ID, or None if the token is not a user."""
    m = _USER.fullmatch(token.strip())
    return (m[1] or m[2]) if m else None


def parse_channel(token: str) -> str | None:
    """The channel ID in '<#C123|name>', '<#C123>' or a bare 'C123', else None."""
    m = _CHANNEL.fullmatch(token.strip())
    return (m[1] or m[2]) if m else None


def take_user(text: str) -> tuple[str, str]:
    """Read a user at the start of text; return their ID and the rest of the text."""
    m = _FIRST_TOKEN.match(text)
    if m is None:
        raise MentionError(f"A person is missing — {_EXAMPLE}.")
    user = parse_user(m[1])
    if user is None:
        raise MentionError(f"“{_shown(m[1])}” is not a Slack user — {_EXAMPLE}.")
    return user, text[m.end() :].strip()


def _shown(token: str) -> str:
    """Turn Slack markup back into what the user typed, short enough for one line."""
    if m := _LABELLED.fullmatch(token):
        token = m[1] if token.startswith("<!") else token[1] + m[1]
    elif m := _SPECIAL.fullmatch(token):
        token = "@" + m[1]
    token = " ".join(token.split())  # a '<...>' token may span lines
    if len(token) > _QUOTE_LIMIT:
        token = token[: _QUOTE_LIMIT - 1] + "…"
    return token
