"""The board's own configuration (`board.toml`): working groups, areas of weakness, admins,
and the people the board knows by role."""

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.plan_config import PlanConfig, parse_plan
from bot.risk_scale import COLOURS, DEFAULT_BANDS, Band, check_bands
from bot.status import Status
from bot.tracker_values import CellValueError, status_words_from

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def is_email(text: str) -> bool:
    return _EMAIL.fullmatch(text) is not None


@dataclass(frozen=True)
class IdRules:
    """How to tell a chat account or channel from a typo. Each door knows its own shapes; the
    entry combines them, so the core never holds a platform's ID pattern."""

    is_account: Callable[[str], bool]
    is_place: Callable[[str], bool]
    account_words: str = "a chat user ID"
    place_words: str = "a channel ID"

    def is_person(self, text: str) -> bool:
        return self.is_account(text) or is_email(text)


def _any_text(text: str) -> bool:
    return bool(text.strip())


ANY_ID = IdRules(_any_text, _any_text)

DEFAULT_GROUPS = (
    "Understanding of Need",
    "Commissioning",
    "Engagement and Co-production",
    "Preparation for Adulthood",
    "Emotional Health and Wellbeing",
    "SEN Support",
)
DEFAULT_AREA_COUNT = 9


@dataclass(frozen=True)
class GroupConfig:
    number: int
    name: str
    lead: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class AreaConfig:
    number: int
    title: str


@dataclass(frozen=True)
class PersonConfig:
    """Someone the board knows by role (`[[people]]`): minutes name roles, not people."""

    name: str
    role: str
    account: str | None = None
    email: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class ReminderConfig:
    """When reminders fall due (SPEC §5). Every offset can be changed in `[reminders]`."""

    before_due_days: tuple[int, ...] = (14, 7)
    before_due_working_days: int = 1
    on_due_day: bool = True
    overdue_every_days: int = 7
    escalate_after_days: int = 14
    visit_owner_working_days: tuple[int, ...] = (10, 2)
    visit_board_days: tuple[int, ...] = (28, 7)
    board_meeting_working_days: int = 5
    digest_weekday: int = 0  # Monday
    digest_time: time = time(9, 0)
    window_opens: time = time(9, 0)
    window_closes: time = time(17, 0)
    sweep_minutes: int = 5


@dataclass(frozen=True)
class BoardConfig:
    groups: tuple[GroupConfig, ...]
    areas: tuple[AreaConfig, ...]
    admins: frozenset[str] = field(default_factory=frozenset)
    stale_after_days: int = 28
    evidence_lead_working_days: int = 10
    reminders: ReminderConfig = field(default_factory=ReminderConfig)
    risk_bands: tuple[Band, ...] = DEFAULT_BANDS
    # When the plan began: readiness for the first visit counts updates from here.
    plan_start: date | None = None
    # The board's own words for statuses in its tracker ([import] status_words), beside the
    # defaults in bot/tracker_values.py.
    status_words: tuple[tuple[str, Status], ...] = ()
    # The plan's own words, its re-date approval and its officers ([plan]).
    plan: PlanConfig = field(default_factory=PlanConfig)
    people: tuple[PersonConfig, ...] = ()


def default_board() -> BoardConfig:
    return BoardConfig(
        groups=tuple(GroupConfig(n, name) for n, name in enumerate(DEFAULT_GROUPS, start=1)),
        areas=tuple(AreaConfig(n, f"Area {n}") for n in range(1, DEFAULT_AREA_COUNT + 1)),
    )


def load_board(path: Path | None, ids: IdRules = ANY_ID) -> BoardConfig:
    if path is None:
        return default_board()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    return parse_board(data, str(path), ids)


def parse_board(
    data: dict[str, Any], where: str = "board.toml", ids: IdRules = ANY_ID
) -> BoardConfig:
    known = {"working_groups", "areas", "board", "reminders", "risk_bands", "import", "plan"}
    known |= {"people"}
    for key in data:
        if key not in known:
            raise ConfigError(f"{where}: unknown section {key!r} (expected {sorted(known)}).")
    defaults = default_board()
    board = _table(data, "board", where)
    groups = (
        _groups(data["working_groups"], where, ids) if "working_groups" in data else defaults.groups
    )
    areas = _areas(data["areas"], where) if "areas" in data else defaults.areas
    admins = _list_of_people(board.get("admins", []), f"{where}: board.admins", ids)
    _only_keys(
        board,
        {"admins", "stale_after_days", "evidence_lead_working_days", "plan_start"},
        f"{where}: board",
    )
    return BoardConfig(
        groups=groups,
        areas=areas,
        admins=frozenset(admins),
        stale_after_days=_positive_int(
            board.get("stale_after_days", 28), f"{where}: board.stale_after_days"
        ),
        evidence_lead_working_days=_positive_int(
            board.get("evidence_lead_working_days", 10),
            f"{where}: board.evidence_lead_working_days",
        ),
        reminders=_reminders(_table(data, "reminders", where), f"{where}: reminders"),
        risk_bands=_bands(data["risk_bands"], where) if "risk_bands" in data else DEFAULT_BANDS,
        plan_start=_optional_day(board.get("plan_start"), f"{where}: board.plan_start"),
        status_words=_status_words(_table(data, "import", where), f"{where}: import"),
        plan=parse_plan(_table(data, "plan", where), f"{where}: plan"),
        people=_people(data["people"], where, ids) if "people" in data else (),
    )


def _status_words(table: dict[str, Any], key: str) -> tuple[tuple[str, Status], ...]:
    """`[import] status_words = { "Embedded" = "blue", ... }`: each word and its status."""
    _only_keys(table, {"status_words"}, key)
    words = table.get("status_words", {})
    if not isinstance(words, dict):
        raise ConfigError(
            f"{key}.status_words must be a table of words and statuses, "
            """like { "Embedded" = "blue" }."""
        )
    try:
        return status_words_from(words)
    except CellValueError as error:
        raise ConfigError(f"{key}.status_words: {error}.") from None


def _optional_day(value: Any, key: str) -> date | None:
    """A date written as TOML writes one (plan_start = 2026-09-01) or as ISO text."""
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{key} must be a date written year-month-day, like 2026-09-01.")


def _bands(items: Any, where: str) -> tuple[Band, ...]:
    bands = []
    for i, entry in enumerate(_entries(items, "risk_bands", where)):
        key = f"{where}: risk_bands[{i}]"
        _only_keys(entry, {"name", "colour", "from", "to"}, key)
        colour = entry.get("colour")
        if colour not in COLOURS:
            raise ConfigError(f"{key}.colour must be one of {', '.join(COLOURS)}.")
        lowest = _positive_int(entry.get("from"), f"{key}.from")
        highest = _positive_int(entry.get("to"), f"{key}.to")
        if lowest > highest:
            raise ConfigError(f"{key}: from must not be more than to.")
        bands.append(Band(_text(entry.get("name"), f"{key}.name"), colour, lowest, highest))
    check_bands(tuple(bands), f"{where}: risk_bands")
    return tuple(sorted(bands, key=lambda b: b.lowest))


def _reminders(table: dict[str, Any], key: str) -> ReminderConfig:
    defaults = ReminderConfig()
    _only_keys(table, set(defaults.__dataclass_fields__), key)
    values = {
        name: _reminder_value(getattr(defaults, name), value, f"{key}.{name}")
        for name, value in table.items()
    }
    config = replace(defaults, **values)
    if config.window_opens >= config.window_closes:
        raise ConfigError(f"{key}.window_opens must be before window_closes.")
    return config


def _reminder_value(default: Any, value: Any, where: str) -> Any:
    """Read one `[reminders]` value in the shape of its default."""
    if isinstance(default, tuple):
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{where} must be a list of whole numbers, like [14, 7].")
        return tuple(_positive_int(v, where) for v in value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false.")
        return value
    if isinstance(default, time):
        return _clock_time(value, where)
    if where.endswith("digest_weekday"):
        return _weekday(value, where)
    return _positive_int(value, where)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(value: Any, where: str) -> int:
    if isinstance(value, str) and value.strip().lower() in WEEKDAYS:
        return WEEKDAYS.index(value.strip().lower())
    raise ConfigError(f'{where} must be a day of the week, like "Monday".')


def _clock_time(value: Any, where: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f'{where} must be a time of day, like "09:00".') from None


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key} must be a table ([{key}]).")
    return value


def _groups(items: Any, where: str, ids: IdRules) -> tuple[GroupConfig, ...]:
    entries = _entries(items, "working_groups", where)
    groups = []
    for i, entry in enumerate(entries):
        key = f"{where}: working_groups[{i}]"
        _only_keys(entry, {"number", "name", "lead", "channel"}, key)
        number = _positive_int(entry.get("number"), f"{key}.number")
        name = _text(entry.get("name"), f"{key}.name")
        lead = _optional_id(
            entry.get("lead"), f"{key}.lead", ids.is_person, f"{ids.account_words} or an email"
        )
        channel = _optional_id(
            entry.get("channel"), f"{key}.channel", ids.is_place, ids.place_words
        )
        groups.append(GroupConfig(number, name, lead, channel))
    _unique_numbers([g.number for g in groups], f"{where}: working_groups")
    return tuple(sorted(groups, key=lambda g: g.number))


def _areas(items: Any, where: str) -> tuple[AreaConfig, ...]:
    entries = _entries(items, "areas", where)
    areas = []
    for i, entry in enumerate(entries):
        key = f"{where}: areas[{i}]"
        _only_keys(entry, {"number", "title"}, key)
        number = _positive_int(entry.get("number"), f"{key}.number")
        areas.append(AreaConfig(number, _text(entry.get("title"), f"{key}.title")))
    _unique_numbers([a.number for a in areas], f"{where}: areas")
    return tuple(sorted(areas, key=lambda a: a.number))


def _people(items: Any, where: str, ids: IdRules) -> tuple[PersonConfig, ...]:
    people = []
    for i, entry in enumerate(_entries(items, "people", where)):
        key = f"{where}: people[{i}]"
        _only_keys(entry, {"name", "role", "account", "email", "organisation"}, key)
        account = _optional_id(
            entry.get("account"), f"{key}.account", ids.is_account, ids.account_words
        )
        email = _optional_id(entry.get("email"), f"{key}.email", is_email, "an email")
        organisation = entry.get("organisation")
        if organisation is not None:
            organisation = _text(organisation, f"{key}.organisation")
        people.append(
            PersonConfig(
                name=_text(entry.get("name"), f"{key}.name"),
                role=_text(entry.get("role"), f"{key}.role"),
                account=account,
                email=email,
                organisation=None
                if organisation is None
                else _text(organisation, f"{key}.organisation"),
            )
        )
    return tuple(people)


def _entries(items: Any, name: str, where: str) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not all(isinstance(e, dict) for e in items) or not items:
        raise ConfigError(f"{where}: {name} must be one or more [[{name}]] tables.")
    return items


def _only_keys(entry: dict[str, Any], allowed: set[str], key: str) -> None:
    for name in entry:
        if name not in allowed:
            raise ConfigError(f"{key}: unknown key {name!r} (expected {sorted(allowed)}).")


def _positive_int(value: Any, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{key} must be a whole number, 1 or more.")
    return value


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{key} must be some text.")
    return value.strip()


def _optional_id(value: Any, key: str, accepts: Callable[[str], bool], what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not accepts(value):
        raise ConfigError(f"{key} must be {what}, not {value!r}.")
    return value


def _list_of_people(value: Any, key: str, ids: IdRules) -> list[str]:
    what = f"{ids.account_words} or an email"
    if not isinstance(value, list):
        raise ConfigError(f"{key} must be a list, each {what}.")
    return [_optional_id(v, key, ids.is_person, what) for v in value]


def _unique_numbers(numbers: list[int], key: str) -> None:
    seen = set()
    for n in numbers:
        if n in seen:
            raise ConfigError(f"{key}: number {n} is used twice.")
        seen.add(n)
