"""BRAG status: the five states an action can be in, and the words people type for them."""

from enum import StrEnum


class Status(StrEnum):
    NOT_STARTED = "not started"
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    BLUE = "blue"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_complete(self) -> bool:
        return self is Status.BLUE


# The order a chart stacks them in and its words list them: finished work first.
DONE_FIRST = (Status.BLUE, Status.GREEN, Status.AMBER, Status.RED, Status.NOT_STARTED)

_LABELS = {
    Status.NOT_STARTED: "Not started",
    Status.RED: "Red (off track)",
    Status.AMBER: "Amber (at risk)",
    Status.GREEN: "Green (on track)",
    Status.BLUE: "Blue (complete)",
}

_WORDS = {
    "not-started": Status.NOT_STARTED,
    "notstarted": Status.NOT_STARTED,
    "not started": Status.NOT_STARTED,
    "red": Status.RED,
    "off-track": Status.RED,
    "amber": Status.AMBER,
    "at-risk": Status.AMBER,
    "green": Status.GREEN,
    "on-track": Status.GREEN,
    "blue": Status.BLUE,
    "complete": Status.BLUE,
    "completed": Status.BLUE,
    "done": Status.BLUE,
}

STATUS_WORDS = "not-started, red (off-track), amber (at-risk), green (on-track), blue (complete)"


def parse_status(word: str) -> Status | None:
    return _WORDS.get(word.strip().lower())
