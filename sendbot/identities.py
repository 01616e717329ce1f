"""What every door calls a person's account or a channel, combined for settings and the board
file: the core accepts any text, so a typo must be caught here, at start-up."""

from sqlalchemy.orm import Session

from bot.board_config import IdRules, is_email
from bot.people import PersonKey, ensure_person
from handlers.slack import ids as slack_ids
from handlers.teams import ids as teams_ids
from storage.models import Person
from storage.types import utcnow

RULES = IdRules(
    is_account=lambda text: slack_ids.is_user_id(text) or teams_ids.is_user_id(text),
    is_place=lambda text: slack_ids.is_channel_id(text) or teams_ids.is_channel_id(text),
    account_words="a Slack user ID (like U012AB3CD) or a Teams user's object ID (a GUID)",
    place_words="a Slack channel ID (like C012AB3CD) or a Teams channel ID (19:…@thread.tacv2)",
)


def person_key(text: str) -> PersonKey:
    """A board file's or setting's name for a person: an email, or an account on a door."""
    if is_email(text):
        return PersonKey(email=text.lower())
    if slack_ids.is_user_id(text):
        return PersonKey(slack_ids.PLATFORM, text)
    if teams_ids.is_user_id(text):
        return PersonKey(teams_ids.PLATFORM, text)
    raise ValueError(f"{text!r} is not an account this bot knows")


def find_lead(session: Session, text: str) -> Person:
    return ensure_person(session, utcnow(), person_key(text))
