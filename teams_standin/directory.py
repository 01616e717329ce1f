"""Who and where: the teams, channels, people and conversations the stand-in knows.

Ids follow Teams' shapes: people ``29:1…``, the bot ``28:<app id>``, teams and channels
``19:…@thread.tacv2``, personal chats ``a:1…``. Nothing here is thread-safe on its own; the
server holds its lock around every use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

ConversationType = Literal["personal", "channel", "groupChat"]


def _stable_suffix(*parts: str, length: int = 24) -> str:
    # Deterministic ids, so a test that seeds the same person twice sees the same ids.
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:length]


@dataclass
class Member:
    """A person in the tenant, as the connector describes them (TeamsChannelAccount)."""

    aad_object_id: str
    name: str
    email: str
    tenant_id: str
    id: str = ""
    given_name: str | None = None
    surname: str | None = None
    user_role: str = "user"

    def __post_init__(self) -> None:
        if not self.id:
            self.id = "29:1" + _stable_suffix("member", self.aad_object_id, length=40)
        if self.given_name is None and self.surname is None and " " in self.name:
            self.given_name, _, self.surname = self.name.partition(" ")

    @property
    def user_principal_name(self) -> str:
        return self.email

    def account(self) -> dict[str, Any]:
        """The short form in an activity's ``from`` or a mention."""
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "givenName": self.given_name,
            "surname": self.surname,
            "email": self.email,
            "userPrincipalName": self.user_principal_name,
            "tenantId": self.tenant_id,
            "userRole": self.user_role,
        }

    def answers_to(self, key: str) -> bool:
        """Teams looks a member up by 29: id, AAD object id or UPN."""
        folded = key.casefold()
        return folded in (self.id.casefold(), self.aad_object_id.casefold(), self.email.casefold())


@dataclass
class Team:
    id: str
    name: str
    aad_group_id: str
    tenant_id: str
    members: list[str] = field(default_factory=list)  # member ids, in the order added
    channels: dict[str, str] = field(default_factory=dict)  # channel id -> name


@dataclass
class Conversation:
    id: str
    type: ConversationType
    tenant_id: str
    team_id: str | None = None
    member_ids: list[str] = field(default_factory=list)  # for personal and group chats
    blocked_with: str | None = None  # a 403 error code every write gets, e.g. a blocked bot


class Directory:
    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.members: dict[str, Member] = {}
        self.teams: dict[str, Team] = {}
        self.conversations: dict[str, Conversation] = {}
        self.installed_for: set[str] = set()  # member ids who have the app personally

    def add_team(self, name: str, team_id: str | None = None) -> Team:
        team_id = team_id or f"19:{_stable_suffix('team', name, length=32)}@thread.tacv2"
        team = Team(team_id, name, _guid("group", team_id), self.tenant_id)
        team.channels[team_id] = "General"  # a team's General channel has the team's id
        self.teams[team_id] = team
        self.conversations[team_id] = Conversation(team_id, "channel", self.tenant_id, team_id)
        return team

    def add_channel(self, team_id: str, name: str, channel_id: str | None = None) -> str:
        team = self.team(team_id)
        channel_id = (
            channel_id or f"19:{_stable_suffix('channel', team_id, name, length=32)}@thread.tacv2"
        )
        team.channels[channel_id] = name
        self.conversations[channel_id] = Conversation(
            channel_id, "channel", self.tenant_id, team_id
        )
        return channel_id

    def add_member(self, member: Member, team_ids: tuple[str, ...] = ()) -> Member:
        known = self.members.setdefault(member.id, member)
        for team_id in team_ids:
            team = self.team(team_id)
            if known.id not in team.members:
                team.members.append(known.id)
        return known

    def personal_conversation(self, member: Member) -> Conversation:
        """The one 1:1 chat between the bot and `member` (Teams reuses it, never makes two)."""
        conversation_id = personal_conversation_id(member)
        existing = self.conversations.get(conversation_id)
        if existing is None:
            existing = Conversation(conversation_id, "personal", self.tenant_id, None, [member.id])
            self.conversations[conversation_id] = existing
        return existing

    def team(self, team_id: str) -> Team:
        if team_id not in self.teams:
            raise KeyError(f"no team {team_id!r}; add it with add_team() first")
        return self.teams[team_id]

    def conversation(self, conversation_id: str) -> Conversation | None:
        # A channel thread is addressed as "<channel id>;messageid=<root message id>".
        return self.conversations.get(conversation_id.split(";", 1)[0])

    def find_member(self, key: str) -> Member | None:
        return next((m for m in self.members.values() if m.answers_to(key)), None)

    def roster(self, conversation: Conversation) -> list[Member]:
        team = self.team_of(conversation)
        ids = team.members if team is not None else conversation.member_ids
        return [self.members[member_id] for member_id in ids]

    def team_of(self, conversation: Conversation) -> Team | None:
        return self.teams.get(conversation.team_id) if conversation.team_id else None


def personal_conversation_id(member: Member) -> str:
    return "a:1" + _stable_suffix("personal", member.id, length=60)


def _guid(*parts: str) -> str:
    h = _stable_suffix(*parts, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def guid(*parts: str) -> str:
    """A deterministic GUID-shaped id (AAD object ids, tenant ids, unique file ids)."""
    return _guid(*parts)
