"""What every listener needs, built once at start-up and passed in (no globals)."""

from dataclasses import dataclass

from bot.action_service import ActionService
from bot.deadline_service import DeadlineService
from bot.risk_service import RiskService
from bot.summary_service import SummaryService
from sendbot.settings import Settings
from storage.database import Database


@dataclass(frozen=True)
class BotContext:
    settings: Settings
    db: Database
    actions: ActionService
    deadlines: DeadlineService
    risks: RiskService
    summaries: SummaryService
