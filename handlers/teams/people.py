"""Teams' people and typed text as the core reads them.

A person on Teams is their Microsoft Entra (AAD) object id: the same in every team and chat of
the tenant. The first time someone writes, their email and name come from the conversation's
member list, so an owner imported by email is the same person on Teams as on Slack.
"""

import asyncio
import html
import json
import logging
import re

from bot.people import Actor, People, PersonRef, Profile
from bot.typed_text import mention_marker, strip_markers
from handlers.teams.connector import Connector, tenant_of

log = logging.getLogger(__name__)
PLATFORM = "teams"
_TAG = re.compile(r"<[^>]{0,200}>")
# Teams sends some messages as a little HTML: its line breaks are kept as line breaks.
_BREAK = re.compile(r"<br\s*/?>|</p>|</div>", re.IGNORECASE)


class TeamsPeople:
    """Used on worker threads: the look-ups it makes run on an event loop of their own."""

    def __init__(self, people: People, connector: Connector) -> None:
        self.people = people
        self.connector = connector

    def actor(self, activity: dict) -> Actor:
        """The person writing; Teams vouches for them, so they always exist, named by Teams if
        their profile cannot be read just now."""
        sender = activity.get("from") or {}
        aad = str(sender.get("aadObjectId") or sender.get("id") or "unknown")
        name = sender.get("name") if isinstance(sender.get("name"), str) else None

        def profile() -> Profile:
            found = self._look_up(activity, str(sender.get("id") or ""))
            return Profile(name=(found or {}).get("name") or name, email=(found or {}).get("email"))

        person = self.people.by_account(PLATFORM, aad, profile)
        assert person is not None  # a profile is always given, so a person is always made
        personal = (activity.get("conversation") or {}).get("conversationType") == "personal"
        chat = (activity.get("conversation") or {}).get("id") if personal else None
        self.keep_reach(person, aad, activity, str(sender.get("id") or ""), chat)
        return self.people.actor(person)

    def keep_reach(
        self,
        person: PersonRef,
        aad: str,
        activity: dict,
        member_id: str,
        conversation_id: str | None = None,
    ) -> None:
        """Keep what it takes to message this person later: the service URL their tenant is
        served from, their Teams id and ours, and their personal chat with the bot once known."""
        known = reach_of(self.people.reach(person.id, PLATFORM))
        reach = {
            **known,
            "serviceUrl": activity.get("serviceUrl"),
            "tenantId": tenant_of(activity) or known.get("tenantId"),
            "memberId": member_id,
            "botId": (activity.get("recipient") or {}).get("id"),
        }
        if conversation_id:
            reach["conversationId"] = conversation_id
        if reach != known:
            self.people.keep_reach(PLATFORM, aad, json.dumps(reach, sort_keys=True))

    def mentioned(self, account: dict, activity: dict) -> PersonRef | None:
        """The person an @mention names, or None when Teams cannot tell us who they are: a
        person is never made up from a display name alone."""
        found = self._look_up(activity, str(account.get("id") or ""))
        aad = account.get("aadObjectId") or (found or {}).get("aadObjectId")
        if not aad:
            return None

        def profile() -> Profile | None:
            if found is None:
                return None
            return Profile(name=found.get("name") or account.get("name"), email=found.get("email"))

        return self.people.by_account(PLATFORM, str(aad), profile)

    def _look_up(self, activity: dict, member_id: str) -> dict | None:
        """Ask Teams about a member: in this conversation, else in the team it belongs to (a
        personal chat's roster holds only the person and the bot)."""
        conversation = (activity.get("conversation") or {}).get("id")
        team = ((activity.get("channelData") or {}).get("team") or {}).get("id")
        for where in dict.fromkeys(w for w in (conversation, team) if w):
            try:
                return asyncio.run(self.connector.member(activity["serviceUrl"], where, member_id))
            except Exception as error:
                # Not there, or Teams down: the next place, else what the activity said.
                log.info("Teams could not say who a member is here (%s)", type(error).__name__)
        return None

    def decode(self, activity: dict) -> str:
        """The typed text as the core reads it: the bot's own @mention removed, everyone else's a
        person marker, Teams' HTML gone."""
        text = strip_markers(str(activity.get("text") or ""))
        bot_id = (activity.get("recipient") or {}).get("id")
        for entity in activity.get("entities") or []:
            if not isinstance(entity, dict) or entity.get("type") != "mention":
                continue
            mentioned = entity.get("mentioned") or {}
            written = str(entity.get("text") or "")
            if not written or written not in text:
                continue
            if mentioned.get("id") == bot_id:
                text = text.replace(written, " ", 1)
                continue
            person = self.mentioned(mentioned, activity)
            shown = mentioned.get("name") or _TAG.sub("", written)
            marker = mention_marker(person.id, shown) if person else shown
            text = text.replace(written, marker, 1)
        text = _BREAK.sub("\n", text)
        lines = html.unescape(_TAG.sub(" ", text)).split("\n")
        return "\n".join(" ".join(line.split()) for line in lines).strip()


def reach_of(stored: str | None) -> dict:
    """A stored Teams reach as a dict (empty when there is none or it cannot be read)."""
    try:
        found = json.loads(stored) if stored else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
