"""The plan's own words (`[plan]` in board.toml): what the plan is called, the kinds of review
DfE and NHS England hold, who must approve a re-date, and the plan's officers and advisers.

A board under a Written Statement of Action talks of monitoring visits; one under an
Accelerated Progress Plan of support and challenge meetings. Every message uses these words.
"""

from dataclasses import dataclass
from typing import Any

from bot.errors import ConfigError

DEFAULT_NAME = "SEND improvement plan"
DEFAULT_REVIEW_KINDS = ("monitoring visit", "stocktake")
BOARD, DFE = "board", "dfe"
APPROVERS = (BOARD, DFE)
# How a re-date's approver is said in messages and the export.
APPROVER_WORDS = {BOARD: "the board", DFE: "DfE/NHS England"}


@dataclass(frozen=True)
class Officer:
    """An accountable officer of the plan, or a DfE/NHS England adviser."""

    name: str
    role: str | None = None
    organisation: str | None = None

    @property
    def shown(self) -> str:
        extra = ", ".join(part for part in (self.role, self.organisation) if part)
        return f"{self.name} ({extra})" if extra else self.name


@dataclass(frozen=True)
class PlanConfig:
    name: str = DEFAULT_NAME
    short_name: str | None = None
    # The first kind is the main review (it has an evidence deadline); the rest are reviews
    # between them.
    review_kinds: tuple[str, ...] = DEFAULT_REVIEW_KINDS
    redate_approval: str = BOARD
    accountable_officers: tuple[Officer, ...] = ()
    advisers: tuple[Officer, ...] = ()

    @property
    def the_plan(self) -> str:
        """'the Accelerated Progress Plan', 'the SEND improvement plan'."""
        return f"the {self.name}"

    @property
    def main_review(self) -> str:
        return self.review_kinds[0]

    @property
    def needs_dfe(self) -> bool:
        return self.redate_approval == DFE


def parse_plan(table: dict[str, Any], key: str) -> PlanConfig:
    allowed = {
        "name",
        "short_name",
        "review_kinds",
        "redate_approval",
        "accountable_officers",
        "advisers",
    }
    for name in table:
        if name not in allowed:
            raise ConfigError(f"{key}: unknown key {name!r} (expected {sorted(allowed)}).")
    approval = table.get("redate_approval", BOARD)
    if approval not in APPROVERS:
        raise ConfigError(f'{key}.redate_approval must be "board" or "dfe", not {approval!r}.')
    return PlanConfig(
        name=_words(table.get("name", DEFAULT_NAME), f"{key}.name"),
        short_name=_optional_words(table.get("short_name"), f"{key}.short_name"),
        review_kinds=_review_kinds(table.get("review_kinds"), f"{key}.review_kinds"),
        redate_approval=approval,
        accountable_officers=_officers(
            table.get("accountable_officers", []), f"{key}.accountable_officers"
        ),
        advisers=_officers(table.get("advisers", []), f"{key}.advisers"),
    )


def _words(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 100:
        raise ConfigError(f"{key} must be some text, at most 100 characters.")
    return " ".join(value.split())


def _optional_words(value: Any, key: str) -> str | None:
    return None if value is None else _words(value, key)


def _review_kinds(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_REVIEW_KINDS
    if not isinstance(value, list) or not value:
        raise ConfigError(f'{key} must be a list of words, like ["monitoring visit", "stocktake"].')
    kinds = tuple(_words(v, key).lower() for v in value)
    reserved = {"board", "list", "remove", "evidence-sent", "help"}
    for kind in kinds:
        if kind.split()[0] in reserved or kind[0].isdigit():
            raise ConfigError(f"{key}: {kind!r} can't be a kind of review (it reads as a command).")
    if len(set(kinds)) != len(kinds):
        raise ConfigError(f"{key}: a kind of review is named twice.")
    return kinds


def _officers(value: Any, key: str) -> tuple[Officer, ...]:
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ConfigError(
            f'{key} must be a list of tables, like [{{ name = "Sam Patel", role = "Director" }}].'
        )
    officers = []
    for i, entry in enumerate(value):
        where = f"{key}[{i}]"
        for name in entry:
            if name not in ("name", "role", "organisation"):
                raise ConfigError(
                    f"{where}: unknown key {name!r} (expected ['name', 'organisation', 'role'])."
                )
        officers.append(
            Officer(
                _words(entry.get("name"), f"{where}.name"),
                _optional_words(entry.get("role"), f"{where}.role"),
                _optional_words(entry.get("organisation"), f"{where}.organisation"),
            )
        )
    return tuple(officers)


def short_review(review: str) -> str:
    """A main review in running text: "visit" for a monitoring visit, as ever; else its name."""
    return "visit" if review == "monitoring visit" else review


def review_word(plan: PlanConfig, kind: str) -> str:
    """What the board calls a stored review kind: the main review ("visit") or the one between
    ("stocktake")."""
    if kind == "visit":
        return short_review(plan.main_review)
    return plan.review_kinds[1] if len(plan.review_kinds) > 1 else "stocktake"


def sentence(words: str) -> str:
    """'support and challenge meeting' → 'Support and challenge meeting'."""
    return words[:1].upper() + words[1:]


def plan_heading(plan: PlanConfig) -> str:
    """The summary's heading: the plan's name, or as before when the board names none."""
    return "SEND Improvement Board" if plan.name == DEFAULT_NAME else plan.name


DEFAULT_PLAN = PlanConfig()


def officer_rows(plan: PlanConfig) -> tuple[list[str], ...]:
    """The export front sheet's lines naming who answers for the plan and who advises it:
    a heading, then one row per person (name, role, organisation)."""
    rows: list[list[str]] = []
    for heading, people in (
        ("Accountable officers", plan.accountable_officers),
        ("DfE/NHS England advisers", plan.advisers),
    ):
        if people:
            rows.append([heading])
            rows += [[p.name, p.role or "", p.organisation or ""] for p in people]
            rows.append([])
    return tuple(rows)
