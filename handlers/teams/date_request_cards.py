"""Ask for a new date on Teams: the reminder's button, the owner's dialog, the admin's card with
Approve and Decline, and the admin's short dialogs. Read back in date_request_invokes.py.

Each button is an Action.Submit that opens a dialog (task/fetch). What it carries sits under a
key of its own, so the other dialogs' buttons (handlers/teams/buttons.py) are left alone.
"""

from collections.abc import Mapping
from datetime import date

from bot.date_requests import RequestCard, request_line
from bot.dates import due_with_date, format_long, format_weekday_long
from bot.reminder_policy import ActionFacts
from bot.results import ActionCard
from handlers.teams.cards_kit import block, card, cut, inert, name
from handlers.teams.dialogs import Problem, task_card
from handlers.teams.dialogs import _with_problem as with_problem

KEY = "sendbot_date"
ASK, APPROVE, DECLINE = "ask", "approve", "decline"
TASK_FETCH = {"type": "task/fetch"}
TITLES = {ASK: "Ask for a new date", APPROVE: "Approve new date", DECLINE: "Decline new date"}
MAX_REASON = 1000


def ask_button(action: ActionFacts) -> dict:
    """On an overdue item of a reminder."""
    return _opens(TITLES[ASK], {"do": ASK, "ref": action.ref})


def ask_dialog(action: ActionCard, today: date, typed: Mapping, problem: Problem | None) -> dict:
    due = due_with_date(action.due, today)
    fields = [
        _input(
            {"type": "Input.Date", "id": "date", "label": "New due date"},
            typed,
            "Choose a date after today that you can meet.",
        ),
        _input(
            {
                "type": "Input.Text",
                "id": "reason",
                "label": "Why it needs a new date",
                "isMultiline": True,
                "maxLength": MAX_REASON,
                "placeholder": "The admins see this when they approve or decline it.",
            },
            typed,
            "Say why the action needs a new date.",
        ),
    ]
    body = [
        block(f"**{inert(action.ref)}** {inert(action.title)}"),
        block(f"Now {due}.", spacing="None"),
        *with_problem(fields, problem),
    ]
    return _form(ASK, {"do": ASK, "ref": action.ref}, body, "Send request")


def request_card(request: RequestCard) -> dict:
    """What each admin gets: the request, and the buttons to decide it."""
    carried = {"id": request.id}
    shown = card(
        [
            block(
                f"{name(request.requester)} asks for **{inert(request.ref)}** "
                f"{inert(request.title)} to be due on **{format_weekday_long(request.proposed)}** "
                f"(now due {format_long(request.due)})."
            ),
            block(f"Reason: {inert(cut(request.reason, 2000))}", spacing="None"),
            block("Approve it to record the new date, or decline it with a reason."),
            {
                "type": "ActionSet",
                "actions": [
                    _opens("Approve", {"do": APPROVE, **carried}, style="positive"),
                    _opens("Decline", {"do": DECLINE, **carried}, style="destructive"),
                ],
            },
        ]
    )
    shown["fallbackText"] = request_line(request)  # the notification's line (connector.py)
    return shown


def decide_dialog(
    request: RequestCard, approving: bool, typed: Mapping, problem: Problem | None
) -> dict:
    """Approve takes an optional note; Decline needs a reason, which the owner is told."""
    note: dict = {"type": "Input.Text", "id": "note", "isMultiline": True, "maxLength": 1000}
    if approving:
        note["label"] = "Note for the owner (optional)"
        if typed.get("note"):
            note["value"] = str(typed["note"])
    else:
        note["label"] = "Why it is declined"
        note = _input(note, typed, "Say why the new date is declined.")
    do = APPROVE if approving else DECLINE
    body = [
        block(f"**{inert(request.ref)}** {inert(request.title)}"),
        block(
            f"New date asked for: {format_long(request.proposed)} (now due "
            f"{format_long(request.due)}).",
            spacing="None",
        ),
        block(f"Reason: {inert(cut(request.reason, 2000))}", spacing="None"),
        *with_problem([note], problem),
    ]
    return _form(do, {"do": do, "id": request.id}, body, "Approve" if approving else "Decline")


def _opens(title: str, carried: dict, **style: object) -> dict:
    data = {KEY: carried, "msteams": TASK_FETCH}
    return {"type": "Action.Submit", "title": title, "data": data, **style}


def _form(do: str, carried: dict, body: list[dict], save: str) -> dict:
    submit = {"type": "Action.Submit", "title": save, "data": {KEY: carried}, "style": "positive"}
    return task_card(TITLES[do], card([*body, {"type": "ActionSet", "actions": [submit]}]))


def _input(element: dict, typed: Mapping, required: str) -> dict:
    if typed.get(element["id"]):
        element["value"] = str(typed[element["id"]])
    return element | {"isRequired": True, "errorMessage": required}
