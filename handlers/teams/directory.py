"""Teams' directory for an import: the board's team's members, and whose email is whose.

The Bot Connector cannot look a person up by email across the tenant (that is Microsoft Graph,
which the bot has no permission for); it lists the members of a team the app is installed in.
The plan's owners are the board's people, so they are looked up in the board's team: the team
holding BOARD_CHANNEL (a channel's roster is its team's), every page of it, read once.
"""

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bot.errors import ConfigError, network_reason
from bot.people import People
from bot.places import Places
from bot.plan_import import ChatDirectory, DirectoryEntry
from handlers.teams.connector import Connector
from handlers.teams.ids import (
    PLATFORM,
    PLATFORM_NAME,
    USER_ID_EXAMPLE,
    is_channel_id,
    is_user_id,
)
from handlers.teams.people import reach_of

PAGE_SIZE = 500  # the most the Bot Connector gives in one page
NOT_INSTALLED = (
    "Install the app in the board's team first (sendbot teams-package makes it; add it to the "
    "team that holds BOARD_CHANNEL), then import again. Nothing was imported."
)


@dataclass(frozen=True)
class TeamMember:
    aad_object_id: str
    member_id: str  # the 29:… id the bot opens a personal chat with
    name: str | None
    email: str | None
    upn: str | None

    def entry(self) -> DirectoryEntry:
        return DirectoryEntry(self.aad_object_id, self.name, self.email, PLATFORM)


@dataclass(frozen=True)
class BoardTeam:
    """Where the board's team is served from, as the bot last heard from Teams."""

    team_id: str  # a team's roster is read by its id (or any of its channels')
    service_url: str
    tenant_id: str | None
    bot_id: str | None


def board_team(places: Places, board_channel: str | None, bot_id: str) -> BoardTeam:
    """The board's team, from what the bot kept when it was added there (handlers/teams/
    references.py), or ConfigError saying what to do first."""
    if board_channel is None or not is_channel_id(board_channel):
        raise ConfigError(
            "BOARD_CHANNEL is needed to look owners up on Teams: set it to the board's Teams "
            "channel (its id starts 19: and ends @thread.tacv2), whose team's members are the "
            "plan's owners. Nothing was imported."
        )
    reach = reach_of(places.reach(PLATFORM, board_channel))
    if not reach.get("serviceUrl"):
        raise ConfigError(f"The bot has not been added to the board's team yet. {NOT_INSTALLED}")
    team = reach.get("teamId") or board_channel
    return BoardTeam(team, reach["serviceUrl"], reach.get("tenantId"), bot_id)


class TeamRoster:
    """The board's team's members, read the first time an owner is looked up (so a file that
    names no one on Teams never asks), and the ones the import asked about."""

    def __init__(self, connector: Connector, locate: Callable[[], BoardTeam]) -> None:
        self.connector = connector
        self.locate = locate
        self.team: BoardTeam | None = None
        self.found: dict[str, TeamMember] = {}
        self._by_key: dict[str, TeamMember] | None = None

    def find(self, key: str) -> TeamMember | None:
        """The member with this email, UPN or AAD object id (any case)."""
        if self._by_key is None:
            self.team = self.locate()
            self._by_key = {}
            for member in asyncio.run(self._read(self.team)):
                for known_by in (member.email, member.upn, member.aad_object_id):
                    if known_by:
                        self._by_key.setdefault(known_by.casefold(), member)
        member = self._by_key.get(key.casefold())
        if member is not None:
            self.found[member.aad_object_id] = member
        return member

    async def _read(self, team: BoardTeam) -> list[TeamMember]:
        client = self.connector.client(team.service_url)
        members: list[TeamMember] = []
        page_token = None
        try:
            while True:
                page = await client.conversations.get_paged_members(
                    team.team_id, PAGE_SIZE, page_token
                )
                members += [_member(m) for m in page.members if m.aad_object_id]
                page_token = page.continuation_token
                if not page_token:
                    return members
        except httpx.HTTPStatusError as error:
            raise _refused(error, team) from None
        except httpx.HTTPError as error:  # refused, timed out, no such host: not the file's fault
            reason = network_reason(error)
            raise ConfigError(
                f"Teams could not be reached at {team.service_url} ({reason}), so the plan's "
                "owners can't be looked up. Check the network connection, then import again. "
                "Nothing was imported."
            ) from None


def teams_directory(roster: TeamRoster) -> ChatDirectory:
    def lookup_email(email: str) -> DirectoryEntry | None:
        member = roster.find(email)
        return member.entry() if member else None

    def lookup_account(aad_object_id: str) -> DirectoryEntry | None:
        """Their name, when the team knows them; an id it doesn't is still imported as typed."""
        member = roster.find(aad_object_id)
        return member.entry() if member else DirectoryEntry(aad_object_id, platform=PLATFORM)

    return ChatDirectory(
        PLATFORM, PLATFORM_NAME, is_user_id, lookup_email, lookup_account, USER_ID_EXAMPLE
    )


def keep_reach(people: People, roster: TeamRoster) -> None:
    """After an import was written: what it takes to message each owner found in the team, so
    reminders reach them before they have written to the bot. What the bot already keeps for
    someone (their personal chat, say) is left as it is."""
    team = roster.team
    if team is None:
        return
    for member in roster.found.values():
        person = people.by_account(PLATFORM, member.aad_object_id, lambda: None)
        if person is None or people.reach(person.id, PLATFORM) is not None:
            continue  # their row was left out, or the bot has heard from them itself
        reach = {
            "serviceUrl": team.service_url,
            "tenantId": team.tenant_id,
            "memberId": member.member_id,
            "botId": team.bot_id,
        }
        people.keep_reach(PLATFORM, member.aad_object_id, json.dumps(reach, sort_keys=True))


def _member(account) -> TeamMember:
    return TeamMember(
        account.aad_object_id,
        account.id,
        account.name,
        account.email,
        account.user_principal_name,
    )


def _refused(error: httpx.HTTPStatusError, team: BoardTeam) -> ConfigError:
    status = error.response.status_code
    if "/oauth2/" in error.request.url.path:
        return ConfigError(
            f"Microsoft refused the bot's sign-in (HTTP {status}): check TEAMS_APP_ID, "
            "TEAMS_APP_PASSWORD and TEAMS_TENANT_ID. Nothing was imported."
        )
    try:
        code = error.response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        code = None
    return ConfigError(
        f"Teams would not list the members of the team that holds BOARD_CHANNEL "
        f"({code or f'HTTP {status}'}). {NOT_INSTALLED}"
    )
