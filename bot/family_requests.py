"""`summary family-update` (admins): make a draft of the family-friendly update and send it to
the asker; `summary family-update approve N` approves draft N, which shares it."""

from dataclasses import dataclass

from bot import family_drafts
from bot.board_config import BoardConfig
from bot.clock import Clock
from bot.dates import format_long
from bot.delivery import OutgoingFile, Place
from bot.errors import UserError
from bot.family_drafts import Draft
from bot.people import Actor
from bot.permissions import admin_words
from bot.tokens import parse_number
from bot.typed_text import COMMAND, quoted
from storage.database import Database

WORD = "family-update"
USAGE = (
    f"{COMMAND}summary family-update (admins: a draft of the update for families, to approve); "
    f"{COMMAND}summary family-update approve N (share draft N)",
    f"{COMMAND}summary family-update",
)
READABLE = 60  # Flesch reading ease: 60 and above is plain English


@dataclass(frozen=True)
class FamilyDraftReply:
    """A new draft for the asker: its files, one line about it, and the draft to approve."""

    draft: Draft
    files: tuple[OutgoingFile, ...]
    note: str


@dataclass(frozen=True)
class FamilyApproved:
    """An approved draft: what to tell the admin, and the files to share in `share_to` (the
    door says whether it shared them)."""

    draft: Draft
    note: str
    files: tuple[OutgoingFile, ...]
    share_to: Place | None
    already: bool = False  # approved before: nothing is shared again


def parse(words: list[str]) -> int | None:
    """The draft to approve, or None to make a new draft."""
    if not words:
        return None
    number = None
    if len(words) == 2 and words[0] == "approve":
        number = parse_number(words[1], largest=999_999)
    if number is None:
        raise UserError(
            f"I don't know “{quoted(' '.join([WORD, *words]), 40)}”. Give a draft's number to "
            "approve, like family-update approve 3.",
            USAGE[0],
        )
    return number


def handle(
    db: Database,
    board: BoardConfig,
    clock: Clock,
    board_place: Place | None,
    actor: Actor,
    approve: int | None,
) -> FamilyDraftReply | FamilyApproved:
    if not actor.is_admin:
        raise UserError(
            f"Only {admin_words(actor)} can make or approve the family-friendly update. "
            "Nothing was made or shared."
        )
    if approve is not None:
        return approved(db, clock, board_place, actor, approve)
    draft = family_drafts.make_draft(db, board.plan, clock.today(), actor.person_id)
    return FamilyDraftReply(draft, draft.files(), draft_note(draft))


def draft_note(draft: Draft) -> str:
    ease = f"reading ease {draft.reading_ease:.0f}"
    ease += " (plain English)." if draft.reading_ease >= READABLE else " (below 60: hard to read)."
    check = ""
    if draft.to_check:
        check = f" Spell out before sharing: {', '.join(draft.to_check)}."
    return (
        f"Draft {draft.number} of the family-friendly update is ready: {ease}{check} "
        "Nothing is shared until an admin approves it: press Approve "
        f"or type {COMMAND}summary family-update approve {draft.number}."
    )


def approved(
    db: Database, clock: Clock, board_place: Place | None, actor: Actor, number: int
) -> FamilyApproved:
    draft, now = family_drafts.approve(db, number, actor.person_id, clock.tz, USAGE[0])
    latest = family_drafts.latest(db, clock.tz)
    who = draft.approved_by or "an admin"
    on = format_long(draft.approved_on) if draft.approved_on else "an earlier day"
    if not now:
        said = (
            f"Draft {draft.number} of the family-friendly update was already approved by {who} "
            f"on {on}, so nothing was shared again."
        )
        return FamilyApproved(draft, said, (), None, already=True)
    said = f"Draft {draft.number} of the family-friendly update was approved by {who} on {on}."
    if latest is not None and latest.number != draft.number:
        said += f" There is a newer draft, {latest.number}."
    return FamilyApproved(draft, said, draft.files(), board_place)


SHARED = "It is shared with the board channel."
SHARE_IT = "Share the approved files yourself: sendbot family-update writes them."
