"""`action from-minutes` on Teams: the card offering the dialog, the dialog for pasting minutes,
and the card listing the drafts.

"Add this action" opens the ordinary Add dialog filled in from the draft (its button carries what
the dialog needs); only saving that dialog creates anything. "Drop" hides the draft from the card.
"""

from collections.abc import Mapping

from bot.dates import format_long
from bot.minutes_service import MinutesDrafts, Proposal
from handlers.teams.buttons import ADD, MINUTES, ON_DRAFTS, ON_FORM, Pressed, button_row
from handlers.teams.buttons import dialog_button as dialog_opener
from handlers.teams.cards_kit import block, card, cut, inert, note
from handlers.teams.dialogs import Problem, task_card

MAX_DRAFTS = 20
MAX_DECISION = 600
MAX_MINUTES = 20_000  # what a dialog hands back when it is refused (dialogs.MAX_TYPED)


def minutes_form_card() -> dict:
    return card(
        [
            block("Press the button to paste a board meeting's minutes."),
            button_row(dialog_opener("Paste minutes", Pressed(MINUTES, ON_FORM))),
        ]
    )


def minutes_dialog(press: Pressed, typed: Mapping, problem: Problem | None) -> dict:
    fields: list[dict] = [
        {
            "type": "Input.Text",
            "id": "minutes",
            "label": "Minutes",
            "isMultiline": True,
            "maxLength": MAX_MINUTES,
            "isRequired": True,
            "errorMessage": "Paste the minutes.",
            "value": str(typed.get("minutes") or ""),
        },
        {
            "type": "Input.Date",
            "id": "meeting",
            "label": "Date of the meeting (leave empty if the minutes' heading gives it)",
            "value": str(typed.get("meeting") or ""),
        },
    ]
    if problem is not None:
        at = 2 if problem.field == "meeting" else 1
        fields.insert(at, block(problem.reason, color="Attention", spacing="Small"))
    save = {"type": "Action.Submit", "title": "Find actions", "data": press.data()}
    return task_card(
        "Actions from minutes", card([*fields, button_row(save | {"style": "positive"})])
    )


def drafts_card(drafts: MinutesDrafts) -> dict:
    if not drafts.proposals:
        return card([block(inert(drafts.empty_words))])
    count = len(drafts.proposals)
    body = [
        block(
            inert(
                f"{count} draft action{'s' if count != 1 else ''} from the minutes of "
                f"{format_long(drafts.meeting)}. Nothing is added until you press “Add this "
                "action”, check the form and save it."
            )
        )
    ]
    for proposal in drafts.proposals[:MAX_DRAFTS]:
        body.append(_draft(proposal))
    if count > MAX_DRAFTS:
        body.append(note(f"{count - MAX_DRAFTS} more: run sendbot draft-actions to see all."))
    return card(body)


def _draft(p: Proposal) -> dict:
    owner = f"{p.owner.name} ({p.owner.role})" if p.owner else "none found"
    if not p.owner and p.owner_hint:
        owner += f" — the minutes say “{p.owner_hint}”"
    due = format_long(p.due) if p.due else "none found"
    if p.due_hint and not p.due:
        due += f" — the minutes say “{p.due_hint}”"
    filled = {"title": p.title, "due": p.due.isoformat() if p.due else None, "source": p.source}
    if p.owner:
        filled["owner"] = str(p.owner.person_id)
    add = dialog_opener("Add this action", Pressed(ADD, ON_DRAFTS, prefill=filled))
    drop = {"type": "Action.ToggleVisibility", "title": "Drop", "targetElements": [_id(p)]}
    return {
        "type": "Container",
        "id": _id(p),
        "separator": True,
        "items": [
            block(f"**{p.number}. {inert(p.title)}**"),
            block(f"From the minutes: “{inert(cut(p.decision, MAX_DECISION))}”", isSubtle=True),
            block(inert(f"Suggested owner: {owner} · Due: {due} · Source: {p.source}")),
            button_row(add, drop),
        ],
    }


def _id(p: Proposal) -> str:
    return f"draft-{p.number}"
