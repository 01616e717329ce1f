"""What every door calls a person's account or a channel, combined for settings and the board
file: the core accepts any text, so a typo must be caught here, at start-up."""

from sqlalchemy.orm import Session

from bot.board_config import IdRules, is_email
from bot.people import PersonKey, ensure_person
from handlers.slack import ids as slack_ids
from storage.models import Person
from storage.types import utcnow

RULES = IdRules(
    is_account=slack_ids.is_user_id,
    is_place=slack_ids.is_channel_id,
    account_words="a Slack user ID (like U012AB3CD)",
    place_words="a channel ID (like C012AB3CD)",
)


def person_key(text: str) -> PersonKey:
    """A board file's or setting's name for a person: an email, or an account on a door."""
    if is_email(text):
        return PersonKey(email=text.lower())
    if slack_ids.is_user_id(text):
        return PersonKey(slack_ids.PLATFORM, text)
    raise ValueError(f"{text!r} is not an account this bot knows")


def find_lead(session: Session, text: str) -> Person:
    return ensure_person(session, utcnow(), person_key(text))
