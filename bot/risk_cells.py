"""A risk register's cells as councils write them: likelihood and impact as numbers or words,
scores written "4x3", "L4 x I3" or "12", status and direction of travel in their own words.

A score that could mean two things ("12" is 3×4 or 4×3) is refused, never guessed: a register's
score is only worth keeping if it is the one the board agreed.
"""

import re
from dataclasses import dataclass

from bot.risk_scale import IMPACT, LIKELIHOOD


class RiskCellError(ValueError):
    """A cell that can't be read; the message completes “column: …” in one plain line."""


@dataclass(frozen=True)
class Score:
    """A score as written: its likelihood and impact when it says them, else the product."""

    total: int
    likelihood: int | None = None
    impact: int | None = None


_LIKELIHOOD_WORDS = {word.casefold(): n for n, word in enumerate(LIKELIHOOD, start=1)} | {
    "very unlikely": 1,
    "remote": 1,
    "very likely": 5,
    "certain": 5,
    "almost certainly": 5,
}
_IMPACT_WORDS = {word.casefold(): n for n, word in enumerate(IMPACT, start=1)} | {
    "negligible": 1,
    "minimal": 1,
    "moderate": 3,
    "significant": 4,
    "severe": 5,
    "critical": 5,
}
# "4", "4 (likely)" as our export writes it, "L4", "I3", "Likely (4)".
_LEVEL = re.compile(r"[li]?\s*([1-5])(?:\s*[(\-–:]\s*([a-z ]+?)\s*\)?)?", re.ASCII)
_WORD_LEVEL = re.compile(r"([a-z ]+?)\s*\(\s*([1-5])\s*\)", re.ASCII)
# "4x3", "4 x 3", "4×3", "4*3", "4 by 3", "L4 x I3", "L4 I3", "4x3=12", "4 x 3 (12 high)".
_BAND = r"(?:\s*[(\-–=]?\s*(\d{1,2})?\s*(?:low|medium|high|very high|green|amber|red)?\s*\)?)?"
_PRODUCT = re.compile(
    r"(?:([1-5])\s*(?:x|×|\*|by)\s*([1-5])|l\s*([1-5])\s*(?:x|×|\*|,)?\s*i\s*([1-5]))" + _BAND,
    re.ASCII,
)
# "12", "12 (medium)", "16 - High", "20 red".
_TOTAL = re.compile(
    r"(\d{1,2})(?:\s*[(\-–]?\s*(?:low|medium|high|very high|green|amber|red)\s*\)?)?", re.ASCII
)
# A square splits one way only: 9 is 3×3. Every other score has two splits or more.
_SQUARES = {n * n: n for n in range(1, 6)}


def read_level(text: str, what: str) -> int:
    """A likelihood or impact, 1–5, as a number ("4", "L4", "4 (likely)") or the scale's word."""
    words = _LIKELIHOOD_WORDS if what == "likelihood" else _IMPACT_WORDS
    key = " ".join(text.casefold().split())
    if key in words:
        return words[key]
    if m := _LEVEL.fullmatch(key):
        return int(m[1])
    if (m := _WORD_LEVEL.fullmatch(key)) and words.get(m[1]) in (None, int(m[2])):
        return int(m[2])
    scale = LIKELIHOOD if what == "likelihood" else IMPACT
    raise RiskCellError(
        f"“{_quote(text)}” is not a {what} — write 1 to 5, or one of: "
        f"{', '.join(w.lower() for w in scale)}."
    )


def read_score(text: str) -> Score:
    """A score as written: “4x3” and “L4 x I3” give likelihood and impact; “12” only a total."""
    key = " ".join(text.casefold().split())
    if m := _PRODUCT.fullmatch(key):
        likelihood, impact = int(m[1] or m[3]), int(m[2] or m[4])
        if m[5] and int(m[5]) != likelihood * impact:
            raise RiskCellError(
                f"“{_quote(text)}” does not add up: {likelihood}×{impact} is not {m[5]}."
            )
        return Score(likelihood * impact, likelihood, impact)
    if m := _TOTAL.fullmatch(key):
        total = int(m[1])
        if 1 <= total <= 25:
            return Score(total)
    raise RiskCellError(
        f"“{_quote(text)}” is not a risk score — write likelihood × impact, like 4x3 or L4 x I3."
    )


def split_score(score: Score) -> tuple[int, int] | None:
    """Likelihood and impact of a score, when the score says them or can mean only one pair."""
    if score.likelihood is not None and score.impact is not None:
        return score.likelihood, score.impact
    if score.total in _SQUARES:
        side = _SQUARES[score.total]
        return side, side
    return None


_OPEN = {"open", "live", "active", "current", "new", "ongoing", "escalated"}
_CLOSED = {"closed", "archived", "retired", "inactive", "complete", "completed", "resolved"}


def read_status(text: str) -> str:
    key = " ".join(text.casefold().split())
    if key in _OPEN:
        return "open"
    if key in _CLOSED:
        return "closed"
    raise RiskCellError(f"“{_quote(text)}” is not a risk status — write Open or Closed.")


_TREND = {
    "up": ("↑", "⬆", "▲", "up", "increasing", "increased", "rising", "risen", "worse", "worsening"),
    "down": ("↓", "⬇", "▼", "down", "decreasing", "decreased", "falling", "fallen", "better"),
    "same": ("↔", "→", "⬌", "=", "same", "static", "stable", "no change", "unchanged", "level"),
}
_TREND_WORDS = {word: trend for trend, words in _TREND.items() for word in words}
_TREND_WORDS |= {"improving": "down", "reducing": "down", "reduced": "down"}
_NOT_REVIEWED = {"", "not reviewed yet", "new", "n/a", "na", "-", "–"}


def read_trend(text: str) -> str | None:
    """Direction of travel: “up”, “down” or “same”; None for a risk not reviewed yet."""
    key = " ".join(text.casefold().split())
    if key in _NOT_REVIEWED:
        return None
    if key in _TREND_WORDS:
        return _TREND_WORDS[key]
    raise RiskCellError(
        f"“{_quote(text)}” is not a direction of travel — write ↑, ↓ or ↔ "
        "(or increasing, decreasing, static)."
    )


def _quote(text: str) -> str:
    shown = " ".join(text.split())
    return shown if len(shown) <= 40 else shown[:39].rstrip() + "…"
