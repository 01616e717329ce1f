"""Whom `sendbot import` asks about the plan's owners: Slack, the board's team on Teams, or both.

On a board that uses both, each owner is looked up on Slack first and, when Slack does not know
them, in the board's team on Teams; the account found is kept. A person with accounts on both is
joined to the other one by their email the first time they use the bot there.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.errors import ConfigError, network_reason
from bot.people import People
from bot.plan_import import ChatDirectory, DirectoryEntry
from sendbot.settings import Settings

Lookup = Callable[[str], DirectoryEntry | None]


@dataclass(frozen=True)
class ImportDirectory:
    directory: ChatDirectory
    # Run once the import is written: the Teams door keeps what it takes to message the owners.
    after_import: Callable[[], None] = lambda: None


def import_directory(settings: Settings, people: People) -> ImportDirectory:
    if settings.teams is None:
        return ImportDirectory(_slack(settings))
    teams, keep_reach = _teams(settings, people)
    if not settings.bot_token:
        return ImportDirectory(teams, keep_reach)
    return ImportDirectory(_either(_slack(settings), teams), keep_reach)


def _slack(settings: Settings) -> ChatDirectory:
    from handlers.slack.app import web_client
    from handlers.slack.directory import slack_directory

    def must_answer(lookup: Lookup) -> Lookup:
        def look_up(text: str) -> DirectoryEntry | None:
            try:
                return lookup(text)
            except OSError as error:  # refused, timed out, no such host, TLS: not the file's fault
                # Owners are looked up before anything is written, so nothing was.
                raise ConfigError(
                    f"Slack could not be reached at {settings.api_url} "
                    f"({network_reason(error)}), so the plan's owners can't be looked up. Check "
                    "SLACK_API_URL and the network connection, then import again. Nothing was "
                    "imported."
                ) from None

        return look_up

    # The import says in one line what went wrong with Slack; slack_sdk would log each retry.
    logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
    slack = slack_directory(
        web_client(settings.bot_token, settings.api_url) if settings.bot_token else None
    )
    return replace(
        slack,
        lookup_email=must_answer(slack.lookup_email),
        lookup_account=must_answer(slack.lookup_account),
    )


def _teams(settings: Settings, people: People) -> tuple[ChatDirectory, Callable[[], None]]:
    from handlers.teams.connector import BotToken, Connector
    from handlers.teams.directory import TeamRoster, board_team, keep_reach, teams_directory

    assert settings.teams is not None
    from bot.places import Places

    places = Places(people.db, people.clock)
    bot_id = "28:" + settings.teams.app_id  # how Teams names the bot in a conversation
    roster = TeamRoster(
        Connector(BotToken(settings.teams)),
        lambda: board_team(places, settings.board_channel, bot_id),
    )
    return teams_directory(roster), lambda: keep_reach(people, roster)


def _either(first: ChatDirectory, then: ChatDirectory) -> ChatDirectory:
    """One directory over two platforms: an email is asked of `first`, then of `then`; an
    account id of the platform whose shape it has. Entries say whose account they are."""

    def lookup_email(email: str) -> DirectoryEntry | None:
        found = first.lookup_email(email)
        if found is not None:
            return replace(found, platform=found.platform or first.platform)
        return then.lookup_email(email)

    def lookup_account(account_id: str) -> DirectoryEntry | None:
        directory = first if first.is_account_id(account_id) else then
        found = directory.lookup_account(account_id) or DirectoryEntry(account_id)
        return replace(found, platform=found.platform or directory.platform)

    return ChatDirectory(
        first.platform,
        f"{first.platform_name} or {then.platform_name}",
        lambda text: first.is_account_id(text) or then.is_account_id(text),
        lookup_email,
        lookup_account,
        f"{first.id_example} or {then.id_example}",
    )


@dataclass
class CheckDirectory:
    """For `sendbot import --check`: asks no platform (it needs no token), takes every email
    and account id as found, and keeps whom a real import would look up, to say so."""

    directory: ChatDirectory
    emails: list[str]
    accounts: list[str]

    def look_ups(self) -> dict[str, list[str]]:
        name = self.directory.platform_name
        asked = {
            f"by email on {name}": self.emails,
            f"by {name} user ID, for their names": self.accounts,
        }
        return {what: people for what, people in asked.items() if people}


def check_directory(settings: Settings) -> CheckDirectory:
    """The platform the real import would ask: Slack, unless the board is on Teams alone."""
    if settings.teams is not None and not settings.bot_token:
        from handlers.teams import ids as teams

        platform = (teams.PLATFORM, teams.PLATFORM_NAME, teams.is_user_id, teams.USER_ID_EXAMPLE)
    else:
        from handlers.slack import ids as slack

        platform = (slack.PLATFORM, slack.PLATFORM_NAME, slack.is_user_id, "U012AB3CD")
    emails: list[str] = []
    accounts: list[str] = []

    def lookup_email(email: str) -> DirectoryEntry:
        emails.append(email)
        # No account: the person is found (or, in the rolled-back check, made) by email alone.
        return DirectoryEntry("", email=email)

    def lookup_account(account_id: str) -> DirectoryEntry:
        accounts.append(account_id)
        return DirectoryEntry(account_id)

    kind, name, is_account_id, example = platform
    directory = ChatDirectory(kind, name, is_account_id, lookup_email, lookup_account, example)
    return CheckDirectory(directory, emails, accounts)
