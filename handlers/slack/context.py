"""What every listener needs, built once at start-up and passed in (no globals)."""

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.action_service import ActionService
from bot.deadline_service import DeadlineService
from bot.people import Actor, People
from bot.risk_service import RiskService
from bot.summary_service import SummaryService
from handlers.slack.delivery import SlackDelivery
from handlers.slack.people import SlackPeople


@dataclass(frozen=True)
class BotContext:
    api_url: str
    bot_token: str
    signing_secret: str | None
    people: People
    actions: ActionService
    deadlines: DeadlineService
    risks: RiskService
    summaries: SummaryService

    def slack_people(self, client: WebClient) -> SlackPeople:
        return SlackPeople(self.people, client)

    def actor(self, client: WebClient, user_id: str) -> Actor:
        return self.slack_people(client).actor(user_id)

    def delivery(self, client: WebClient) -> SlackDelivery:
        return SlackDelivery(client, self.actions.today)
