"""`sendbot people link NAME ACCOUNT`: link a person the plan names without a chat account to
their account, from the command line (an admin does the same in chat with `action link`).

The account is checked with the chat platform, as an import checks owners. If the bot has met
the account already, the two people become one (bot/person_link.py); if not, the account joins
the named person, and the first time they use the bot they are who the plan says."""

import argparse
import sys
from datetime import UTC, datetime

from sendbot.settings import Settings

PREFIX = "sendbot people link:"


def add_people_parser(commands: argparse._SubParsersAction) -> None:
    people = commands.add_parser("people", help="people the plan names")
    tasks = people.add_subparsers(dest="task", required=True, metavar="TASK")
    linker = tasks.add_parser(
        "link", help="link a person without a chat account to their account, keeping everything"
    )
    linker.add_argument("name", help="their name, role or email as the plan has it")
    linker.add_argument("account", help="their chat account ID, e.g. U012AB3CD")


def people_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.errors import ConfigError
    from bot.people import PersonKey, find_person
    from bot.person_link import LinkError, find_named, link
    from sendbot.import_directory import import_directory
    from sendbot.runtime import start
    from storage.models import ChatAccount

    runtime = start(settings)
    directory = import_directory(settings, runtime.people).directory
    account = args.account.strip()
    if not directory.is_account_id(account):
        print(
            f"{PREFIX} “{account[:40]}” is not a {directory.platform_name} user ID — use one "
            f"like {directory.id_example}. Nothing was changed.",
            file=sys.stderr,
        )
        return 1
    try:
        entry = directory.lookup_account(account)
    except ConfigError as error:
        print(f"{PREFIX} {error}", file=sys.stderr)
        return 1
    platform = (entry.platform if entry else None) or directory.platform
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        try:
            named = find_named(session, args.name)
        except LinkError as error:
            print(f"{PREFIX} {error}", file=sys.stderr)
            return 1
        known = find_person(session, PersonKey(platform, account))
        if known is not None:
            done = link(session, named, known, now, how=" (sendbot people link)")
            print(f"{done.named} is now {known.name or account} ({account}): {_kept(done.actions)}")
            return 0
        named.accounts.append(ChatAccount(platform=platform, account_id=account, seen_at=now))
        if entry is not None:
            named.email = named.email or entry.email
        named.updated_at = now
        shown = named.name or named.email or account
        print(f"{shown} is now linked to the {directory.platform_name} account {account}.")
    return 0


def _kept(actions: int) -> str:
    noun = "action" if actions == 1 else "actions"
    return f"the {actions} {noun} naming them, and their history, are kept."
