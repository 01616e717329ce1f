"""Block Kit for the risk register: lists, one risk in full, and the risk forms."""

from bot.dates import format_compact_year, format_long
from bot.list_lines import ListLines, Markup, group_words
from bot.risk_service import RiskCard, RiskDetail, RiskList
from handlers.slack.render import (
    MAX_BLOCKS,
    STATUS_ICON,
    context,
    cut,
    escape,
    escape_lines,
    header,
    message,
    mrkdwn,
    person,
    section,
    who,
)

BAND_ICON = {
    "red": ":red_circle:",
    "amber": ":large_orange_circle:",
    "green": ":large_green_circle:",
}
DESCRIPTION_IN_LIST = 300
LINES = ListLines(
    Markup(
        strong=lambda words: f"*{words}*",
        safe=escape,
        person=person,
        status_icon=STATUS_ICON,
        band_icon=BAND_ICON,
    )
)
score_words = LINES.risk_score


def risk_line(card: RiskCard) -> str:
    extras = [f"owner {person(card.owner)}"]
    if card.group:
        extras.append(escape(group_words(*card.group)))
    if card.review_date:
        extras.append(f"review {format_compact_year(card.review_date)}")
    if card.status == "closed":
        extras.append("closed")
    return (
        f"*{card.ref}* {escape(cut(card.description, DESCRIPTION_IN_LIST))}\n"
        f"{score_words(card)}\n{' · '.join(extras)}"
    )


def render_risk_list(result: RiskList) -> dict:
    if not result.risks:
        return message(escape(result.empty), [section(escape(result.empty))])
    blocks = [header(f"{result.heading}: {result.total}")]
    shown = result.risks[: MAX_BLOCKS - 3]
    blocks += [section(risk_line(card)) for card in shown]
    if result.total > len(shown):
        blocks.append(
            context(f"…and {result.total - len(shown)} more. /risk list high narrows it.")
        )
    return message(f"{result.heading}: {result.total}", blocks)


def render_risk_detail(result: RiskDetail) -> dict:
    card = result.risk
    lines = [score_words(card), f"*Owner:* {person(card.owner)}"]
    if card.group:
        lines.append(f"*Working group:* {card.group[0]} {escape(card.group[1])}")
    if card.review_date:
        lines.append(f"*Review:* {format_long(card.review_date)}")
    lines.append(f"*Status:* {card.status.capitalize()}")
    blocks = [
        header(f"{card.ref} ({card.band.name} risk)"),
        section(escape_lines(card.description)),
        section("\n".join(lines)),
    ]
    if card.mitigation:
        blocks.append(section(f"*Mitigation*\n{escape_lines(card.mitigation)}"))
    history = [
        f"• {format_compact_year(h.on)} {who(h.actor)}: {mrkdwn(h.summary)}" for h in result.history
    ]
    blocks.append(section("*Latest history*\n" + "\n".join(history)))
    return message(escape(f"{card.ref} {cut(card.description, 100)}"), blocks)
