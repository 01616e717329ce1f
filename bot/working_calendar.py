"""Working days, bank holidays and the delivery window: every calendar rule lives here.

England and Wales bank holidays come from the `holidays` package with subdiv="ENG"
(`country_holidays("GB")` alone misses Easter Monday). Times are aware; the window is local.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_day_on_or_after(day: date) -> date:
    return day if is_working_day(day) else next_working_day(day)


def add_working_days(day: date, count: int) -> date:
    """Move `count` working days forwards (count > 0) or backwards (count < 0)."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_until(day: date, today: date) -> int:
    """How many working days from `today` (not counted) to `day` (counted): 0 if it has come."""
    count = 0
    while today < day:
        today += timedelta(days=1)
        count += is_working_day(today)
    return count


@dataclass(frozen=True)
class DeliveryWindow:
    """Messages go out on working days between `opens` and `closes`, local time."""

    tz: ZoneInfo = LONDON
    opens: time = time(9, 0)
    closes: time = time(17, 0)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        return is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def opening(self, day: date) -> datetime:
        """When the window opens on `day` (a working day), as an aware UTC time."""
        return datetime.combine(day, self.opens, tzinfo=self.tz).astimezone(UTC)

    def earliest_delivery(self, moment: datetime) -> datetime:
        """`moment` if the window is open then, else the next time it opens."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(self.tz)
        day = local.date()
        if is_working_day(day) and local.time() < self.opens:
            return self.opening(day)
        return self.opening(next_working_day(day))

    def delivery_for_day(self, day: date) -> datetime:
        """A reminder dated `day` goes when the window first opens on or after that day."""
        return self.opening(working_day_on_or_after(day))

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()
