"""`sendbot family-update [--out DIR]`: write the family-friendly update's files into a folder.

The approved copy is written when there is one (it is what may be shared); otherwise the newest
draft, or a new one, clearly marked as not yet approved."""

import argparse
from pathlib import Path

from bot import family_drafts
from bot.dates import format_long
from bot.family_drafts import Draft


def add_family_parser(commands) -> None:
    parser = commands.add_parser(
        "family-update",
        help="write the family-friendly update (HTML, Markdown and chart) into a folder",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("."), help="the folder (default: this one)"
    )


def family_command(settings, args: argparse.Namespace) -> int:
    from sendbot.runtime import start

    runtime = start(settings)
    tz = runtime.clock.tz
    approved = family_drafts.latest_approved(runtime.db, tz)
    latest = family_drafts.latest(runtime.db, tz)
    draft = approved or latest
    if draft is None:
        today = runtime.clock.today()
        draft = family_drafts.make_draft(runtime.db, runtime.board.plan, today, None)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for file in draft.files():
            (args.out / file.filename).write_bytes(file.content)
    except OSError as error:
        print(f"sendbot family-update: cannot write to {args.out}: {error.strerror}.")
        return 1
    print(f"Wrote {family_drafts.HTML_FILE} and {family_drafts.MARKDOWN_FILE} to {args.out}.")
    print(_state(draft, latest))
    if draft.to_check:
        print(f"Spell out before sharing: {', '.join(draft.to_check)}.")
    return 0


def _state(draft: Draft, latest: Draft | None) -> str:
    if draft.approved and draft.approved_on is not None:
        said = (
            f"Draft {draft.number}, approved by {draft.approved_by or 'an admin'} on "
            f"{format_long(draft.approved_on)}: ready to share."
        )
        if latest is not None and latest.number != draft.number:
            said += f" A newer draft, {latest.number}, is waiting for approval."
        return said
    return (
        f"Draft {draft.number}, not approved: do not share it until an admin approves it "
        f"(summary family-update approve {draft.number}). Reading ease {draft.reading_ease:.0f}."
    )
