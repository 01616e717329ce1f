"""Monitoring visit readiness as an Adaptive Card: who has updated since the last visit."""

from bot.dates import format_long, relative_day
from bot.summary_service import VisitReadiness
from handlers.teams.cards_kit import (
    block,
    card,
    heading,
    inert,
    label,
    line,
    name,
    note,
    percent,
    plural,
)
from handlers.teams.cards_summary import MORE

NO_VISIT = "No monitoring visit is set. An admin can add one with deadline add visit DATE."


def visit_card(result: VisitReadiness) -> dict:
    if result.visit is None:
        return card([block(NO_VISIT)])
    visit = result.visit
    opening = (
        f"**{inert(visit.title)}** is {relative_day(visit.date, result.today)}, on "
        f"{format_long(visit.date)}. Evidence is due by **{format_long(visit.evidence_due)}** "
        f"({relative_day(visit.evidence_due, result.today)})."
    )
    open_total = sum(o for _, _, o, _ in result.groups)
    updated = sum(u for _, _, _, u in result.groups)
    share = (
        f"**{updated} of {open_total} open actions ({percent(updated, open_total)})** "
        f"have been updated since {format_long(result.since)}."
    )
    body = [heading("Monitoring visit readiness"), block(opening), block(share)]
    body.append(label("By working group"))
    body += [
        line(f"{n} {inert(group)} — {u} of {o} updated ({percent(u, o)})")
        for n, group, o, u in result.groups
    ]
    waiting = result.waiting
    if waiting.total:
        body.append(label(f"Still to update ({waiting.total} people)"))
        body += [
            line(f"• {name(owner)} — {plural(count, 'action')}") for owner, count in waiting.items
        ]
        if waiting.total > len(waiting.items):
            body.append(note(f"…and {waiting.total - len(waiting.items)} more. {MORE}"))
    return card(body)
