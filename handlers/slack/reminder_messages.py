"""Reminder messages: plain English, the action, when it is due, and the buttons to act."""

import json
from datetime import date

from bot.dates import format_weekday_long, relative_day
from bot.delivery import Place
from bot.plan_config import sentence
from bot.reminder_policy import ActionFacts, Due, StatusCounts
from bot.reminder_sweep import (
    ActionReminder,
    Bundle,
    attention_title,
    notification_line,
    on_behalf_words,
)
from handlers.slack.highlight_request import request_blocks
from handlers.slack.ids import PLATFORM_NAME
from handlers.slack.reminder_next_visit import next_visit_blocks
from handlers.slack.render import (
    MAX_BLOCKS,
    context,
    cut,
    escape,
    header,
    message,
    person,
    section,
    status_words,
)

MAX_ITEMS = 20
# The button that opens the new-date form (handlers/slack/date_request_buttons.py).
ASK_FOR_A_NEW_DATE = "date_request_open"


def render_bundle(bundle: Bundle, today: date) -> dict:
    today = bundle.today or today
    if isinstance(bundle.recipient, Place):
        return _channel_message(bundle, today)
    return _personal_message(bundle, today)


def _personal_message(bundle: Bundle, today: date) -> dict:
    reminders = bundle.actions()
    blocks: list[dict] = []
    count = len(reminders)
    if count:
        blocks.append(header(attention_title(count)))
        for reminder in reminders[:MAX_ITEMS]:
            blocks += _action_blocks(reminder, today)
        if count > MAX_ITEMS:
            blocks.append(context(f"…and {count - MAX_ITEMS} more. /action mine shows them all."))
    for item in bundle.others():
        blocks += _other_blocks(item)
    fallback = escape(notification_line(bundle, today))
    return message(fallback, blocks[:MAX_BLOCKS])  # already escaped mrkdwn


def _action_blocks(reminder: ActionReminder, today: date) -> list[dict]:
    action, kinds = reminder.action, reminder.kinds
    opening = ""
    if reminder.on_behalf_of is not None:
        opening = (
            f"{escape(on_behalf_words(reminder.on_behalf_of, PLATFORM_NAME, [action.ref]))}:\n"
        )
    elif "escalation" in kinds:
        opening = (
            f"Overdue in Working group {action.group_number}, owned by {person(action.owner)}:\n"
        )
    last = reminder.last_update_words(today)
    text = (
        f"{opening}*{escape(action.ref)}* {escape(action.title)}\n"
        f"Working group {action.group_number} {escape(action.group_name)}\n"
        f"*{reminder.reason}* · {status_words(action.status)}{last}\n"
        f"{reminder.next_step}"
    )
    return [section(text), _buttons(action, reminder)]


def _buttons(action: ActionFacts, reminder: ActionReminder) -> dict:
    value = json.dumps({"ref": action.ref, "v": action.version})
    elements = [
        _button("action_update", "Update", value),
        _button("action_complete", "Mark complete", value, style="primary"),
    ]
    if reminder.may_snooze:
        elements.append(_button("action_snooze", "Snooze 2 working days", value))
    if reminder.overdue:
        elements.append(_button(ASK_FOR_A_NEW_DATE, "Ask for a new date", value))
    return {"type": "actions", "block_id": f"reminder:{action.ref}", "elements": elements}


def _button(action_id: str, label: str, value: str, style: str | None = None) -> dict:
    button = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _other_blocks(item: Due) -> list[dict]:
    event = item.event
    if item.kind == "board_meeting":
        return request_blocks(item)
    if item.kind == "next_visit":
        return next_visit_blocks(item)
    if item.kind == "risk_review":
        risk = item.risk
        whose = ""
        if item.on_behalf_of is not None:
            whose = escape(on_behalf_words(item.on_behalf_of, PLATFORM_NAME, [risk.ref])) + ":\n"
        return [
            section(
                f"{whose}:mag: Risk *{escape(risk.ref)}* (score {risk.score}) is due for review "
                f"({format_weekday_long(risk.review_date)}): {escape(cut(risk.description, 500))}\n"
                f"Rescore it or add a note with `/risk update {escape(risk.ref)}`."
            )
        ]
    whose = "These actions of yours have"
    if item.on_behalf_of is not None:
        refs = [a.ref for a in item.actions]
        whose = f"{escape(on_behalf_words(item.on_behalf_of, PLATFORM_NAME, refs))}. These have"
    lines = [
        f":clipboard: *{escape(event.title)}* is on {format_weekday_long(event.date)}. "
        f"Evidence is due by *{format_weekday_long(event.evidence_due)}*.",
        f"{whose} had no update {event.since_words} — please add one:",
    ]
    lines += [f"• *{escape(a.ref)}* {escape(a.title)}" for a in item.actions[:MAX_ITEMS]]
    if len(item.actions) > MAX_ITEMS:
        lines.append(f"…and {len(item.actions) - MAX_ITEMS} more (/action mine).")
    return [section("\n".join(lines))]


def _channel_message(bundle: Bundle, today: date) -> dict:
    blocks: list[dict] = []
    for item in bundle.items:
        if item.kind == "visit_readiness":
            blocks += _readiness_blocks(item, bundle.counts, today)
        elif item.kind == "board_meeting":
            blocks += request_blocks(item)
        elif item.kind == "risk_review":  # for a risk owner with no account and no group
            blocks += _other_blocks(item)
    fallback = blocks[0]["text"]["text"] if blocks else "Reminder"
    return message(fallback, blocks[:MAX_BLOCKS])  # already escaped mrkdwn


def _readiness_blocks(item: Due, counts: StatusCounts | None, today: date) -> list[dict]:
    visit = item.event
    open_total = sum(n for s, n in (counts.counts if counts else {}).items() if s != "blue")
    waiting = len(item.actions)
    updated = open_total - waiting
    share = f"{round(100 * updated / open_total)}%" if open_total else "—"
    owners = sorted({a.owner for a in item.actions}, key=lambda p: p.id)
    lines = [
        f"*{escape(visit.title)}* is {relative_day(visit.date, today)}, on "
        f"{format_weekday_long(visit.date)}. {escape(visit.evidence_words)}",
        f"{updated} of {open_total} open actions ({share}) have been updated {visit.since_words}.",
    ]
    if owners:
        shown = " ".join(person(o) for o in owners[:30])
        more = f" and {len(owners) - 30} more" if len(owners) > 30 else ""
        lines.append(f"Still to update: {shown}{more}")
    return [header(f"{sentence(visit.review)} readiness"), section("\n".join(lines))]
