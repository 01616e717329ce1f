"""`summary evidence` as an Adaptive Card: each area's evidence of impact for the next visit, and
the actions with none yet."""

from bot.dates import format_long
from bot.visit_evidence import ActionEvidence, AreaEvidence, VisitEvidence
from handlers.teams.cards_actions import who
from handlers.teams.cards_kit import (
    block,
    card,
    cut,
    fitting,
    heading,
    inert,
    label,
    line,
    name,
    note,
)

ACTIONS_SHOWN = 15  # per area, with evidence and without
ENTRIES_SHOWN = 3  # per action, newest first
ENTRY_LENGTH = 300
MORE = "summary export has every action's evidence in full."


def visit_evidence_card(result: VisitEvidence) -> dict:
    body = [heading(result.heading), block(_opening(result))]
    if not result.areas:
        body.append(block("The plan has no actions yet."))
    areas = ({"type": "Container", "items": _area(area)} for area in result.areas)
    body += fitting(areas, len(result.areas), "summary evidence area N shows one area.")
    return card(body)


def _opening(result: VisitEvidence) -> str:
    since = result.window.words
    if result.visit is not None:
        title, on = inert(result.visit.title), format_long(result.visit.date)
        opening = f"For **{title}** on {on}: evidence of impact added {since}."
    else:
        opening = f"No monitoring visit is set. Evidence of impact added {since}."
    entries, gaps = result.entry_count, result.gap_count
    return (
        f"{opening} **{entries} {'entry' if entries == 1 else 'entries'}**; "
        f"**{gaps} {'action' if gaps == 1 else 'actions'}** with no new evidence."
    )


def _area(area: AreaEvidence) -> list[dict]:
    title = f"Area {area.number}: {area.title}" if area.number else area.title
    body = [label(inert(title))]
    for action in area.with_evidence[:ACTIONS_SHOWN]:
        body.append(line(_action(action)))
        for entry in action.entries[:ENTRIES_SHOWN]:
            text = inert(cut(" ".join(entry.text.split()), ENTRY_LENGTH))
            body.append(line(f"    ◦ {format_long(entry.on)}, {who(entry.by)}: {text}"))
        if len(action.entries) > ENTRIES_SHOWN:
            body.append(note(f"…and {len(action.entries) - ENTRIES_SHOWN} earlier. {MORE}"))
    if len(area.with_evidence) > ACTIONS_SHOWN:
        body.append(note(f"…and {len(area.with_evidence) - ACTIONS_SHOWN} more with evidence."))
    if area.gaps:
        body.append(line(f"_No new evidence ({len(area.gaps)}):_"))
        body += [line(_action(action)) for action in area.gaps[:ACTIONS_SHOWN]]
        if len(area.gaps) > ACTIONS_SHOWN:
            body.append(note(f"…and {len(area.gaps) - ACTIONS_SHOWN} more."))
    return body


def _action(action: ActionEvidence) -> str:
    return f"• **{inert(action.ref)}** {inert(cut(action.title, 120))} — {name(action.owner)}"
