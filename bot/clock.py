"""The time as the bot sees it: the wall clock, or a chosen moment (the demo, `--at`)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.working_calendar import LONDON


def wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Clock:
    tz: ZoneInfo = LONDON
    source: Callable[[], datetime] = field(default=wall_clock)

    def now(self) -> datetime:
        return self.source()

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()
