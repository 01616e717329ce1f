"""The risk register and deadlines as Adaptive Cards: lists and one risk in full."""

from datetime import date

from bot.dates import format_compact_year, format_long
from bot.deadline_service import DeadlineList
from bot.list_lines import ListLines, Markup, deadline_when, evidence_words, group_words
from bot.risk_service import RiskCard, RiskDetail, RiskList
from handlers.teams.cards_actions import who
from handlers.teams.cards_kit import (
    BAND_ICON,
    STATUS_ICON,
    block,
    card,
    cut,
    fact,
    fitting,
    heading,
    inert,
    inert_lines,
    label,
    line,
    name,
    words,
)

DESCRIPTION_IN_LIST = 300
LINES = ListLines(
    Markup(
        strong=lambda words: f"**{words}**",
        safe=inert,
        person=name,
        status_icon=STATUS_ICON,
        band_icon=BAND_ICON,
    )
)
score_words = LINES.risk_score
KIND_ICON = {"visit": "📋", "board": "👥", "stocktake": "🔎", "other": "🗓️"}


def risk_block(risk: RiskCard) -> dict:
    extras = [f"owner {name(risk.owner)}"]
    if risk.group:
        extras.append(inert(group_words(*risk.group)))
    if risk.review_date:
        extras.append(f"review {format_compact_year(risk.review_date)}")
    if risk.status == "closed":
        extras.append("closed")
    return {
        "type": "Container",
        "separator": True,
        "items": [
            block(f"**{inert(risk.ref)}** {inert(cut(risk.description, DESCRIPTION_IN_LIST))}"),
            block(score_words(risk), spacing="None"),
            block(" · ".join(extras), isSubtle=True, spacing="None"),
        ],
    }


def risk_list_card(result: RiskList) -> dict:
    if not result.risks:
        return card([block(inert(result.empty))])
    body = [heading(f"{inert(result.heading)}: {result.total}")]
    body += fitting(map(risk_block, result.risks), result.total, "risk list high narrows it.")
    return card(body)


def risk_detail_card(result: RiskDetail) -> dict:
    risk = result.risk
    facts = [fact("Score", score_words(risk)), fact("Owner", name(risk.owner))]
    if risk.group:
        facts.append(fact("Working group", f"{risk.group[0]} {inert(risk.group[1])}"))
    if risk.review_date:
        facts.append(fact("Review", format_long(risk.review_date)))
    facts.append(fact("Status", inert(risk.status.capitalize())))
    body = [
        heading(f"{inert(risk.ref)} ({inert(risk.band.name)} risk)"),
        block(inert_lines(risk.description)),
        {"type": "FactSet", "facts": facts},
    ]
    if risk.mitigation:
        body += [label("Mitigation"), block(inert_lines(risk.mitigation), spacing="Small")]
    body.append(label("Latest history"))
    body += [
        line(f"• {format_compact_year(h.on)} {who(h.actor)}: {words(h.summary)}")
        for h in result.history
    ] or [line("Nothing yet.")]
    return card(body)


def deadline_lines(result: DeadlineList) -> list[dict]:
    return [_deadline(d, result.today) for d in result.deadlines]


def _deadline(deadline, today: date) -> dict:
    items = [
        block(
            f"{KIND_ICON[deadline.kind]} **{inert(deadline.title)}** (deadline {deadline.id}) — "
            f"{deadline_when(deadline, today)}"
        )
    ]
    if evidence := evidence_words(deadline, today):
        items.append(block(evidence, isSubtle=True, spacing="None"))
    return {"type": "Container", "separator": True, "items": items}


def deadline_list_card(result: DeadlineList) -> dict:
    if not result.deadlines:
        return card([block("No upcoming deadlines. An admin can add one with deadline add.")])
    total = len(result.deadlines)
    return card([heading("Upcoming deadlines"), *fitting(deadline_lines(result), total, "")])
