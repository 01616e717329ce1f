"""The question to admins once a monitoring visit has passed: when is the next one?"""

from bot.readiness import next_visit_words
from bot.reminder_policy import Due
from handlers.slack.render import escape, section


def next_visit_blocks(item: Due) -> list[dict]:
    visit = item.event
    text = next_visit_words(visit.title, visit.date, item.suggested, visit.review)
    return [section(f":calendar: *When is the next {visit.review}?*\n{escape(text)}")]
