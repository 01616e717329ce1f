"""The family-friendly update on Teams: the draft's note with an Approve button, and approval.

Teams sends a file only once its person accepts it, and never to a channel, so here the draft is
described rather than sent: its files are written by `sendbot family-update`, or sent on Slack."""

from bot.family_requests import SHARE_IT, FamilyApproved, FamilyDraftReply
from handlers.teams.cards_kit import block, card, words

APPROVE = "family_approve"  # the Approve button's verb
ON_TEAMS = "On Teams the files are not sent in chat: sendbot family-update writes them."


def family_card(result: FamilyDraftReply | FamilyApproved) -> dict:
    if isinstance(result, FamilyApproved):
        said = result.note if result.already else f"{result.note} {SHARE_IT}"
        return card([block(words(said))])
    approve = {
        "type": "Action.Execute",
        "title": f"Approve draft {result.draft.number}",
        "verb": APPROVE,
        "data": {"sendbot": {"do": APPROVE, "draft": result.draft.number}},
    }
    return card(
        [
            block(words(result.note)),
            block(words(ON_TEAMS), isSubtle=True),
            {"type": "ActionSet", "actions": [approve]},
        ]
    )


def pressed_draft(action: dict) -> int | None:
    """The draft an Approve button carries, or None if this is not that button."""
    data = action.get("data")
    carried = data.get("sendbot") if isinstance(data, dict) else None
    if action.get("verb") != APPROVE or not isinstance(carried, dict):
        return None
    number = carried.get("draft")
    return number if isinstance(number, int) and not isinstance(number, bool) else None
