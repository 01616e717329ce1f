"""Import the action plan from a CSV or XLSX file (SPEC §7).

Two passes: every row is checked first (its cells, its people, its group and areas), then the
good rows are written in one unit of work. A file with a bad row writes nothing unless the caller
asks to skip bad rows, because half an imported plan is harder to put right than none.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from bot import redate_import, risk_import
from bot.action_commands import MAX_NOTE, MAX_TITLE, REF_PATTERN
from bot.action_history import record
from bot.clean_text import clean
from bot.co_owner_cells import (
    co_owners_besides,
    ids_text,
    owner_split_note,
    same_co_owners,
    set_co_owners,
    split_people,
)
from bot.dates import DateError, format_long, parse_written_date
from bot.fill_colours import OTHER
from bot.no_date import NO_DATE_AGREED, is_our_words
from bot.people import PersonKey, ensure_person
from bot.person_cells import looks_mistyped, read_named
from bot.plan_file import ImportFileError, SheetRow, file_name, plan_sheets, quote
from bot.plan_file import protect_formula as protect_formula  # the export's, kept importable here
from bot.review_import import import_reviews, review_heading
from bot.status import Status
from bot.tracker_headings import HEADINGS, IGNORE, field_for, heading_key
from bot.tracker_values import (
    CellValueError,
    NoDateAgreed,
    StatusWords,
    group_key,
    read_areas,
    read_group,
    read_tracker_date,
)
from bot.working_calendar import LONDON
from storage import action_queries as q
from storage.database import Database
from storage.models import Action, ActionHistory, Area, Person, WorkingGroup

REQUIRED = ("ref", "title", "working_group", "owner", "due")
# Columns whose text may run over several lines; every other column is one line.
MULTILINE = ("description", "success_measures", "evidence", "outcome", "progress")
OPTIONAL = ("area", "status", "description", "success_measures", "sro", "start", "source")
OPTIONAL += ("evidence", "outcome", "progress", "co_owner", *redate_import.FIELDS)
# The headings councils use, and our export's own, are in bot/tracker_headings.py. The export
# shows people by name and keeps their accounts in hidden columns: where those are, they are the
# people; the names are only to read.
EXPORT_ACCOUNTS = {"owneraccount": "owner", "seniorresponsibleofficeraccount": "sro"}
EXPORT_ACCOUNTS["coowneraccount"] = "co_owner"
MAX_SOURCE = 200  # the width of Action.source
MAX_EMAIL = 320  # the width of Person.email
WRITE_ATTEMPTS = 3
LOOKUP_BATCH = 1_000  # refs asked about in one query (see existing_actions)
WRITE_BATCH = 500  # rows written per flush; one flush of 10,000 new actions held 130 MB more
SHOWN_IGNORED = 10  # unknown headings named in the warning; a sheet may have hundreds

_WHAT = {"ref": "reference", "working_group": "working group", "due": "due date"}
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
# A reference with a remark after it, as trackers write them: "3.7 (added Oct 24)".
_REF_REMARK = re.compile(r"(\S+)\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]")
_DATE_WHAT = {"due": "due date", "start": "start date", **redate_import.DATE_FIELDS}
_WHO = {"owner": "owner", "sro": "SRO", "co_owner": "co-owner"}
MAX_PERSON_NAME = 200  # the width of Person.name


@dataclass(frozen=True)
class DirectoryEntry:
    """What a chat platform's directory says about one account."""

    account_id: str
    name: str | None = None
    email: str | None = None
    # Whose account it is, when one directory asks several platforms (a board on Slack and
    # Teams); None: the directory's own.
    platform: str | None = None


def _nobody(account_id: str) -> DirectoryEntry | None:
    return None


@dataclass(frozen=True)
class ChatDirectory:
    """A door's directory, for owners named in a file: its account ids and look-ups, so that
    everyone the file names becomes a person with a name."""

    platform: str
    platform_name: str  # "Slack", as a person would say it
    is_account_id: Callable[[str], bool]
    lookup_email: Callable[[str], DirectoryEntry | None]  # the account with this email
    lookup_account: Callable[[str], DirectoryEntry | None] = _nobody
    id_example: str = "U012AB3CD"


@dataclass(frozen=True)
class RejectedRow:
    line: int  # the file's line (CSV) or sheet row (XLSX); the header is line 1
    reason: str


@dataclass(frozen=True)
class ImportNote:
    """Something the import did with a row that the person should know — a value read as
    written ("status “G” read as green"), a row skipped — to be summarised by kind."""

    line: int  # the row's line in the file; 0 for the file as a whole
    kind: str  # the same words for every row it happened to


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    written: bool = False
    warnings: list[str] = field(default_factory=list)
    past_due: list[str] = field(default_factory=list)  # open rows imported with a past date
    notes: list[ImportNote] = field(default_factory=list)

    # A check (import_plan(check=True)): created/updated/unchanged say what it would do.
    checked: bool = False
    skip_invalid: bool = False
    # Whom a check would ask the chat platform about ("by email on Slack" → emails); the caller
    # that knows its directory fills this in.
    look_ups: dict[str, list[str]] = field(default_factory=dict)
    # The people the file names who have (or, in a check, would have) no chat account.
    without_account: list[str] = field(default_factory=list)
    # The file's risk register, when it has one (bot.risk_import.RiskReport).
    risks: Any = None

    @property
    def imported(self) -> bool:
        """Whether any row was (or, in a check, would be) taken in."""
        risks = self.risks and (self.risks.created or self.risks.updated or self.risks.unchanged)
        return bool(self.created or self.updated or self.unchanged or risks)

    @property
    def refused_rows(self) -> int:
        """Rows with problems: actions and risks."""
        return len(self.rejected) + (len(self.risks.rejected) if self.risks else 0)

    def lines(self) -> list[str]:
        """The report in plain English, one line each, for the command line."""
        from bot.import_report import report_lines

        return report_lines(self)


@dataclass(frozen=True)
class PlanFile:
    """The rows of a plan file: (line, {column: text}) with canonical column names."""

    rows: list[tuple[int, dict[str, str]]]
    warnings: list[str]
    notes: list[ImportNote] = field(default_factory=list)
    # BRAG and Progress columns per review (bot/review_import.py): headings, and cells by line.
    review_headings: tuple[str, ...] = ()
    review_cells: dict[int, dict[str, str]] = field(default_factory=dict)


# Reading the file (bot/plan_file.py reads the rows; here they become columns)

HEADER_SEARCH = 30  # rows with something in them looked through for the header, in each sheet
BLANK_NOTED = 20  # blank rows noted in one run of them; the rest are passed over
# The first cell of a row below the table that explains it: "Key: B = Blue (complete)", "Total".
_FOOTER = re.compile(r"(?:key|notes?)\s*(?:[:\-–—]|$)|totals?\b", re.IGNORECASE)


@dataclass
class _Header:
    line: int
    cells: list[str]
    columns: dict[int, str]  # position → field, for fields the import keeps
    ignored: list[str]  # headings of columns nobody knows
    not_kept: list[str]  # headings of fields the import can't keep yet
    duplicate: tuple[str, str, str] | None  # a field two headings name, and the two headings
    reviews: dict[int, str] = field(default_factory=dict)  # position → a review column's heading


def read_rows(path: Path, heading_map: dict[str, str] | None = None) -> PlanFile:
    """Read a CSV or XLSX plan into text cells under canonical column names.

    The header is the first row naming every required column, below any title rows; section
    headings, blank rows and the key or notes under the table are skipped and noted.
    heading_map: a board's own headings (bot.tracker_headings.load_heading_map)."""
    known = HEADINGS | {heading_key(h): column for h, column in (heading_map or {}).items()}
    best: _Header | None = None
    filled = False
    for number, sheet in enumerate(plan_sheets(path)):
        rows = iter(sheet.rows)
        notes = [ImportNote(0, sheet.note)] if sheet.note else []
        header = None
        searched = 0
        for row in rows:
            if not row.cells:
                continue
            filled = True
            candidate = _match_header(row.line, row.cells, known)
            if all(c in candidate.columns.values() for c in REQUIRED):
                header = candidate
                break
            if best is None or _score(candidate) > _score(best):
                best = candidate
            notes.append(ImportNote(row.line, "title rows above the header skipped"))
            searched += 1
            if searched >= HEADER_SEARCH:
                break
        if header is not None:
            if number:  # a workbook that opens on a cover sheet, or a key
                notes.insert(0, ImportNote(0, f"actions read from the sheet “{quote(sheet.name)}”"))
            return _read_table(path, header, rows, notes, heading_map or {})
    if not filled:
        raise ImportFileError(
            f"{file_name(path)} is empty. It needs a header row: {', '.join(REQUIRED)}."
        )
    assert best is not None
    if best.duplicate:
        raise ImportFileError(_duplicate(best))
    missing = [c for c in REQUIRED if c not in best.columns.values()]
    names = _or_list([f"“{c}”" for c in missing])
    raise ImportFileError(f"The file has no {names} column. Required: {', '.join(REQUIRED)}.")


def _score(header: _Header) -> int:
    return len(set(header.columns.values()) & set(REQUIRED))


def _read_table(
    path: Path,
    header: _Header,
    rows: Iterable[SheetRow],
    notes: list[ImportNote],
    heading_map: dict[str, str],
) -> PlanFile:
    if header.duplicate:
        raise ImportFileError(_duplicate(header))
    _check_map(path, header, heading_map)
    warnings = []
    if header.ignored:
        warnings.append(f"These columns are not imported and were ignored: {_names(header)}.")
    if header.not_kept:
        names = ", ".join(f"“{quote(name)}”" for name in header.not_kept)
        warnings.append(f"The import does not keep these columns yet, so left them out: {names}.")
    columns = header.columns
    required_at = {i for i, c in columns.items() if c in REQUIRED}
    status_at = next((i for i, c in columns.items() if c == "status"), None)
    body: list[tuple[int, dict[str, str]]] = []
    review_cells: dict[int, dict[str, str]] = {}
    waiting: list[ImportNote] = []  # skipped rows: section headings, or footers if no row follows
    blanks = 0
    after_key = False
    for line, cells, colours in rows:
        if not cells:
            blanks += 1
            if body and blanks <= BLANK_NOTED:
                waiting.append(ImportNote(line, "blank row skipped"))
            continue
        blanks = 0
        filled = {i for i, text in enumerate(cells) if text}
        first = cells[min(filled)]
        if _FOOTER.match(first):
            after_key = True
            waiting.append(ImportNote(line, "footer skipped"))
            continue
        if all(_at(cells, i) == _at(header.cells, i) for i in required_at):
            waiting.append(ImportNote(line, "repeated header row skipped"))
            continue
        # Below a key, only a row with (nearly) every required cell is an action.
        if after_key and len(filled & required_at) < len(REQUIRED) - 1:
            waiting.append(ImportNote(line, "footer skipped"))
            continue
        # Text in the first cell or two and nothing under the rest: "Priority 1: Need".
        if filled <= {0, 1}:
            waiting.append(ImportNote(line, "section heading skipped"))
            continue
        notes += waiting
        waiting = []
        values = {c: _at(cells, i) for i, c in columns.items()}
        if header.reviews:
            review_cells[line] = {h: _at(cells, i) for i, h in header.reviews.items()}
        if status_at is not None and not values["status"] and colours and status_at in colours:
            colour = colours[status_at]
            if colour == OTHER:
                notes.append(ImportNote(line, "status cell's colour not recognised, left empty"))
            else:
                values["status"] = colour
                notes.append(ImportNote(line, "status read from the cell's colour"))
        body.append((line, values))
    # Below the last action: the table has ended, so what looked like a heading is a footer.
    notes += [
        ImportNote(note.line, "footer skipped") if note.kind == "section heading skipped" else note
        for note in waiting
        if note.kind != "blank row skipped"
    ]
    if not body:
        warnings.append("The file has a header row but no actions under it.")
    return PlanFile(body, warnings, notes, tuple(header.reviews.values()), review_cells)


def _match_header(line: int, cells: list[str], known: dict[str, str]) -> _Header:
    """Which field each cell of a row names, if the row were the header."""
    keys = {heading_key(cell) for cell in cells}
    known = _people_from_accounts(known, keys)
    header = _Header(line, cells, {}, [], [], None)
    seen: dict[str, str] = {}
    for index, heading in enumerate(cells):
        column = field_for(heading, known)
        if column is None:
            if review_heading(heading):
                header.reviews[index] = heading
            elif heading:
                header.ignored.append(heading)
        elif column == IGNORE:
            continue
        elif column in seen:
            header.duplicate = header.duplicate or (column, seen[column], heading)
        elif column not in REQUIRED + OPTIONAL:
            seen[column] = heading
            header.not_kept.append(heading)
        else:
            seen[column] = heading
            header.columns[index] = column
    return header


def _duplicate(header: _Header) -> str:
    assert header.duplicate is not None
    column, first, second = header.duplicate
    return (
        f"The file has two “{column}” columns (“{quote(first)}” and “{quote(second)}”). "
        "Keep one and try again."
    )


def _check_map(path: Path, header: _Header, heading_map: dict[str, str]) -> None:
    """Every heading a map file names must be in the header: a typo in it would go unseen."""
    keys = {heading_key(cell) for cell in header.cells}
    for heading in heading_map:
        if heading_key(heading) not in keys:
            shown = ", ".join(f"“{quote(cell)}”" for cell in header.cells[:SHOWN_IGNORED] if cell)
            raise ImportFileError(
                f"The map file names a heading “{quote(heading)}” that {file_name(path)} does "
                f"not have (line {header.line} has {shown}). Check the map file's spelling."
            )


def _names(header: _Header) -> str:
    ignored = header.ignored
    names = ", ".join(f"“{quote(name)}”" for name in ignored[:SHOWN_IGNORED])
    if len(ignored) > SHOWN_IGNORED:
        names += f" and {len(ignored) - SHOWN_IGNORED:,} more"
    return names


def _people_from_accounts(known: dict[str, str], headings: set[str]) -> dict[str, str]:
    """Read the owner (and SRO) from our export's account columns, not from its name columns."""
    for heading, column in EXPORT_ACCOUNTS.items():
        if heading in headings:
            known = {key: c for key, c in known.items() if c != column} | {heading: column}
    return known


# Checking cells (no database needed)


class _CellError(Exception):
    """One problem with one cell: the message completes “column: …”."""


@dataclass
class _Row:
    line: int
    ref: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # column → value; None = empty cell
    failed: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how cells were read (ImportNote kinds)
    remark: str | None = None  # written beside the ref; kept in the new action's history
    more_owners: list[PersonKey] = field(default_factory=list)  # named in the lead's cell


class _People:
    """Turns owner and SRO cells into people, asking the chat platform about each once. A
    name, a role or an email the platform does not know is a person without a chat account."""

    def __init__(self, directory: ChatDirectory) -> None:
        self.directory = directory
        self._found: dict[str, DirectoryEntry | None] = {}
        self._accounts: dict[str, DirectoryEntry | None] = {}
        # The people kept without a chat account, once each: by their words ignoring case.
        self.without_account: dict[str, str] = {}

    def key(self, text: str) -> PersonKey:
        directory = self.directory
        if directory.is_account_id(text):
            if text not in self._accounts:
                self._accounts[text] = directory.lookup_account(text)
            entry = self._accounts[text] or DirectoryEntry(text)
            platform = entry.platform or directory.platform
            return PersonKey(platform, text, _lower(entry.email), entry.name)
        if len(text) <= MAX_EMAIL and _EMAIL.fullmatch(text):
            email = text.lower()
            if email not in self._found:
                self._found[email] = directory.lookup_email(email)
            found = self._found[email]
            if found is None:
                self.without_account.setdefault(email, text)
                return PersonKey(email=email)
            platform = found.platform or directory.platform
            return PersonKey(platform, found.account_id, email, found.name)
        if looks_mistyped(text) or len(text) > MAX_PERSON_NAME:
            raise _CellError(
                f"“{quote(text)}” is not a {directory.platform_name} user ID, an email address "
                f"or a name — use an ID like {directory.id_example}, the person's work email, "
                "or their name or role."
            )
        named = read_named(text)
        self.without_account.setdefault(named.name.casefold(), named.name)
        return PersonKey(name=named.name, role=named.role)


def _lower(email: str | None) -> str | None:
    return email.lower() if email else None


class _RowParser:
    def __init__(self, people: _People, today: date, status_words: StatusWords) -> None:
        self.people = people
        self.today = today  # for the examples in a refusal, never to read a date against
        self.status_words = status_words
        self._row = _Row(0)

    def parse(self, line: int, cells: dict[str, str]) -> _Row:
        row = self._row = _Row(line)
        for column, text in cells.items():
            try:
                row.values[column] = self._cell(column, text)
            except (_CellError, CellValueError, DateError) as error:
                row.failed.add(column)
                row.problems.append(f"{column}: {error}")
        row.ref = row.values.pop("ref", None) or ""
        if row.more_owners:  # a lead's cell naming two people: the rest are co-owners
            row.values["co_owner"] = row.more_owners + (row.values.get("co_owner") or [])
        return row

    def _cell(self, column: str, text: str) -> Any:
        if column not in MULTILINE:
            text = clean(text, multiline=False).strip()
        if not text:
            if column in REQUIRED:
                raise _CellError(f"the {_WHAT.get(column, column)} is missing.")
            return None
        return self._reader(column)(text)

    def _reader(self, column: str) -> Callable[[str], Any]:
        match column:
            case "ref":
                return self._ref
            case "title":
                return self._title
            case "description" | "success_measures" | "evidence" | "outcome" | "progress":
                return self._description
            case "source":
                return self._source
            case "working_group":
                return self._working_group
            case "owner":
                return self._owners
            case "sro":
                return lambda text: self._person(column, text)
            case "co_owner":
                return lambda text: [self._person(column, part) for part in split_people(text)]
            case "due":
                return self._due
            case "start":
                return self._start
            case "status":
                return self._status
            case "area":
                return self._area
            case "original_due":
                return self._original_due
            case "revised_due" | "approved_on":
                return lambda text: self._date(text, column)
            case "revised_reason":
                return self._description
            case "revised_by":
                return _approver
        raise KeyError(column)

    def _person(self, column: str, text: str) -> PersonKey:
        key = self.people.key(text)
        if key.account_id is None and key.platform is None:
            self._note(f"{_WHO[column]} “{quote(text)}” kept as a person without a chat account")
        return key

    def _owners(self, text: str) -> PersonKey:
        first, *rest = parts = split_people(text)
        if rest:
            self._note(owner_split_note(text, parts))
            self._row.more_owners = [self._person("co_owner", part) for part in rest]
        return self._person("owner", first)

    def _due(self, text: str) -> date | None:
        try:
            return self._date(text, "due")
        except NoDateAgreed as no_date:
            if not is_our_words(text):  # our export's own words need no note
                self._row.notes.append(f"due date {no_date} read as {NO_DATE_AGREED}")
            return None  # no date agreed (SPEC §2)

    def _original_due(self, text: str) -> date | None:
        """Our export writes "No date agreed" here too: an action with none has no original."""
        try:
            return self._date(text, "original_due")
        except NoDateAgreed:
            return None  # as an empty cell: the original stays as it is

    def _start(self, text: str) -> date | None:
        try:
            return self._date(text, "start")
        except NoDateAgreed as no_date:
            self._row.notes.append(f"start date {no_date} left empty (no date agreed)")
            return None

    def _date(self, text: str, column: str) -> date:
        read = read_tracker_date(text, _DATE_WHAT[column])
        if read is None:
            return parse_written_date(text, self.today)
        self._note(read.note)
        return read.value

    def _note(self, note: str | None) -> None:
        if note:
            self._row.notes.append(note)

    def _ref(self, text: str) -> str:
        if (m := _REF_REMARK.fullmatch(text)) and REF_PATTERN.fullmatch(m[1]):
            self._row.remark = m[2]
            self._note(f"reference “{quote(text)}” read as {m[1]}, the remark kept in its history")
            return m[1]
        if not REF_PATTERN.fullmatch(text):
            raise _CellError(
                f"“{quote(text)}” is not an action reference — use up to 20 letters, numbers "
                "and dots, like 1.1, WG3.2 or A12."
            )
        return text

    def _title(self, text: str) -> str:
        return _limited(text, MAX_TITLE, "title")

    def _description(self, text: str) -> str:
        return _limited(text, MAX_NOTE, "text")

    def _source(self, text: str) -> str:
        return _limited(text, MAX_SOURCE, "source")

    def _working_group(self, text: str) -> str:
        return text  # matched against the database's groups in the second pass

    def _status(self, text: str) -> Status:
        read = self.status_words.read(text)
        self._note(read.note)
        return read.value

    def _area(self, text: str) -> list[int]:
        return read_areas(text)


def _limited(text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        raise _CellError(f"the {what} is {len(text):,} characters; the most is {limit:,}.")
    return text


def _parse_rows(
    rows: list[tuple[int, dict[str, str]]],
    people: _People,
    today: date,
    status_words: StatusWords | None = None,
) -> list[_Row]:
    parser = _RowParser(people, today, status_words or StatusWords())
    first_line: dict[str, int] = {}
    parsed = []
    for line, cells in rows:
        row = parser.parse(line, cells)
        if row.ref:
            key = q.ref_key(row.ref)
            if key in first_line:
                row.problems.append(f"ref: {row.ref} already appears on line {first_line[key]}.")
            else:
                first_line[key] = line
        parsed.append(row)
    return parsed


# Checking against the database, then writing


@dataclass(frozen=True)
class _Change:
    attribute: str
    new: Any
    old_text: str | None
    new_text: str | None


@dataclass
class _Plan:
    line: int
    ref: str
    values: dict[str, Any]
    problems: list[str]
    action: Action | None = None
    changes: list[_Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    remark: str | None = None


@dataclass(frozen=True)
class _Lookup:
    groups: list[WorkingGroup]
    areas: dict[int, Area]
    actions: dict[str, Action]  # the existing actions the file names, by ref_key
    progress: dict[int, str]  # their latest progress updates, by action id


@dataclass(frozen=True)
class _Writer:
    now: datetime
    note: str
    today: date  # the day in London: an action that goes blue was achieved on it
    actor_id: int | None = None  # the bot itself: an import is not one person's update


def import_plan(
    db: Database,
    path: Path,
    directory: ChatDirectory,
    *,
    skip_invalid: bool = False,
    now: datetime | None = None,
    status_words: StatusWords | None = None,
    check: bool = False,
    prepare: Callable[[Session], None] | None = None,
    heading_map: dict[str, str] | None = None,
) -> ImportReport:
    """Create or update the actions in a plan file (SPEC §7).

    A ref already in the database is updated field by field, each change with a history row.
    A column missing from the file leaves that field alone; an empty cell clears it, except
    status, where an empty cell keeps the status an action already has.

    `check`: do everything but write — the report says what would be created, updated and left
    unchanged, and the unit of work is rolled back. `prepare` runs first in that same unit of
    work (a check brings the board's groups and areas in, and they go back out with the rest).

    Raises ImportFileError when the file as a whole can't be used. Errors from the directory
    (the chat platform unreachable) propagate: they are not the row's fault, and nothing is
    written yet.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    # The file's risk register, when it has one, comes in beside the actions.
    plan_file, register = risk_import.read_both(
        path, lambda: read_rows(path, heading_map), PlanFile([], [])
    )
    # Emails are looked up here, before any database transaction is open.
    today = now.astimezone(LONDON).date()
    people = _People(directory)
    rows = _parse_rows(plan_file.rows, people, today, status_words)
    risk_rows = risk_import.parse(register, people.key, _CellError, today)
    writer = _Writer(now, f"Imported from {path.name}", today)
    for attempt in range(WRITE_ATTEMPTS):
        try:
            with db.session() as session:
                if prepare is not None:
                    prepare(session)
                plans = _plans(session, rows, now)
                report = _report(plans, plan_file.warnings, today)
                report.notes[:0] = plan_file.notes  # the rows the reading skipped, first
                report.skip_invalid = skip_invalid
                report.without_account = list(people.without_account.values())
                if register is not None:
                    report.risks = risk_import.check(session, risk_rows, now, register)
                if check:
                    _tally(plans, report)
                    _reviews(session, plan_file, plans, report, writer, status_words)
                    if report.risks is not None:
                        risk_import.tally(report.risks)
                    report.checked = True
                    raise _Refused(report)  # leaving by an exception rolls everything back
                if report.refused_rows and not skip_invalid:
                    # The people the checks added go too: a refused file writes nothing at all.
                    raise _Refused(report)
                _write(session, plans, writer, report)
                _reviews(session, plan_file, plans, report, writer, status_words)
                if report.risks is not None:
                    risk_import.write(session, report.risks, now, path.name)
                return report
        except _Refused as refused:
            return refused.report
        except (StaleDataError, IntegrityError):
            # Someone changed or added one of these actions as we wrote: check everything again.
            if attempt == WRITE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _reviews(
    session: Session,
    plan_file: PlanFile,
    plans: list[_Plan],
    report: ImportReport,
    writer: _Writer,
    status_words: StatusWords | None,
) -> None:
    """The file's BRAG and Progress columns per review (bot/review_import.py)."""
    if plan_file.review_headings:
        session.flush()  # the new actions' ids
        rows = [(p.line, p.action) for p in plans if not p.problems]
        import_reviews(
            session,
            plan_file.review_headings,
            plan_file.review_cells,
            rows,
            report,
            writer.now,
            status_words or StatusWords(),
        )


class _Refused(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def _plans(session: Session, rows: list[_Row], now: datetime) -> list[_Plan]:
    people: dict[PersonKey, Person] = {}  # each person once: a plan names a few owners many times
    for row in rows:
        for column in ("owner", "sro"):
            key = row.values.get(column)
            if isinstance(key, PersonKey):
                if key not in people:
                    people[key] = ensure_person(session, now, key)
                row.values[column] = people[key]
        if isinstance(row.values.get("co_owner"), list):
            found = []
            for key in row.values["co_owner"]:
                if key not in people:
                    people[key] = ensure_person(session, now, key)
                found.append(people[key])
            row.values["co_owner"] = co_owners_besides(row.values.get("owner"), found)
    actions = existing_actions(session, {q.ref_key(row.ref) for row in rows if row.ref})
    # The latest progress updates are read only when the file has some to compare with them.
    ids = [a.id for a in actions.values()] if any(r.values.get("progress") for r in rows) else []
    lookup = _Lookup(
        groups=q.groups(session),
        areas={area.number: area for area in q.areas(session)},
        actions=actions,
        progress=latest_progress(session, ids),
    )
    return [_plan(row, lookup) for row in rows]


def existing_actions(session: Session, keys: Iterable[str]) -> dict[str, Action]:
    """The actions with these ref keys, with their areas, by ref key.

    Asked in batches: one IN (…) over every ref in a big file needs more bound parameters than
    a database takes (SQLite 32,766 as built by default; PostgreSQL 65,535)."""
    wanted = sorted(keys)
    found: dict[str, Action] = {}
    for first in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[first : first + LOOKUP_BATCH]
        query = select(Action).where(Action.ref_key.in_(batch)).options(selectinload(Action.areas))
        found.update((action.ref_key, action) for action in session.scalars(query))
    return found


def latest_progress(session: Session, action_ids: Iterable[int]) -> dict[int, str]:
    """Each action's latest progress update (a history row "progress"), by action id; asked in
    batches as existing_actions is."""
    wanted = sorted(action_ids)
    latest: dict[int, str] = {}
    for first in range(0, len(wanted), LOOKUP_BATCH):
        query = (
            select(ActionHistory.action_id, ActionHistory.note)
            .where(ActionHistory.event == "progress")
            .where(ActionHistory.action_id.in_(wanted[first : first + LOOKUP_BATCH]))
            .order_by(ActionHistory.id)
        )
        latest.update((action_id, note or "") for action_id, note in session.execute(query))
    return latest


def _plan(row: _Row, lookup: _Lookup) -> _Plan:
    """Check a row against the database and work out what writing it would change."""
    plan = _Plan(row.line, row.ref, dict(row.values), list(row.problems), notes=list(row.notes))
    plan.remark = row.remark
    plan.action = lookup.actions.get(q.ref_key(row.ref)) if row.ref else None
    _resolve_group(plan, lookup.groups)
    _resolve_areas(plan, lookup.areas)
    redate_import.settle_revised(plan.values)
    _check_dates(plan, row.failed)
    if plan.action is not None and not plan.problems:
        plan.changes = _changes(plan.action, plan.values)
        progress = plan.values.get("progress")
        # A progress update is added only when it is new: importing again adds nothing.
        if progress and progress.strip() != lookup.progress.get(plan.action.id, "").strip():
            plan.changes.append(_Change("progress", progress, None, progress))
        if plan.changes and plan.action.withdrawn_at is not None:
            plan.problems.append(
                f"ref: {plan.action.ref} was withdrawn from the plan, so an import can't change it."
            )
    return plan


def _resolve_group(plan: _Plan, groups: list[WorkingGroup]) -> None:
    text = plan.values.get("working_group")
    if text is None:
        return
    group = _find_group(text, groups)
    if group is None:
        del plan.values["working_group"]
        known = ", ".join(_group_text(g) for g in groups)
        plan.problems.append(
            f"working_group: there is no working group “{quote(text)}” (groups: {known})."
        )
    else:
        plan.values["working_group"] = group
        if read_group(text).workstream:
            plan.notes.append(f"working group “{quote(text)}” read as {_group_text(group)}")


def _find_group(text: str, groups: list[WorkingGroup]) -> WorkingGroup | None:
    """A group by number (“3”, “WG3”, “WS3”), by name (“&” is “and”), or both, as our export
    writes it (“3 SEN Support”) and trackers do (“1. Understanding of Need”): then both must
    name the same group."""
    read = read_group(text)
    by_number = {group.number: group for group in groups}
    by_name = {group_key(group.name): group for group in groups}
    if read.number is None:
        return by_name.get(read.name or "")
    group = by_number.get(read.number)
    if read.name is not None and by_name.get(read.name) is not group:
        return None
    return group


def _resolve_areas(plan: _Plan, areas: dict[int, Area]) -> None:
    if "area" not in plan.values:
        return
    numbers = plan.values["area"] or []
    missing = [str(n) for n in numbers if n not in areas]
    if missing:
        del plan.values["area"]
        known = ", ".join(str(n) for n in sorted(areas)) or "none yet"
        plan.problems.append(f"area: there is no area {_or_list(missing)} (areas: {known}).")
    else:
        plan.values["area"] = [areas[n] for n in numbers]


def _check_dates(plan: _Plan, failed: set[str]) -> None:
    """The start may come from the file or, if the file has no start column, from the database."""
    due = plan.values.get("due")
    if due is None or "start" in failed:
        return
    if "start" in plan.values:
        start = plan.values["start"]
    else:
        start = plan.action.start_date if plan.action else None
    if start is not None and start > due:
        plan.problems.append(
            f"start: the start date {format_long(start)} is after the due date {format_long(due)}."
        )


def _changes(action: Action, values: dict[str, Any]) -> list[_Change]:
    changes = []
    for column, value in values.items():
        if column == "progress":
            continue  # compared with the action's history, in _plan
        change = _COMPARE[column](action, value)
        if change is not None:
            changes.append(change)
    return changes


def _compare_text(attribute: str) -> Callable[[Action, str | None], _Change | None]:
    def compare(action: Action, new: str | None) -> _Change | None:
        old = getattr(action, attribute)
        # Spreadsheets lose leading and trailing spaces; that is not a change.
        if (old or "").strip() == (new or ""):
            return None
        return _Change(attribute, new, old, new)

    return compare


def _compare_plain(attribute: str) -> Callable[[Action, Any], _Change | None]:
    def compare(action: Action, new: Any) -> _Change | None:
        old = getattr(action, attribute)
        if old == new:
            return None
        return _Change(attribute, new, _plain_text(old), _plain_text(new))

    return compare


def _compare_person(attribute: str) -> Callable[[Action, Any], _Change | None]:
    def compare(action: Action, new: Any) -> _Change | None:
        old = getattr(action, attribute)
        if old is new:
            return None
        # History names people by id, as assigning a new owner does.
        return _Change(attribute, new, _person_id(old), _person_id(new))

    return compare


def _person_id(person: Any) -> str | None:
    return str(person.id) if person is not None else None


# History rows name the column a change was to.
_HISTORY_FIELD = {"owner": "owner_id", "sro": "sro_id"}


def _compare_status(action: Action, new: Status | None) -> _Change | None:
    # An empty status cell leaves an existing action's status alone.
    if new is None or Status(action.status) == new:
        return None
    return _Change("status", new, str(Status(action.status)), str(new))


def _compare_group(action: Action, new: WorkingGroup) -> _Change | None:
    if action.working_group_id == new.id:
        return None
    return _Change("working_group", new, _group_text(action.working_group), _group_text(new))


def _compare_areas(action: Action, new: list[Area] | None) -> _Change | None:
    old_numbers = [area.number for area in action.areas]
    new_numbers = [area.number for area in new or []]
    if old_numbers == new_numbers:
        return None
    return _Change("areas", new or [], _areas_text(old_numbers), _areas_text(new_numbers))


_COMPARE: dict[str, Callable[[Action, Any], _Change | None]] = {
    "title": _compare_text("title"),
    "description": _compare_text("description"),
    "success_measures": _compare_text("success_measures"),
    "evidence": _compare_text("evidence"),
    "outcome": _compare_text("outcome"),
    "source": _compare_text("source"),
    "working_group": _compare_group,
    "area": _compare_areas,
    "owner": _compare_person("owner"),
    "sro": _compare_person("sro"),
    "due": _compare_plain("due_date"),
    "start": _compare_plain("start_date"),
    "status": _compare_status,
    "approved_on": lambda action, new: _compare_approved_on(action, new),
    "co_owner": lambda action, new: (
        None
        if same_co_owners(action, new)
        else _Change("co_owners", new or [], ids_text(action.co_owners), ids_text(new or []))
    ),
}
_COMPARE |= {f: _compare_plain(a) for f, a in redate_import.ATTRIBUTES.items()}
_COMPARE["revised_reason"] = _compare_text("due_revised_reason")


def _compare_approved_on(action: Action, new: date | None) -> _Change | None:
    found = redate_import.compare_approved_on(action, new)
    if found is None:
        return None
    return _Change("due_approved_at", found[0], found[1], _plain_text(new))


def _approver(text: str) -> str:
    try:
        return redate_import.read_approver(text)
    except ValueError as error:
        raise _CellError(str(error)) from None


def _report(plans: list[_Plan], warnings: list[str], today: date) -> ImportReport:
    rejected = [RejectedRow(p.line, _reason(p.problems)) for p in plans if p.problems]
    past = [w for p in plans if not p.problems and (w := _past_due_warning(p, today))]
    notes = [ImportNote(p.line, kind) for p in plans for kind in p.notes]
    return ImportReport(rejected=rejected, warnings=list(warnings), past_due=past, notes=notes)


def _past_due_warning(plan: _Plan, today: date) -> str | None:
    """An open action due before today is imported (an old plan has past dates) but said, so
    that nobody takes a typing slip in the file for an overdue action."""
    due = plan.values.get("due")
    status = plan.values.get("status") or (plan.action.status if plan.action else None)
    if not isinstance(due, date) or due >= today or status == Status.BLUE:
        return None
    return (
        f"Line {plan.line}: {plan.ref} is due {format_long(due)}, which is in the past — "
        "imported as it is; it will show as overdue."
    )


def _tally(plans: list[_Plan], report: ImportReport) -> None:
    """What writing would do, for a check: as _write counts, without writing."""
    for plan in plans:
        if plan.problems:
            continue
        if plan.action is None:
            report.created.append(plan.ref)
        elif plan.changes:
            report.updated.append(plan.action.ref)
        else:
            report.unchanged.append(plan.action.ref)


def _write(session: Session, plans: list[_Plan], writer: _Writer, report: ImportReport) -> None:
    for index, plan in enumerate(plans, start=1):
        if index % WRITE_BATCH == 0:
            # New actions nobody holds can then leave memory; all commit together at the end.
            session.flush()
        if plan.problems:
            continue
        if plan.action is None:
            plan.action = _create(plan, writer)
            session.add(plan.action)
            report.created.append(plan.ref)
        elif plan.changes:
            _apply(plan.action, plan.changes, writer)
            report.updated.append(plan.action.ref)
        else:
            report.unchanged.append(plan.action.ref)
    session.flush()
    report.written = True


def _create(plan: _Plan, writer: _Writer) -> Action:
    values = plan.values
    action = Action(
        ref=plan.ref,
        ref_key=q.ref_key(plan.ref),
        title=values["title"],
        description=values.get("description"),
        working_group=values["working_group"],
        owner=values["owner"],
        sro=values.get("sro"),
        start_date=values.get("start"),
        original_due_date=values["due"],
        due_date=values["due"],
        status=values.get("status") or Status.NOT_STARTED,
        success_measures=values.get("success_measures"),
        evidence=values.get("evidence"),
        outcome=values.get("outcome"),
        source=values.get("source"),
        created_at=writer.now,
        last_update_at=writer.now,
    )
    if action.status == Status.BLUE:
        action.achieved_on = writer.today
    action.areas = values.get("area") or []
    redate_import.fill_new(action, values)
    action.co_owners = values.get("co_owner") or []
    note = writer.note
    if plan.remark:
        note += f". The plan's remark on {plan.ref}: {plan.remark}"
    record(action, writer.actor_id, writer.now, "created", note=note)
    if values.get("progress"):
        record(action, writer.actor_id, writer.now, "progress", note=values["progress"])
    return action


def _apply(action: Action, changes: list[_Change], writer: _Writer) -> None:
    # An import adds history rows and never reads them. Recording would first load every old
    # row of every action changed (a query each, and 100,000 rows for a big plan): start from
    # none instead. The rows in the database stay as they are.
    set_committed_value(action, "history", [])
    # A reason the file gives for a new date is kept rather than the import's own note.
    reason_given = any(c.attribute == "due_revised_reason" for c in changes)
    for change in changes:
        if change.attribute == "progress":
            # The plan's commentary, not an owner's report: progress_at stays as it is.
            record(action, writer.actor_id, writer.now, "progress", note=change.new)
            continue
        if change.attribute == "co_owners":
            set_co_owners(action, change.new, writer.actor_id, writer.now, writer.note)
            continue
        record(
            action,
            writer.actor_id,
            writer.now,
            "import",
            _HISTORY_FIELD.get(change.attribute, change.attribute),
            change.old_text,
            change.new_text,
            writer.note,
        )
        setattr(action, change.attribute, change.new)
        if change.attribute == "due_date" and action.original_due_date is None:
            action.original_due_date = change.new  # the first date agreed is the original
        elif change.attribute == "due_date" and not reason_given:
            # The original due date stays; the revision says who changed it, when and why.
            action.due_revised_by = writer.actor_id
            action.due_revised_at = writer.now
            action.due_revised_reason = writer.note
        if change.attribute == "status":
            # A new status is a progress report; other plan edits don't make an action fresh.
            action.last_update_at = writer.now
            action.achieved_on = writer.today if change.new == Status.BLUE else None


# Small helpers


def _group_text(group: WorkingGroup) -> str:
    return f"{group.number} {group.name}"


def _areas_text(numbers: list[int]) -> str | None:
    return "; ".join(str(n) for n in numbers) or None


def _plain_text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _at(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _reason(problems: list[str]) -> str:
    """All of a row's problems (“column: what is wrong.”) on one line, in column order."""
    order = {column: i for i, column in enumerate(REQUIRED + OPTIONAL)}
    problems = sorted(problems, key=lambda p: order.get(p.split(":", 1)[0], len(order)))
    return _one_line("; ".join(p.removesuffix(".") for p in problems) + ".")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
