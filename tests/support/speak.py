"""Speaking to the core as a person would, without HTTP: for set-up and core-level tests.

`SlackVoice` goes through the Slack door's own decoding (mentions, people looked up with
users.info on the stand-in), so set-up text is written as Slack would send it."""

from bot.people import Actor, People, Profile
from bot.results import Outcome
from handlers.slack.app import web_client
from handlers.slack.people import SlackPeople
from sendbot.runtime import Runtime
from storage.database import Database


def core_actor(db: Database, account: str = "owner", admin: bool = False) -> Actor:
    """A person known to the core only (no door), made on first use."""
    people = People(db, frozenset({account}) if admin else frozenset())
    person = people.by_account("test", account, lambda: Profile(name=account.title()))
    assert person is not None
    return people.actor(person)


class SlackVoice:
    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        client = web_client(settings.bot_token or "xoxb-test", settings.api_url)
        self.runtime = runtime
        self.people = SlackPeople(runtime.people, client)

    def actor(self, user_id: str) -> Actor:
        return self.people.actor(user_id)

    def action(self, user_id: str, text: str) -> Outcome:
        return self.runtime.actions.handle(self.actor(user_id), self.people.decode(text, "/action"))

    def risk(self, user_id: str, text: str) -> Outcome:
        return self.runtime.risks.handle(self.actor(user_id), self.people.decode(text, "/risk"))

    def deadline(self, user_id: str, text: str) -> Outcome:
        return self.runtime.deadlines.handle(
            self.actor(user_id), self.people.decode(text, "/deadline")
        )
