"""Actions as Adaptive Cards: a short answer, a list, one action in full, and help."""

from datetime import date

from bot.dates import format_compact_year, format_long
from bot.due_words import due_in_full, due_phrase
from bot.list_lines import group_words
from bot.people import PersonRef
from bot.results import ActionCard, ActionDetail, ActionList, Help, HistoryLine, Notice
from handlers.teams.buttons import ON_DETAIL, ON_MINE, ON_NOTICE, action_buttons
from handlers.teams.cards_kit import (
    WARNING,
    block,
    card,
    fact,
    fitting,
    heading,
    inert,
    inert_lines,
    label,
    line,
    name,
    status_words,
    words,
)


def action_block(action: ActionCard, today: date, buttons_on: str | None = None) -> dict:
    """One action in a list; with its buttons when they are for the person reading
    (`buttons_on` names the card, to show it again after a change)."""
    overdue = f" {WARNING}" if action.days_overdue(today) else ""
    due = due_phrase(action.due, today, action.status.is_complete)
    items = [
        block(f"**{inert(action.ref)}** {inert(action.title)}"),
        block(
            f"{status_words(action.status)} · {due}{overdue} · "
            f"{inert(group_words(action.group_number, action.group_name))} · "
            f"{', '.join(name(p) for p in action.owners)}",
            isSubtle=True,
            spacing="None",
        ),
    ]
    if buttons_on is not None and not action.withdrawn:
        # Snooze on the person's own list (SPEC §4), as on a reminder, until it is due.
        snooze = buttons_on == ON_MINE and action.may_snooze(today)
        items.append(action_buttons(action, buttons_on, snooze=snooze))
    return {"type": "Container", "separator": True, "items": items, **complete_style(action)}


def complete_style(action: ActionCard) -> dict:
    """A complete action is shown on blue, its BRAG colour."""
    return {"style": "accent"} if action.status.is_complete else {}


def notice_card(result: Notice, today: date) -> dict:
    body = [block(words(result.text))]
    if result.action is not None:
        body.append(action_block(result.action, today, ON_NOTICE))
    return card(body)


def list_card(result: ActionList, today: date) -> dict:
    if not result.actions:
        return card([block(inert(result.empty))])
    body = [heading(f"{inert(result.heading)}: {result.total}")]
    if result.filters:
        body.append(block(words(result.filters), isSubtle=True, spacing="None"))
    on = ON_MINE if result.own else None
    body += fitting(
        (action_block(a, today, on) for a in result.actions), result.total, words(result.see_all)
    )
    return card(body)


def detail_card(result: ActionDetail, today: date) -> dict:
    action = result.action
    body = [
        heading(f"{inert(action.ref)} {inert(action.title)}"),
        {"type": "FactSet", "facts": _detail_facts(action, today)},
    ]
    for title, value in (
        ("Description", action.description),
        ("Intended outcome", action.outcome),
        ("Success measures", action.success_measures),
        ("Evidence of impact", action.evidence),
    ):
        if value:
            body += [label(title), block(inert_lines(value), spacing="Small")]
    body += _history(result)
    if result.may_change:
        body.append(action_buttons(action, ON_DETAIL))
    return card(body)


def _detail_facts(action: ActionCard, today: date) -> list[dict]:
    status = status_words(action.status) + (" (withdrawn)" if action.withdrawn else "")
    due = due_in_full(action.due, today, action.status.is_complete or action.withdrawn)
    facts = [
        fact("Status", status),
        fact("Working group", f"{action.group_number} {inert(action.group_name)}"),
        fact(action.owners_label, ", ".join(name(p) for p in action.owners)),
        fact("Due", due),
    ]
    if action.achieved_on:
        facts.append(fact("Achieved on", format_long(action.achieved_on)))
    if action.original_due and action.due != action.original_due:
        reason = f": {inert(action.due_revised_reason)}" if action.due_revised_reason else ""
        facts.append(fact("Originally due", f"{format_long(action.original_due)}{reason}"))
    if action.due_approval:
        facts.append(fact("New date approved", inert(action.due_approval)))
    if action.awaiting_due:
        facts.append(fact("New date awaiting approval", inert(action.awaiting_due)))
    if action.sro:
        facts.append(fact("Senior responsible officer", name(action.sro)))
    if action.start:
        facts.append(fact("Start", format_long(action.start)))
    if action.areas:
        areas = "; ".join(
            inert(title if title == f"Area {n}" else f"{n} {title}") for n, title in action.areas
        )
        facts.append(fact("Areas of weakness", areas))
    if action.source:
        facts.append(fact("Source", inert(action.source)))
    facts.append(fact("Last update", format_long(action.last_update_on)))
    return facts


def _history(result: ActionDetail) -> list[dict]:
    if not result.history:
        return [block("**History:** nothing yet.", spacing="Medium")]
    shown = f"**Latest history** ({len(result.history)} of {result.history_total})"
    return [block(shown, spacing="Medium"), *(line(history_line(h)) for h in result.history)]


def history_line(entry: HistoryLine) -> str:
    return f"• {format_compact_year(entry.on)} {who(entry.actor)}: {words(entry.summary)}"


def who(actor: PersonRef | None) -> str:
    """Who made a change: a person, or the plan import (the bot itself)."""
    return name(actor) if actor is not None else "the plan import"


def help_card(result: Help) -> dict:
    facts = [fact(inert(usage), inert(f"e.g. {example}")) for usage, example in result.lines]
    return card([heading(inert(result.title)), {"type": "FactSet", "facts": facts}])
