"""Reminder bundles as Adaptive Cards: the same words and buttons as Slack's reminders."""

from datetime import date

from bot.dates import format_weekday_long, relative_day
from bot.delivery import Place
from bot.plan_config import sentence
from bot.reminder_policy import Due, StatusCounts
from bot.reminder_sweep import (
    ActionReminder,
    Bundle,
    attention_title,
    notification_line,
    on_behalf_words,
)
from handlers.teams.buttons import ON_REMINDER, action_buttons
from handlers.teams.cards_kit import (
    block,
    card,
    cut,
    fitting,
    heading,
    inert,
    line,
    name,
    note,
    status_words,
)
from handlers.teams.cards_next_visit import next_visit_body
from handlers.teams.date_request_cards import ask_button
from handlers.teams.highlight_request import request_blocks
from handlers.teams.ids import PLATFORM_NAME

MAX_ITEMS = 20
MAX_OWNERS = 30


def bundle_card(bundle: Bundle, today: date) -> dict:
    today = bundle.today or today
    if isinstance(bundle.recipient, Place):
        return card(_channel_body(bundle, today) or [block("Reminder")])
    shown = card(_personal_body(bundle, today) or [block("Reminder")])
    # The notification's line: the connector sends it as the activity's summary.
    shown["fallbackText"] = notification_line(bundle, today)
    return shown


def _personal_body(bundle: Bundle, today: date) -> list[dict]:
    reminders = bundle.actions()
    body: list[dict] = []
    count = len(reminders)
    more = len(bundle.items) > 1
    if count:
        body.append(heading(attention_title(count)))
        body += fitting(
            (_action_block(reminder, today, more) for reminder in reminders[:MAX_ITEMS]),
            count,
            "action mine shows them all.",
        )
    for item in bundle.others():
        body += _other_blocks(item)
    return body


def _action_block(reminder: ActionReminder, today: date, more: bool) -> dict:
    action = reminder.action
    shown = []
    if reminder.on_behalf_of is not None:
        words = on_behalf_words(reminder.on_behalf_of, PLATFORM_NAME, [action.ref])
        shown.append(block(f"{inert(words)}:"))
    elif "escalation" in reminder.kinds:
        shown.append(
            block(f"Overdue in Working group {action.group_number}, owned by {name(action.owner)}:")
        )
    last = reminder.last_update_words(today)
    reason = reminder.reason
    shown += [
        block(f"**{inert(action.ref)}** {inert(action.title)}", spacing="None"),
        block(f"Working group {action.group_number} {inert(action.group_name)}", spacing="None"),
        block(f"**{inert(reason)}** · {status_words(action.status)}{last}", spacing="None"),
        block(reminder.next_step, spacing="None"),
        _buttons(reminder, more),
    ]
    return {"type": "Container", "separator": True, "items": shown}


def _buttons(reminder: ActionReminder, more: bool) -> dict:
    """Update, Mark complete, and Snooze before the due date or Ask for a new date after it."""
    row = action_buttons(reminder.action, ON_REMINDER, snooze=reminder.may_snooze, more=more)
    if reminder.overdue:
        row["actions"].append(ask_button(reminder.action))
    return row


def _other_blocks(item: Due) -> list[dict]:
    event = item.event
    if item.kind == "board_meeting":
        return request_blocks(item)
    if item.kind == "next_visit":
        return next_visit_body(item)
    if item.kind == "risk_review":
        risk = item.risk
        whose = []
        if item.on_behalf_of is not None:
            words = on_behalf_words(item.on_behalf_of, PLATFORM_NAME, [risk.ref])
            whose = [line(f"{inert(words)}:")]
        return [
            *whose,
            block(
                f"🔍 Risk **{inert(risk.ref)}** (score {risk.score}) is due for review "
                f"({format_weekday_long(risk.review_date)}): {inert(cut(risk.description, 500))}",
                separator=True,
            ),
            line(f"Rescore it or add a note with risk update {inert(risk.ref)}."),
        ]
    body = [
        block(
            f"📋 **{inert(event.title)}** is on {format_weekday_long(event.date)}. "
            f"Evidence is due by **{format_weekday_long(event.evidence_due)}**.",
            separator=True,
        ),
        line(f"{_whose(item)} had no update {event.since_words} — please add one:"),
    ]
    body += [line(f"• **{inert(a.ref)}** {inert(a.title)}") for a in item.actions[:MAX_ITEMS]]
    if len(item.actions) > MAX_ITEMS:
        body.append(note(f"…and {len(item.actions) - MAX_ITEMS} more (action mine)."))
    return body


def _whose(item: Due) -> str:
    if item.on_behalf_of is None:
        return "These actions of yours have"
    refs = [a.ref for a in item.actions]
    return f"{inert(on_behalf_words(item.on_behalf_of, PLATFORM_NAME, refs))}. These have"


def _channel_body(bundle: Bundle, today: date) -> list[dict]:
    body: list[dict] = []
    for item in bundle.items:
        if item.kind == "visit_readiness":
            body += _readiness_blocks(item, bundle.counts, today)
        elif item.kind == "board_meeting":
            body += request_blocks(item)
        elif item.kind == "risk_review":  # for a risk owner with no account and no group
            body += _other_blocks(item)
    return body


def _readiness_blocks(item: Due, counts: StatusCounts | None, today: date) -> list[dict]:
    visit = item.event
    open_total = sum(n for s, n in (counts.counts if counts else {}).items() if s != "blue")
    updated = open_total - len(item.actions)
    share = f"{round(100 * updated / open_total)}%" if open_total else "—"
    done = f"{updated} of {open_total} open actions ({share})"
    owners = sorted({a.owner for a in item.actions}, key=lambda p: p.id)
    body = [
        heading(f"{sentence(visit.review)} readiness"),
        block(
            f"**{inert(visit.title)}** is {relative_day(visit.date, today)}, on "
            f"{format_weekday_long(visit.date)}. {inert(visit.evidence_words)}"
        ),
        line(f"{done} have been updated {visit.since_words}."),
    ]
    if owners:
        shown = ", ".join(name(o) for o in owners[:MAX_OWNERS])
        more = f" and {len(owners) - MAX_OWNERS} more" if len(owners) > MAX_OWNERS else ""
        body.append(line(f"Still to update: {shown}{more}"))
    return body
