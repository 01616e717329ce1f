"""The wording of one line in a list — an action, a risk, a deadline — the same on every door.

The words and figures are the core's; how they are marked up is the door's, given as `Markup`:
how it makes words strong, how it makes people's text safe to show, how it names a person, and
its icons. So Slack's summary and Teams' card cannot drift apart in what they say.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.dates import describe_due, format_compact, format_compact_year, relative_day
from bot.people import PersonRef
from bot.results import ActionCard
from bot.risk_scale import IMPACT, LIKELIHOOD
from bot.status import Status

TREND_ARROW = {"up": "↑ rising", "down": "↓ falling", "same": "→ steady"}
TITLE_IN_LIST = 90
DESCRIPTION_IN_LINE = 120


@dataclass(frozen=True)
class Markup:
    strong: Callable[[str], str]
    safe: Callable[[str], str]  # people's text, shown as typed and unable to format anything
    person: Callable[[PersonRef], str]
    status_icon: Mapping[Status, str]
    band_icon: Mapping[str, str]


def shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class ListLines:
    def __init__(self, markup: Markup) -> None:
        self.m = markup

    def action(self, a: ActionCard) -> str:
        m = self.m
        title = m.safe(shorten(a.title, TITLE_IN_LIST))
        return f"{m.strong(m.safe(a.ref))} {title} — {m.person(a.owner)}"

    def overdue(self, a: ActionCard, today: date) -> str:
        icon = self.m.status_icon[a.status]
        return f"{self.action(a)} · {icon} · {self.m.strong(describe_due(a.due, today))}"

    def due(self, a: ActionCard, today: date) -> str:
        when = f"{format_compact(a.due)} ({describe_due(a.due, today)})"
        return f"{self.action(a)} · {self.m.status_icon[a.status]} · {when}"

    def stale(self, a: ActionCard, today: date) -> str:
        return f"{self.action(a)} · last update {format_compact_year(a.last_update_on)}"

    def open(self, a: ActionCard, today: date) -> str:
        status = f"{self.m.status_icon[a.status]} {a.status.label}"
        return f"{self.action(a)} · {status} · {describe_due(a.due, today)}"

    def risk(self, risk, today: date | None = None) -> str:
        m = self.m
        arrow = f" {TREND_ARROW[risk.trend]}" if risk.trend else ""
        return (
            f"{m.band_icon[risk.band.colour]} {m.strong(m.safe(risk.ref))} {risk.score}{arrow} — "
            f"{m.safe(shorten(risk.description, DESCRIPTION_IN_LINE))} — {m.person(risk.owner)}"
        )

    def risk_score(self, risk) -> str:
        """The score in words: band, trend, likelihood × impact."""
        arrow = f" {TREND_ARROW[risk.trend]}" if risk.trend else ""
        return (
            f"{self.m.band_icon[risk.band.colour]} {self.m.strong(str(risk.score))} "
            f"{risk.band.name}{arrow} · "
            f"likelihood {risk.likelihood} {LIKELIHOOD[risk.likelihood - 1]} × "
            f"impact {risk.impact} {IMPACT[risk.impact - 1]}"
        )

    def deadline(self, deadline, today: date) -> str:
        when = relative_day(deadline.date, today)
        text = (
            f"{self.m.strong(self.m.safe(deadline.title))} — "
            f"{format_compact_year(deadline.date)}, {when}"
        )
        if deadline.evidence_due:
            evidence = deadline.evidence_due
            text += f" (evidence due {format_compact(evidence)}, {relative_day(evidence, today)})"
        return text
