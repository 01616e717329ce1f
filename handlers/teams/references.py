"""Conversation references: what the bot keeps so it can write first, later, to a person or a
channel (reminders, escalations, the digest).

Teams tells the bot when its app is installed (`installationUpdate`) and when members join a
conversation it is in (`conversationUpdate`). Installed in a team, the bot reads the team's
roster and channels at once, so everyone in the board's team can be reminded before they ever
write to it; members who join later are kept as they join. A personal install keeps that chat.
"""

import asyncio
import json
import logging

from bot.people import People, Profile
from bot.places import Places
from handlers.teams.connector import Connector, tenant_of
from handlers.teams.people import PLATFORM, TeamsPeople

log = logging.getLogger(__name__)


def channel_reach(activity: dict) -> tuple[str, dict] | None:
    """The channel an activity came from, and how to post there: its team's service URL."""
    data = activity.get("channelData") or {}
    team = (data.get("team") or {}).get("id")
    channel = (data.get("channel") or {}).get("id") or team
    if not channel or not activity.get("serviceUrl"):
        return None
    return channel, team_reach(activity, team)


def team_reach(activity: dict, team: str | None) -> dict:
    return {"serviceUrl": activity["serviceUrl"], "tenantId": tenant_of(activity), "teamId": team}


class References:
    def __init__(self, people: TeamsPeople, places: Places, connector: Connector) -> None:
        self.people = people
        self.places = places
        self.connector = connector

    async def keep(self, activity: dict) -> None:
        """Keep the channel any activity came from, and what an installation or membership
        event tells us about who and where. Never stops the answer: at worst, not kept."""
        try:
            await self._keep(activity)
        except Exception as error:
            log.warning("could not keep where Teams reached us from (%s)", type(error).__name__)

    async def _keep(self, activity: dict) -> None:
        channel = channel_reach(activity)
        if channel is not None:
            address, reach = channel
            await asyncio.to_thread(
                self.places.keep_reach, PLATFORM, address, json.dumps(reach, sort_keys=True)
            )
        if activity.get("type") not in ("installationUpdate", "conversationUpdate"):
            return
        team = ((activity.get("channelData") or {}).get("team") or {}).get("id")
        bot_id = (activity.get("recipient") or {}).get("id")
        added = [m for m in activity.get("membersAdded") or [] if isinstance(m, dict)]
        bot_added = any(m.get("id") == bot_id for m in added) or (
            activity.get("type") == "installationUpdate"
            and str(activity.get("action", "")).startswith("add")
        )
        if team is None:
            if bot_added:  # installed personally: this chat is theirs
                await asyncio.to_thread(self.people.actor, activity)
        elif bot_added:
            await self._whole_team(activity, team)
        elif others := [m for m in added if m.get("id") != bot_id]:
            await self._members(activity, team, others)

    async def _whole_team(self, activity: dict, team: str) -> None:
        service_url = activity["serviceUrl"]
        reach = json.dumps(team_reach(activity, team), sort_keys=True)
        try:
            channels = await self.connector.channels(service_url, team)
        except Exception as error:
            # The General channel is the team's id: it at least can be kept.
            log.warning("Teams did not list the team's channels (%s)", type(error).__name__)
            channels = [team]
        for channel in dict.fromkeys([team, *channels]):
            await asyncio.to_thread(self.places.keep_reach, PLATFORM, channel, reach)
        try:
            roster = await self.connector.roster(service_url, team)
        except Exception as error:
            log.warning("Teams did not give the team's members (%s)", type(error).__name__)
            return
        await asyncio.to_thread(self._keep_all, activity, roster)

    async def _members(self, activity: dict, team: str, added: list[dict]) -> None:
        """Members who joined: Teams names them only by id, so ask the team who they are."""
        found = []
        for member in added:
            try:
                profile = await self.connector.member(activity["serviceUrl"], team, member["id"])
            except Exception as error:
                log.warning("Teams could not say who joined the team (%s)", type(error).__name__)
                continue
            found.append({**profile, "id": member["id"]})
        await asyncio.to_thread(self._keep_all, activity, found)

    def _keep_all(self, activity: dict, members: list[dict]) -> None:
        people: People = self.people.people
        for member in members:
            aad = member.get("aadObjectId")
            if not aad:
                continue
            profile = Profile(name=member.get("name"), email=member.get("email"))
            person = people.by_account(PLATFORM, str(aad), lambda p=profile: p)
            if person is not None:
                self.people.keep_reach(person, str(aad), activity, str(member["id"]))
