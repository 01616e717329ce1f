"""Monitoring visit readiness as an Adaptive Card: who has updated in the readiness window."""

from bot.dates import format_long, relative_day
from bot.plan_config import sentence, short_review
from bot.summary_lines import OFF_TRACK_TITLE
from bot.summary_lines import plural as people_count
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
from handlers.teams.cards_summary import MORE, SUMMARY_LINES

NO_VISIT = "No {review} is set. An admin can add one with deadline add {typed} DATE."


def visit_card(result: VisitReadiness) -> dict:
    if result.visit is None:
        typed = short_review(result.review)
        return card([block(NO_VISIT.format(review=result.review, typed=typed))])
    visit = result.visit
    opening = (
        f"**{inert(visit.title)}** is {relative_day(visit.date, result.today)}, on "
        f"{format_long(visit.date)}. {inert(result.evidence)}"
    )
    share = (
        f"**{result.updated} of {result.open_total} open actions "
        f"({percent(result.updated, result.open_total)})** "
        f"have been updated {result.window.words}."
    )
    shares = SUMMARY_LINES
    body = [heading(f"{sentence(result.review)} readiness"), block(opening), block(share)]
    body.append(label("By working group"))
    body += [line(shares.group_share(*group)) for group in result.groups]
    if result.areas:
        body.append(label("By area of weakness"))
        body += [line(shares.area_share(*a)) for a in result.areas]
    waiting = result.waiting
    if waiting.total:
        body.append(label(f"Still to update ({people_count(waiting.total, 'person')})"))
        body += [
            line(f"• {name(owner)} — {plural(count, 'action')}") for owner, count in waiting.items
        ]
        if waiting.total > len(waiting.items):
            body.append(note(f"…and {waiting.total - len(waiting.items)} more. {MORE}"))
    off = result.off_track
    if off.total:
        body.append(label(f"{OFF_TRACK_TITLE} ({off.total})"))
        body += [line(shares.off_track(item, result.today)) for item in off.items]
        if off.total > len(off.items):
            body.append(note(f"…and {off.total - len(off.items)} more. {MORE}"))
    return card(body)
