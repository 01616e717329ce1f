"""The form for pasting minutes, and the message listing the drafts it found.

Each draft carries what the Add form needs in its "Add this action" button (Slack allows 2,000
characters a value; a title is at most 200), so the list needs nothing stored: dropping a draft
edits the message, and adding one opens the Add form filled in from the button.
"""

import json
from datetime import date

from bot.dates import format_long
from bot.minutes_service import MinutesDrafts, Proposal
from handlers.slack.modal_kit import MAX_INPUT, date_input, input_block, modal, text_input
from handlers.slack.render import context, cut, escape, message, section

FORM = "minutes_form_modal"
ADD = "minutes_add"
DROP = "minutes_drop"
MAX_DRAFTS = 20  # two blocks each, within a message's 50
MAX_DECISION = 600
DONE = "All the drafts have been added or dropped."


def minutes_view(origin: dict) -> dict:
    blocks = [
        input_block(
            "minutes",
            "Minutes",
            text_input(True, MAX_INPUT),
            hint=f"Paste the minutes, or the part with the decisions: up to {MAX_INPUT:,} "
            "characters. For a longer file, run sendbot draft-actions with it.",
        ),
        input_block(
            "meeting",
            "Date of the meeting",
            date_input(),
            optional=True,
            hint="Leave empty if the minutes' heading gives the date.",
        ),
    ]
    return modal(FORM, "Actions from minutes", "Find actions", blocks, origin)


def drafts_message(drafts: MinutesDrafts) -> dict:
    if not drafts.proposals:
        return message(escape(drafts.empty_words), [section(escape(drafts.empty_words))])
    count = len(drafts.proposals)
    intro = (
        f"{count} draft action{'s' if count != 1 else ''} from the minutes of "
        f"{format_long(drafts.meeting)}. Nothing is added until you press “Add this action”, "
        "check the form and save it."
    )
    blocks = [section(escape(intro))]
    for proposal in drafts.proposals[:MAX_DRAFTS]:
        blocks += _draft_blocks(proposal)
    if count > MAX_DRAFTS:
        more = f"{count - MAX_DRAFTS} more: run sendbot draft-actions with the minutes to see all."
        blocks.append(context(escape(more)))
    return message(escape(intro), blocks)


def _draft_blocks(p: Proposal) -> list[dict]:
    owner = f"{p.owner.name} ({p.owner.role})" if p.owner else "none found"
    if not p.owner and p.owner_hint:
        owner += f" — the minutes say “{p.owner_hint}”"
    due = format_long(p.due) if p.due else "none found"
    if p.due_hint and not p.due:
        due += f" — the minutes say “{p.due_hint}”"
    text = (
        f"*{p.number}. {escape(p.title)}*\n"
        f"From the minutes: “{escape(cut(p.decision, MAX_DECISION))}”\n"
        f"Suggested owner: {escape(owner)} · Due: {escape(due)} · Source: {escape(p.source)}"
    )
    pressed = {"n": p.number, "t": p.title, "o": p.owner.person_id if p.owner else None}
    pressed |= {"d": p.due.isoformat() if p.due else None, "s": p.source}
    buttons = [
        _button(ADD, "Add this action", json.dumps(pressed), "primary"),
        _button(DROP, "Drop", json.dumps({"n": p.number})),
    ]
    return [
        {**section(text), "block_id": f"draft:{p.number}"},
        {"type": "actions", "block_id": f"draft-buttons:{p.number}", "elements": buttons},
    ]


def _button(action_id: str, label: str, value: str, style: str | None = None) -> dict:
    button = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
    }
    return button | ({"style": style} if style else {})


def without_draft(blocks: list[dict], number: int, replacement: str | None = None) -> list[dict]:
    """The list less one draft (dropped), or with its buttons replaced by a line (added)."""
    kept = []
    for block in blocks:
        block_id = block.get("block_id", "")
        if block_id == f"draft:{number}" and replacement is None:
            continue
        if block_id == f"draft-buttons:{number}":
            if replacement is not None:
                kept.append(context(escape(replacement)))
            continue
        kept.append(block)
    if not any(b.get("block_id", "").startswith("draft-buttons:") for b in kept):
        kept.append(context(escape(DONE)))
    return kept


def pressed_due(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
