"""Ask for a new date on Slack: the owner's form, the admin's message with Approve and Decline,
and the admin's short forms. Built here, read back in date_request_buttons.py."""

import json
from datetime import date

from bot.date_requests import RequestCard, request_line
from bot.dates import due_with_date, format_long, format_weekday_long
from bot.results import ActionCard
from handlers.slack.modal_kit import date_input, input_block, modal, text_input
from handlers.slack.render import cut, escape, message, person, section

ASK = "date_request_modal"
APPROVE = "date_request_approve"
DECLINE = "date_request_decline"
APPROVE_FORM = "date_request_approve_modal"
DECLINE_FORM = "date_request_decline_modal"
MAX_REASON = 1000


def ask_view(action: ActionCard, today: date, origin: dict) -> dict:
    due = due_with_date(action.due, today)
    summary = f"*{escape(action.ref)}* {escape(action.title)}\nNow {due}."
    blocks = [
        section(cut(summary, 3000)),
        input_block(
            "date", "New due date", date_input(), hint="A date after today that you can meet."
        ),
        input_block(
            "reason",
            "Why it needs a new date",
            text_input(max_length=MAX_REASON),
            hint="The admins see this when they approve or decline it.",
        ),
    ]
    return modal(ASK, "Ask for a new date", "Send request", blocks, {"ref": action.ref, **origin})


def request_message(request: RequestCard) -> dict:
    """What each admin gets: the request, and the buttons to decide it."""
    text = (
        f"{person(request.requester)} asks for *{escape(request.ref)}* "
        f"{escape(request.title)} to be due on *{format_weekday_long(request.proposed)}* "
        f"(now due {format_long(request.due)}).\n"
        f"Reason: {escape(cut(request.reason, 2000))}\n"
        "Approve it to record the new date, or decline it with a reason."
    )
    value = json.dumps({"id": request.id})
    buttons = {
        "type": "actions",
        "block_id": f"date_request:{request.id}",
        "elements": [
            _button(APPROVE, "Approve", value, "primary"),
            _button(DECLINE, "Decline", value, "danger"),
        ],
    }
    return message(escape(request_line(request)), [section(text), buttons])


def decide_view(request: RequestCard, approving: bool, origin: dict) -> dict:
    """Approve takes an optional note; Decline needs a reason, which the owner is told."""
    summary = (
        f"*{escape(request.ref)}* {escape(request.title)}\n"
        f"New date asked for: {format_long(request.proposed)} (now due "
        f"{format_long(request.due)}).\nReason: {escape(cut(request.reason, 2000))}"
    )
    if approving:
        note = input_block("note", "Note for the owner", text_input(max_length=MAX_REASON), True)
        callback, title, submit = APPROVE_FORM, "Approve new date", "Approve"
    else:
        note = input_block("note", "Why it is declined", text_input(max_length=MAX_REASON))
        callback, title, submit = DECLINE_FORM, "Decline new date", "Decline"
    blocks = [section(cut(summary, 3000)), note]
    return modal(callback, title, submit, blocks, {"id": request.id, **origin})


def _button(action_id: str, label: str, value: str, style: str) -> dict:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
        "style": style,
    }
