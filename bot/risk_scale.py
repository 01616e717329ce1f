"""Risk scoring: the 5×5 likelihood and impact scales, and the bands scores fall into."""

from dataclasses import dataclass

from bot.errors import ConfigError

LIKELIHOOD = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
IMPACT = ("Insignificant", "Minor", "Moderate", "Major", "Catastrophic")
POSSIBLE_SCORES = tuple(sorted({lik * imp for lik in range(1, 6) for imp in range(1, 6)}))
COLOURS = ("green", "amber", "red")


@dataclass(frozen=True)
class Band:
    name: str
    colour: str
    lowest: int
    highest: int

    def holds(self, score: int) -> bool:
        return self.lowest <= score <= self.highest


DEFAULT_BANDS = (
    Band("low", "green", 1, 4),
    Band("medium", "amber", 5, 12),
    Band("high", "red", 15, 25),
)


def check_bands(bands: tuple[Band, ...], where: str = "risk_bands") -> None:
    """Every possible score must fall in exactly one band, or start-up stops."""
    for score in POSSIBLE_SCORES:
        holding = [b.name for b in bands if b.holds(score)]
        if not holding:
            raise ConfigError(f"{where}: a risk scored {score} would fall outside every band.")
        if len(holding) > 1:
            raise ConfigError(
                f"{where}: a risk scored {score} would fall in two bands ({' and '.join(holding)})."
            )


def band_of(score: int, bands: tuple[Band, ...] = DEFAULT_BANDS) -> Band:
    return next(b for b in bands if b.holds(score))


def likelihood_name(value: int) -> str:
    return LIKELIHOOD[value - 1]


def impact_name(value: int) -> str:
    return IMPACT[value - 1]


def trend(old_score: int, new_score: int) -> str:
    return "up" if new_score > old_score else "down" if new_score < old_score else "same"
