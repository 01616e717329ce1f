"""Inbound activities exactly as the Bot Framework posts them to a Teams bot.

Shapes follow Microsoft's docs (conversation basics, channel and group chat, Universal Actions,
dialogs, file consent, conversation and installation events). Ids, the service URL, the tenant
and the bot's identity come from the stand-in, so what the bot answers lands on it.
"""

from __future__ import annotations

import datetime
import html
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from teams_standin.directory import Member

if TYPE_CHECKING:
    from teams_standin.server import TeamsStandIn

LOCALE = "en-GB"
TIMEZONE = "Europe/London"
MESSAGE_ID_EPOCH = 1_690_000_000_000  # inbound message ids are millisecond timestamps too


class ActivityBuilder:
    """Builds activities from the stand-in's seeded teams, channels and people."""

    def __init__(self, standin: TeamsStandIn) -> None:
        self._standin = standin
        self._ids = itertools.count(1)

    # -- messages --------------------------------------------------------------------------

    def message(
        self,
        member: Member,
        text: str,
        *,
        conversation_id: str | None = None,
        mentions: Sequence[Member] = (),
        value: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A message in `member`'s personal chat with the bot (or `conversation_id`).

        Write ``<at>Name</at>`` in `text` for each of `mentions`. `value` makes it what an
        Action.Submit button sends (Teams then leaves the text empty).
        """
        conversation = self._personal(member, conversation_id)
        activity = self._envelope("message", member, conversation, self._tenant_data())
        self._add_text(activity, text, mentions)
        if value is not None:
            activity["value"] = value
        return activity

    def channel_message(
        self,
        member: Member,
        channel_id: str,
        text: str,
        *,
        mention_bot: bool = True,
        mentions: Sequence[Member] = (),
        thread_id: str | None = None,
    ) -> dict[str, Any]:
        """A channel post (or a reply in thread `thread_id`) that @mentions the bot first."""
        root = thread_id or self._next_message_id()
        activity = self._envelope(
            "message",
            member,
            self._channel_conversation(channel_id, root),
            self._channel_data(channel_id),
        )
        if thread_id is not None:
            activity["replyToId"] = thread_id
        else:
            activity["id"] = root  # a new post is its own thread's root
        bot_tag = f"<at>{self._standin.bot_name}</at>"
        full_text = f"{bot_tag} {text}" if mention_bot else text
        self._add_text(activity, full_text, mentions)
        if mention_bot:
            activity["entities"].insert(0, _mention(bot_tag, self._bot_account()))
        return activity

    # -- invokes ---------------------------------------------------------------------------

    def card_action(
        self,
        member: Member,
        verb: str,
        data: dict[str, Any] | None = None,
        *,
        conversation_id: str | None = None,
        reply_to_id: str | None = None,
        trigger: str = "manual",
        action_id: str | None = None,
    ) -> dict[str, Any]:
        """An Action.Execute press (``adaptiveCard/action``); `trigger` "automatic" is what a
        card's refresh sends. `reply_to_id` is the id of the activity holding the card."""
        action: dict[str, Any] = {"type": "Action.Execute", "verb": verb, "data": data or {}}
        if action_id is not None:
            action["id"] = action_id
        return self._invoke(
            "adaptiveCard/action",
            member,
            {"action": action, "trigger": trigger},
            conversation_id,
            reply_to_id,
        )

    def task_fetch(
        self,
        member: Member,
        data: dict[str, Any],
        *,
        conversation_id: str | None = None,
        reply_to_id: str | None = None,
    ) -> dict[str, Any]:
        """A dialog being opened: the data of the Action.Submit with msteams.type task/fetch."""
        value = {"type": "task/fetch", "data": data, "context": {"theme": "default"}}
        return self._invoke("task/fetch", member, value, conversation_id, reply_to_id)

    def task_submit(
        self,
        member: Member,
        data: dict[str, Any],
        *,
        conversation_id: str | None = None,
        reply_to_id: str | None = None,
    ) -> dict[str, Any]:
        """A dialog's form submitted: the inputs' values merged with the submit action's data."""
        value = {"type": "task/submit", "data": data, "context": {"theme": "default"}}
        return self._invoke("task/submit", member, value, conversation_id, reply_to_id)

    def file_consent(
        self,
        member: Member,
        context: dict[str, Any] | None,
        *,
        accept: bool = True,
        name: str = "file.xlsx",
        reply_to_id: str | None = None,
    ) -> dict[str, Any]:
        """The user's answer to a FileConsentCard; on accept it carries a fresh upload URL on
        the stand-in (``new_upload``) for the bot to PUT the file to."""
        value: dict[str, Any] = {
            "type": "fileUpload",
            "action": "accept" if accept else "decline",
            "context": context,
        }
        if accept:
            value["uploadInfo"] = self._standin.new_upload(name)
        return self._invoke("fileConsent/invoke", member, value, None, reply_to_id)

    # -- events ----------------------------------------------------------------------------

    def installation_update(
        self, member: Member, *, action: str = "add", team_id: str | None = None
    ) -> dict[str, Any]:
        """The app installed (or removed: action "remove"; also "add-upgrade",
        "remove-upgrade") by `member`, personally or in team `team_id`."""
        if team_id is None:
            data = {**self._tenant_data(), "source": {"name": "message"}}
            activity = self._envelope("installationUpdate", member, self._personal(member), data)
        else:
            data = {
                "settings": {"selectedChannel": {"id": team_id}},
                **self._channel_data(team_id),
                "source": None,
            }
            conversation = self._channel_conversation(team_id, None)
            activity = self._envelope("installationUpdate", member, conversation, data)
        activity["action"] = action
        return activity

    def conversation_update(
        self,
        member: Member,
        *,
        team_id: str | None = None,
        members_added: Sequence[Member] | None = None,
        members_removed: Sequence[Member] = (),
    ) -> dict[str, Any]:
        """Members joined or left (sent by `member`). With no `members_added` given it is the
        bot being added, as when the app is installed in a team or a personal chat."""
        added = [self._bot_account()] if members_added is None else _accounts(members_added)
        if team_id is None:
            activity = self._envelope(
                "conversationUpdate", member, self._personal(member), self._tenant_data()
            )
        else:
            event = "teamMemberRemoved" if members_removed else "teamMemberAdded"
            data = {**self._channel_data(team_id), "eventType": event}
            data.pop("channel")  # team events are about the team, not a channel
            conversation = self._channel_conversation(team_id, None)
            activity = self._envelope("conversationUpdate", member, conversation, data)
        if added:
            activity["membersAdded"] = added
        if members_removed:
            activity["membersRemoved"] = _accounts(members_removed)
        return activity

    # -- parts -----------------------------------------------------------------------------

    def _invoke(
        self,
        name: str,
        member: Member,
        value: dict[str, Any],
        conversation_id: str | None,
        reply_to_id: str | None,
    ) -> dict[str, Any]:
        conversation, channel_data = self._where(member, conversation_id)
        activity = self._envelope("invoke", member, conversation, channel_data)
        activity["name"] = name
        activity["value"] = value
        if reply_to_id is not None:
            activity["replyToId"] = reply_to_id
        return activity

    def _envelope(
        self,
        kind: str,
        member: Member,
        conversation: dict[str, Any],
        channel_data: dict[str, Any],
    ) -> dict[str, Any]:
        now = datetime.datetime.now(datetime.UTC)
        activity_id = self._next_message_id() if kind == "message" else f"f:{next(self._ids):020d}"
        return {
            "type": kind,
            "id": activity_id,
            "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "localTimestamp": now.isoformat(timespec="milliseconds"),
            "localTimezone": TIMEZONE,
            "serviceUrl": self._standin.service_url,
            "channelId": "msteams",
            "from": member.account(),
            "conversation": conversation,
            "recipient": self._bot_account(),
            "entities": [
                {
                    "locale": LOCALE,
                    "country": "GB",
                    "platform": "Web",
                    "timezone": TIMEZONE,
                    "type": "clientInfo",
                }
            ],
            "channelData": channel_data,
            "locale": LOCALE,
        }

    def _add_text(self, activity: dict[str, Any], text: str, mentions: Sequence[Member]) -> None:
        activity["text"] = text
        activity["textFormat"] = "plain"
        # Teams also sends the message as HTML, mentions and all.
        markup = html.escape(text).replace("&lt;at&gt;", "<at>").replace("&lt;/at&gt;", "</at>")
        activity["attachments"] = [
            {"contentType": "text/html", "content": f"<div><div>{markup}</div></div>"}
        ]
        for person in mentions:
            activity["entities"].append(_mention(f"<at>{person.name}</at>", person.account()))

    def _where(
        self, member: Member, conversation_id: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The conversation and channelData for a personal chat or a channel, by id."""
        known = conversation_id and self._standin.directory.conversation(conversation_id)
        if known and known.type == "channel":
            channel_id = known.id
            root = conversation_id.partition(";messageid=")[2] or None  # type: ignore[union-attr]
            return self._channel_conversation(channel_id, root), self._channel_data(channel_id)
        return self._personal(member, conversation_id), self._tenant_data()

    def _personal(self, member: Member, conversation_id: str | None = None) -> dict[str, Any]:
        return {
            "conversationType": "personal",
            "tenantId": self._standin.tenant_id,
            "id": conversation_id or self._standin.personal_conversation(member),
        }

    def _channel_conversation(self, channel_id: str, root: str | None) -> dict[str, Any]:
        return {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": self._standin.tenant_id,
            "id": f"{channel_id};messageid={root}" if root else channel_id,
        }

    def _channel_data(self, channel_id: str) -> dict[str, Any]:
        directory = self._standin.directory
        conversation = directory.conversation(channel_id)
        team = directory.team_of(conversation) if conversation else None
        if team is None:
            raise KeyError(f"no channel {channel_id!r}; add it with add_team()/add_channel()")
        return {
            "teamsChannelId": channel_id,
            "teamsTeamId": team.id,
            "channel": {"id": channel_id, "name": team.channels[channel_id]},
            "team": {"id": team.id, "name": team.name, "aadGroupId": team.aad_group_id},
            "tenant": {"id": self._standin.tenant_id},
        }

    def _tenant_data(self) -> dict[str, Any]:
        return {"tenant": {"id": self._standin.tenant_id}}

    def _bot_account(self) -> dict[str, Any]:
        return {"id": f"28:{self._standin.app_id}", "name": self._standin.bot_name}

    def _next_message_id(self) -> str:
        return str(MESSAGE_ID_EPOCH + next(self._ids))


def _mention(tag: str, account: dict[str, Any]) -> dict[str, Any]:
    return {"type": "mention", "text": tag, "mentioned": account}


def _accounts(members: Sequence[Member]) -> list[dict[str, Any]]:
    return [member.account() for member in members]
