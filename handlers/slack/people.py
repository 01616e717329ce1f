"""Who is speaking and whom they mention, in Slack's words turned into the core's people.

Slack sends `<@U123|name>` (or `<@U123>`) for a mention when escaping is on, `<#C123|name>` for a
channel, `<!here>` for a group mention, `<https://…|label>` for a link and `&lt;` `&gt;` `&amp;`
for the three characters it escapes. This module is the one place that reads them: the core gets
plain text, with each person as a marker (see bot.typed_text).
"""

import logging
import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.people import Actor, People, PersonRef, Profile
from bot.tokens import QUOTE_CHARS
from bot.typed_text import mention_marker, strip_markers
from handlers.slack.ids import PLATFORM, TYPED_USER_ID, USER_ID

log = logging.getLogger(__name__)

_SPECIAL = re.compile(r"<([^<>]*)>")
_SPECIAL_SPLIT = re.compile(r"(<[^<>]*>)")
_USER_MENTION = re.compile(rf"@({USER_ID.pattern})", re.ASCII)
# A user ID typed by hand names a person only where a person is expected: after `owner` or
# `sro`, or as the new owner in `assign REF …`, in a subcommand that takes people, outside
# quotes. Anywhere else (a note, a title) it stays the text typed.
_BARE_USER = re.compile(
    r"(?P<before>(?:^|\s)(?i:owner|sro)\s+|^\s*(?i:assign)\s+\S+\s+)"
    rf"@?(?P<id>{TYPED_USER_ID.pattern})(?!\S)",
    re.ASCII,
)
TAKES_PEOPLE = {"/action": {"add", "list", "assign"}, "/risk": {"log"}}


class SlackPeople:
    def __init__(self, people: People, client: WebClient) -> None:
        self.people = people
        self.client = client

    def actor(self, user_id: str) -> Actor:
        """The person pressing or typing; Slack vouches for them, so they always exist."""
        person = self.person(user_id) or self._unnamed(user_id)
        return self.people.actor(person)

    def person(self, user_id: str) -> PersonRef | None:
        return self.people.by_account(PLATFORM, user_id, lambda: self._profile(user_id))

    def decode(self, text: str, command: str = "") -> str:
        """Slack's wire text after `command` (e.g. "/action") as the core reads it: plain, each
        mention a person marker."""
        words = text.split(maxsplit=1)
        typed_ids = bool(words) and words[0].lower() in TAKES_PEOPLE.get(command, ())
        parts: list[str] = []
        for piece in _SPECIAL_SPLIT.split(strip_markers(text)):
            if special := _SPECIAL.fullmatch(piece):
                parts.append(self._special(special))
                continue
            piece = _unescape(piece)
            if typed_ids:
                piece = self._typed_users(piece, _quote_open("".join(parts)))
            parts.append(piece)
        return "".join(parts).strip()

    def _typed_users(self, piece: str, quoted: bool) -> str:
        """Each user ID typed where a person is expected, as a mention; one Slack does not know
        stays as typed, for the core to refuse with the usage."""
        out, last = [], 0
        for match in _BARE_USER.finditer(piece):
            if quoted != _quote_open(piece[: match.start("id")]):
                continue  # inside a quoted title
            person = self.person(match["id"])
            if person is None:
                continue
            out.append(piece[last : match.start("id")])
            out.append(mention_marker(person.id, person.name or match["id"]))
            last = match.end()
        return "".join(out) + piece[last:]

    def _special(self, match: re.Match[str]) -> str:
        target, label = _special_parts(match)
        if mention := _USER_MENTION.fullmatch(target):
            return self._mention(mention[1], label=label)
        return _special_words(target, label)

    def _mention(self, user_id: str, label: str = "") -> str:
        person = self.person(user_id) or self._unnamed(user_id, label)
        return mention_marker(person.id, person.name or label or user_id)

    def _unnamed(self, user_id: str, label: str = "") -> PersonRef:
        """Slack named this account itself, though users.info could not: keep it anyway."""
        person = self.people.by_account(PLATFORM, user_id, lambda: Profile(name=label or None))
        assert person is not None
        return person

    def _profile(self, user_id: str) -> Profile | None:
        try:
            user = self.client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            log.info("users.info for a new person failed: %s", error.response.get("error"))
            return None
        except (SlackClientError, OSError) as error:
            # A name is nice to have: a slow or unreachable Slack must not cost the answer.
            log.warning("users.info for a new person failed: %s", type(error).__name__)
            return None
        return slack_profile(user)


def slack_profile(user: dict) -> Profile:
    """A person's name and email from a Slack user object (users.info, users.lookupByEmail)."""
    profile = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or profile.get("display_name")
    return Profile(name=strip_markers(name) if name else None, email=profile.get("email"))


def picked_person(people: SlackPeople, user_id: object) -> int | None:
    """The person chosen in a form's user picker, or None when nobody was chosen."""
    if not isinstance(user_id, str) or not USER_ID.fullmatch(user_id):
        return None
    person = people.person(user_id)
    return person.id if person else None


def _unescape(text: str) -> str:
    """Slack's three entities back to the characters the person typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _quote_open(text: str) -> bool:
    """Whether a quoted span is still open at the end of `text`."""
    return sum(text.count(q) for q in QUOTE_CHARS) % 2 == 1


def _special_parts(match: re.Match[str]) -> tuple[str, str]:
    target, _, label = match[1].partition("|")
    return _unescape(target), _unescape(label)


def _special_words(target: str, label: str) -> str:
    """A channel, group mention or link as the person saw it (a user is @label or @ID)."""
    if target.startswith(("@", "#")):
        return target[0] + (label or target[1:])
    if target.startswith("!"):
        # A user group's label already starts with @; <!here> has none.
        return label or "@" + target[1:].split("^")[0]
    return f"{label} ({target})" if label else target


def as_typed(text: str) -> str:
    """Wire text back as the person typed it, without looking anyone up (for apologies that
    hand back what was typed)."""
    pieces = _SPECIAL_SPLIT.split(strip_markers(text))
    return "".join(
        _special_words(*_special_parts(special))
        if (special := _SPECIAL.fullmatch(piece))
        else _unescape(piece)
        for piece in pieces
    ).strip()
