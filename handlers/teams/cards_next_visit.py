"""The question to admins once a monitoring visit has passed: when is the next one?"""

from bot.readiness import next_visit_words
from bot.reminder_policy import Due
from handlers.teams.cards_kit import block, inert, line


def next_visit_body(item: Due) -> list[dict]:
    visit = item.event
    text = next_visit_words(visit.title, visit.date, item.suggested, visit.review)
    return [
        block(f"📅 **When is the next {inert(visit.review)}?**", separator=True),
        line(inert(text)),
    ]
