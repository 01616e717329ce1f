"""The wording of one line in a list — an action, a risk, a deadline — the same on every door.

The words and figures are the core's; how they are marked up is the door's, given as `Markup`:
how it makes words strong, how it makes people's text safe to show, how it names a person, and
its icons. So Slack's summary and Teams' card cannot drift apart in what they say.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from bot import dates
from bot.dates import (
    format_compact_year,
    format_weekday_long,
    how_far,
    relative_day,
)
from bot.due_words import due_phrase
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
    """Cut at a word with "…", never mid-word (unless one word fills most of the room)."""
    if len(value) <= limit:
        return value
    kept = value[: limit - 1]
    space = kept.rfind(" ")
    if space > limit // 2:
        kept = kept[:space]
    return kept.rstrip(" ,;:.-–—") + "…"


def group_words(number: int, name: str | None = None) -> str:
    """'Working group 1', or with its name where there is room."""
    return f"Working group {number} {name}" if name else f"Working group {number}"


def band_words(risk) -> str:
    """'score 12 (medium)': a score is never shown without its band's name."""
    return f"score {risk.score} ({risk.band.name})"


def likelihood_words(value: int) -> str:
    return f"likelihood {value} ({LIKELIHOOD[value - 1].lower()})"


def impact_words(value: int) -> str:
    return f"impact {value} ({IMPACT[value - 1].lower()})"


class ListLines:
    def __init__(self, markup: Markup) -> None:
        self.m = markup

    def action(self, a: ActionCard) -> str:
        m = self.m
        title = m.safe(shorten(a.title, TITLE_IN_LIST))
        owners = ", ".join(m.person(p) for p in a.owners)
        return f"{m.strong(m.safe(a.ref))} {title} — {owners}"

    def status(self, status: Status) -> str:
        """The colour and its word together: a screen reader and a colour-blind reader get
        the word."""
        return f"{self.m.status_icon[status]} {status.label}"

    def overdue(self, a: ActionCard, today: date) -> str:
        late = self.m.strong(how_far(a.due, today))
        return f"{self.action(a)} · {self.status(a.status)} · {late}"

    def due(self, a: ActionCard, today: date) -> str:
        return f"{self.action(a)} · {self.status(a.status)} · {due_phrase(a.due, today)}"

    def stale(self, a: ActionCard, today: date) -> str:
        return f"{self.action(a)} · last update {format_compact_year(a.last_update_on)}"

    def open(self, a: ActionCard, today: date) -> str:
        return f"{self.action(a)} · {self.status(a.status)} · {due_phrase(a.due, today)}"

    def risk(self, risk, today: date | None = None) -> str:
        m = self.m
        arrow = f" {TREND_ARROW[risk.trend]}" if risk.trend else ""
        return (
            f"{m.strong(m.safe(risk.ref))} {m.band_icon[risk.band.colour]} {band_words(risk)}"
            f"{arrow} — {m.safe(shorten(risk.description, DESCRIPTION_IN_LINE))} — "
            f"{m.person(risk.owner)}"
        )

    def risk_score(self, risk) -> str:
        """The score in words: band, trend, likelihood × impact."""
        arrow = f" {TREND_ARROW[risk.trend]}" if risk.trend else ""
        return (
            f"{self.m.band_icon[risk.band.colour]} {self.m.strong(band_words(risk))}{arrow} · "
            f"{likelihood_words(risk.likelihood)} × {impact_words(risk.impact)}"
        )

    def deadline(self, deadline, today: date) -> str:
        """'Monitoring visit — Thursday 6 February 2020 (tomorrow) · evidence due Thursday
        23 January (13 days overdue), not recorded as sent'."""
        text = f"{self.m.strong(self.m.safe(deadline.title))} — {deadline_when(deadline, today)}"
        evidence = evidence_words(deadline, today)
        return f"{text} · {evidence}" if evidence else text


def deadline_when(deadline, today: date) -> str:
    """'Thursday 6 February 2020 (in 17 days)': a deadline's day, said as due dates are."""
    return f"{format_weekday_long(deadline.date)} ({relative_day(deadline.date, today)})"


def evidence_words(deadline, today: date) -> str | None:
    """A visit's evidence: 'evidence due Thursday 23 January (in 3 days)', '… (2 days
    overdue), not recorded as sent' or 'evidence sent'; None for other deadlines."""
    evidence = deadline.evidence_due
    if evidence is None:
        return None
    if deadline.evidence_sent:
        return "evidence sent"
    late = ", not recorded as sent" if evidence < today else ""
    return f"evidence {dates.due_phrase(evidence, today)}{late}"
