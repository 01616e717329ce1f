"""`sendbot draft-actions FILE [--meeting DATE] [--csv OUT]`: the actions minutes agreed, as drafts.

It prints them numbered for a board to check, and with `--csv` writes them in the import format,
so the board edits the file (the working group, an owner where none was found) and brings it in
with `sendbot import`: accepting offline. Nothing is written to the plan here, and no chat
platform is asked, so no token is needed.
"""

import argparse
import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sendbot.settings import Settings

if TYPE_CHECKING:  # the bot's modules load only when the command runs: `sendbot --help` is quick
    from bot.minutes_service import MinutesDrafts, Proposal

PREFIX = "sendbot draft-actions:"
USAGE = "Usage: sendbot draft-actions FILE [--meeting DATE] [--csv OUT]"
# The import's own field names (SPEC §7); `working_group` is left for the board to fill in.
CSV_COLUMNS = ("ref", "title", "working_group", "owner", "due", "source", "description")
NO_DATE = "TBC"  # the import's words for "no date agreed yet"


def add_draft_actions_parser(commands: argparse._SubParsersAction) -> None:
    drafts = commands.add_parser(
        "draft-actions",
        help="the actions a board meeting's minutes agreed, as drafts (.txt or .docx)",
    )
    drafts.add_argument("file", type=Path, help="the minutes: a .txt or .docx file")
    drafts.add_argument(
        "--meeting", help="the meeting's date, when the minutes' heading does not give it"
    )
    drafts.add_argument(
        "--csv", type=Path, help="also write the drafts here, to edit and `sendbot import`"
    )


def draft_actions_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.dates import DateError, parse_date
    from bot.errors import UserError
    from bot.minutes_file import read_minutes
    from bot.minutes_service import MinutesService
    from sendbot.runtime import start

    try:
        meeting = parse_date(args.meeting) if args.meeting else None
    except DateError as error:
        return _refuse(f"“{args.meeting[:40]}” is not a date: {error}")
    try:
        minutes = read_minutes(args.file.name, args.file.read_bytes())
    except OSError as error:
        return _refuse(f"I can't read {args.file}: {error.strerror or error}.")
    except UserError as error:
        return _refuse(error.reason)
    runtime = start(settings)
    try:
        drafts = MinutesService(runtime.db, runtime.clock).drafts(minutes, meeting)
    except UserError as error:
        reason = error.reason
        if error.field == "meeting":
            reason += " Add --meeting DATE, like --meeting 14/01/2027."
        return _refuse(reason)
    print("\n".join(drafts_lines(drafts)))
    if args.csv and drafts.proposals:
        rows = csv_rows(runtime.db, drafts)
        try:
            write_csv(args.csv, rows)
        except OSError as error:
            return _refuse(f"I can't write {args.csv}: {error.strerror or error}.")
        print(
            f"Wrote {len(rows)} draft actions to {args.csv}. Fill in each working group (and "
            f"any owner left empty), drop the rows you don't want, then: sendbot import {args.csv}"
        )
    return 0


def drafts_lines(drafts: "MinutesDrafts") -> list[str]:
    from bot.dates import format_long

    if not drafts.proposals:
        return [drafts.empty_words]
    count = len(drafts.proposals)
    lines = [
        f"{count} draft action{'s' if count != 1 else ''} from the minutes of "
        f"{format_long(drafts.meeting)}. Nothing has been added to the plan."
    ]
    for proposal in drafts.proposals:
        lines += ["", f"{proposal.number}. {proposal.title}"]
        lines.append(f"   Suggested owner: {owner_words(proposal)}")
        lines.append(f"   Due: {due_words(proposal)}")
        lines.append(f"   Source: {proposal.source}")
        lines.append(f"   From the minutes: “{proposal.decision}”")
    return lines


def owner_words(proposal: "Proposal") -> str:
    if proposal.owner:
        return f"{proposal.owner.name} ({proposal.owner.role})"
    if proposal.owner_hint:
        return f"none found — the minutes say “{proposal.owner_hint}”"
    return "none found"


def due_words(proposal: "Proposal") -> str:
    from bot.dates import format_long

    if proposal.due:
        hint = f" ({proposal.due_hint})" if proposal.due_hint else ""
        return f"{format_long(proposal.due)}{hint}"
    if proposal.due_hint:
        return f"no date found for “{proposal.due_hint}” — add the board meeting, or choose one"
    return "no date agreed yet"


def csv_rows(db, drafts: "MinutesDrafts") -> list[dict[str, str]]:
    """The drafts as import rows, numbered on from the bot's own references (A1, A2, …)."""
    from storage.action_queries import auto_refs
    from storage.models import Person

    with db.session() as session:
        taken = [int(r[1:]) for r in auto_refs(session) if r[1:].isdigit()]
        first = max(taken, default=0) + 1
        owners = {
            p.number: _owner_cell(session.get(Person, p.owner.person_id))
            for p in drafts.proposals
            if p.owner
        }
    return [
        {
            "ref": f"A{first + i}",
            "title": p.title,
            "working_group": "",
            "owner": owners.get(p.number, ""),
            "due": p.due.isoformat() if p.due else NO_DATE,
            "source": p.source,
            "description": p.decision,
        }
        for i, p in enumerate(drafts.proposals)
    ]


def _owner_cell(person) -> str:
    """How the import names this person again: their email, else an account, else their name."""
    if person is None:
        return ""
    if person.email:
        return person.email
    if person.accounts:
        return person.accounts[0].account_id
    return person.name or person.role_title or ""


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    # UTF-8 with a byte order mark: Excel then opens the curly quotes minutes use correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _refuse(reason: str) -> int:
    print(f"{PREFIX} {reason}\n{USAGE}", file=sys.stderr)
    return 1
