"""Who is speaking and whom they mention, in Slack's words turned into the core's people.

Slack sends `<@U123|name>` (or `<@U123>`) for a mention when escaping is on, `<#C123|name>` for a
channel, `<!here>` for a group mention, `<https://…|label>` for a link and `&lt;` `&gt;` `&amp;`
for the three characters it escapes. This module is the one place that reads them: the core gets
plain text, with each person as a marker (see bot.typed_text).
"""

import logging
import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserError
from bot.people import Actor, People, PersonRef, Profile
from bot.typed_text import mention_marker, strip_markers
from handlers.slack.ids import PLATFORM, TYPED_USER_ID, USER_ID

log = logging.getLogger(__name__)

_SPECIAL = re.compile(r"<([^<>]*)>")
_SPECIAL_SPLIT = re.compile(r"(<[^<>]*>)")
_USER_MENTION = re.compile(rf"@({USER_ID.pattern})", re.ASCII)
# A user ID typed by hand names a person only where a person is expected: after `owner` or
# `sro`, or as the new owner in `assign REF …`. Elsewhere (a note) it stays the text typed.
_BARE_USER = re.compile(
    r"(?P<before>(?:^|\s)(?i:owner|sro)\s+|^\s*(?i:assign)\s+\S+\s+)"
    rf"@?(?P<id>{TYPED_USER_ID.pattern})(?!\S)",
    re.ASCII,
)


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

    def decode(self, text: str) -> str:
        """Slack's wire text as the core reads it: plain, each mention a person marker."""
        parts = []
        for piece in _SPECIAL_SPLIT.split(strip_markers(text)):
            if _SPECIAL.fullmatch(piece):
                parts.append(self._special(_SPECIAL.fullmatch(piece)))
            else:
                piece = piece.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                parts.append(_BARE_USER.sub(self._typed_user, piece))
        return "".join(parts).strip()

    def _special(self, match: re.Match[str]) -> str:
        target, _, label = match[1].partition("|")
        if mention := _USER_MENTION.fullmatch(target):
            return self._mention(mention[1], label=label)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            # A user group's label already starts with @; <!here> has none.
            return label or "@" + target[1:].split("^")[0]
        target = target.replace("&amp;", "&")
        return f"{label} ({target})" if label else target

    def _typed_user(self, match: re.Match[str]) -> str:
        return match["before"] + self._mention(match["id"], typed=True)

    def _mention(self, user_id: str, label: str = "", typed: bool = False) -> str:
        person = self.person(user_id)
        if person is None:
            if typed:
                raise UserError(
                    f"There is no Slack user {user_id} — mention them instead, like @Sam."
                )
            person = self._unnamed(user_id, label)
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
        profile = user.get("profile") or {}
        name = profile.get("real_name") or user.get("real_name") or profile.get("display_name")
        return Profile(name=strip_markers(name) if name else None, email=profile.get("email"))


def picked_person(people: SlackPeople, user_id: object) -> int | None:
    """The person chosen in a form's user picker, or None when nobody was chosen."""
    if not isinstance(user_id, str) or not USER_ID.fullmatch(user_id):
        return None
    person = people.person(user_id)
    return person.id if person else None


def as_typed(text: str) -> str:
    """Wire text back as the person typed it, without looking anyone up (for apologies that
    hand back what was typed)."""

    def special(match: re.Match[str]) -> str:
        target, _, label = match[1].partition("|")
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        if target.startswith(("@", "#")):
            return target[0] + (label or target[1:])
        return f"{label} ({target})" if label else target

    text = _SPECIAL.sub(special, strip_markers(text))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
