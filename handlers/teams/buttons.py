"""Buttons on Teams cards: what each one carries, and reading that back when it is pressed.

A button that opens a dialog is an Action.Submit with `msteams.type` "task/fetch": Teams opens
dialogs only from those (Action.Execute answers with a card, never a dialog). A button that acts
at once (Snooze) is an Action.Execute, answered with the card as it now is.

Every button carries what it does, the action's reference and version (so a stale or repeated
press is noticed), and which card it was on (so that card can be shown again after a change).
What comes back has passed through the user's client, so it is checked before it is used.
"""

from dataclasses import dataclass, field
from typing import TypeVar

from bot.action_commands import REF_PATTERN
from bot.errors import UserError
from bot.reminder_policy import ActionFacts
from bot.results import ActionCard

Part = TypeVar("Part")

# What a button does; a dialog's own Save button carries the same word.
UPDATE = "update"
COMPLETE = "complete"
SNOOZE = "snooze"
ADD = "add"
LOG_RISK = "log_risk"
REVIEW_RISK = "review_risk"
DFE_APPROVED = "dfe_approved"  # an admin records DfE/NHS England's approval of a new date
MINUTES = "minutes"  # paste minutes: the actions they agreed come back as drafts
DOINGS = (UPDATE, COMPLETE, SNOOZE, ADD, LOG_RISK, REVIEW_RISK, DFE_APPROVED, MINUTES)

# The cards buttons are on, each shown again in its own way after a change.
ON_MINE = "mine"
ON_HOME = "home"
ON_DETAIL = "show"
ON_NOTICE = "notice"
ON_REMINDER = "reminder"
ON_FORM = "form"  # a card that only offers a form: `action add`, `risk log`, `risk update R1`
ON_DRAFTS = "drafts"  # the drafts from minutes: kept as it is when one is added
CARDS = (ON_MINE, ON_HOME, ON_DETAIL, ON_NOTICE, ON_REMINDER, ON_FORM, ON_DRAFTS)

BUTTON = "sendbot"  # the key of what a button carries, beside a dialog's inputs
NO_LONGER_WORKS = (
    "That button no longer works. Type action mine to see your actions, or action help for "
    "what you can type instead."
)


@dataclass(frozen=True)
class Pressed:
    """A button press (or a dialog's Save), as far as it can be trusted."""

    do: str
    on: str
    ref: str | None = None
    version: int | None = None
    # A reminder that had more in it than this action: say where the rest can be seen.
    more: bool = False
    # What a typed `risk log` already said, to fill the dialog in.
    prefill: dict = field(default_factory=dict)

    def data(self) -> dict:
        """What a button or a dialog's Save carries to say this again: under a key of its own,
        as a dialog's inputs are merged into the same object."""
        carried: dict = {"do": self.do, "on": self.on}
        if self.ref is not None:
            carried |= {"ref": self.ref, "v": self.version}
        if self.more:
            carried["more"] = True
        if self.prefill:
            carried["prefill"] = self.prefill
        return {BUTTON: carried}


def pressed(data: object) -> Pressed:
    """The press a button's data describes; anything else is a button that no longer works
    (made by an older version of the bot, or tampered with on the way)."""
    data = data.get(BUTTON) if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("do") not in DOINGS or data.get("on") not in CARDS:
        raise UserError(NO_LONGER_WORKS)
    ref, version, prefill = data.get("ref"), data.get("v"), data.get("prefill", {})
    if ref is not None and not (isinstance(ref, str) and REF_PATTERN.match(ref)):
        raise UserError(NO_LONGER_WORKS)
    if ref is None and data["do"] not in (ADD, LOG_RISK, MINUTES):
        raise UserError(NO_LONGER_WORKS)
    if (version is not None and not isinstance(version, int)) or not isinstance(prefill, dict):
        raise UserError(NO_LONGER_WORKS)
    return Pressed(data["do"], data["on"], ref, version, data.get("more") is True, prefill)


def dialog_button(title: str, press: Pressed, **style: object) -> dict:
    data = {**press.data(), "msteams": {"type": "task/fetch"}}
    return {"type": "Action.Submit", "title": title, "data": data, **style}


def execute_button(title: str, press: Pressed) -> dict:
    return {"type": "Action.Execute", "title": title, "verb": press.do, "data": press.data()}


def button_row(*buttons: dict) -> dict:
    return {"type": "ActionSet", "actions": list(buttons)}


def action_buttons(
    action: ActionCard | ActionFacts, on: str, snooze: bool = False, more: bool = False
) -> dict:
    """Update, Mark complete (until it is complete) and, on a reminder, Snooze."""

    def press(do: str) -> Pressed:
        return Pressed(do, on, action.ref, action.version, more)

    buttons = [dialog_button("Update", press(UPDATE))]
    if not action.status.is_complete:
        buttons.append(dialog_button("Mark complete", press(COMPLETE), style="positive"))
    if snooze:
        buttons.append(execute_button("Snooze 2 working days", press(SNOOZE)))
    return button_row(*buttons)


def shown_on(node: Part, on: str) -> Part:
    """The same card parts with every button saying it is on card `on` (App Home shows the
    `action mine` list inside a card of its own)."""
    if isinstance(node, list):
        return [shown_on(item, on) for item in node]  # type: ignore[return-value]
    if not isinstance(node, dict):
        return node
    moved = {key: shown_on(value, on) for key, value in node.items()}
    carried = node.get("data", {}).get(BUTTON) if isinstance(node.get("data"), dict) else None
    if str(node.get("type")).startswith("Action.") and isinstance(carried, dict):
        moved["data"] = {**node["data"], BUTTON: {**carried, "on": on}}
    return moved  # type: ignore[return-value]
