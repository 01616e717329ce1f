"""Write the plan to a spreadsheet to take to the board (`sendbot export`, `summary export`).

The workbook opens on a Summary sheet (bot/export_front_sheet.py) whose counts are the summary
command's; then the actions still in the plan, the withdrawn ones, the risk register and the
history. Each of those is built as a plain Table first, then written as XLSX or CSV, so a new
sheet is one function in XLSX_TABLES. The CSV holds only the Actions table, with the same
columns, written so that `import_plan` reads it back with nothing changed.

An export is the whole plan, or only some working groups' part of it (a lead's export): then
every sheet holds only those groups' actions, their history and the groups' risks, and says so
in its title.
"""

import contextlib
import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from bot.action_history import describe, people_named
from bot.dates import format_long
from bot.export_front_sheet import FrontSheet, front_sheet, write_front_sheet
from bot.export_style import BOLD, STATUS_COLOUR, WRAPPED, paint
from bot.message_text import Text
from bot.no_date import EXPORT_CELL
from bot.people import refs
from bot.plan_config import DEFAULT_PLAN, PlanConfig
from bot.plan_import import latest_progress, protect_formula
from bot.redate_approval import REDATE_COLUMN_NAMES, awaiting_by_action, redate_cells
from bot.review_snapshots import ReviewColumns, review_columns, take_due_snapshots
from bot.risk_scale import DEFAULT_BANDS, Band, band_of, impact_name, likelihood_name
from bot.status import Status
from storage.database import Database
from storage.models import Action, ActionHistory, Person, Risk, WorkingGroup

LONDON = ZoneInfo("Europe/London")
DATE_FORMAT = "DD/MM/YYYY"  # Excel's number format for date cells
LONG_DATE_FORMAT = "d mmmm yyyy"  # 3 March 2026
CSV_DATE = "%d/%m/%Y"  # what import_plan reads back
# The hidden columns the import reads people from (bot/plan_import.py knows these headings).
OWNER_ACCOUNT = "Owner account"
SRO_ACCOUNT = "Senior responsible officer account"
CO_OWNER_ACCOUNT = "Co-owner account"


@dataclass(frozen=True)
class Coloured:
    """A value shown on a coloured cell in the workbook (BRAG status, risk band)."""

    value: str
    colour: str  # one of BRAG_FILLS


@dataclass(frozen=True)
class Long:
    """A date shown in words (3 March 2026) rather than as 03/03/2026."""

    value: date


Cell = str | int | float | date | Coloured | Long | None


@dataclass(frozen=True)
class Column:
    name: str
    width: int  # in Excel's character widths
    wrap: bool = False  # long text: wrapped within the width
    hidden: bool = False  # for the import, not for people


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: list[list[Cell]]


# Excel refuses a sheet title longer than this.
SHEET_TITLE_LIMIT = 31


@dataclass(frozen=True)
class ExportOptions:
    tz: ZoneInfo = LONDON
    bands: tuple[Band, ...] = DEFAULT_BANDS
    groups: tuple[int, ...] | None = None  # working group numbers; None is the whole plan
    today: date = field(default_factory=lambda: datetime.now(LONDON).date())
    plan: PlanConfig = DEFAULT_PLAN  # its name, officers and advisers, for the front sheet

    def titled(self, title: str) -> str:
        """A sheet's title, naming the groups when the export is not the whole plan."""
        if self.groups is None:
            return title
        *first, last = map(str, self.groups)
        numbers = f"{', '.join(first)} and {last}" if first else last
        scoped = f"{title} (group{'s' if first else ''} {numbers})"
        return scoped if len(scoped) <= SHEET_TITLE_LIMIT else f"{title} (some groups)"


TableBuilder = Callable[[Session, ExportOptions, "PlanActions"], Table]


class ExportError(ValueError):
    """The export can't be written; the message is one plain line saying why."""


# Headings a board member reads. The people's accounts sit in hidden columns at the end, so
# that an export imports back unchanged (the import reads them instead of the names).
REDATE_COLUMNS = tuple(Column(n, w, wrap=n.startswith("Reason")) for n, w in REDATE_COLUMN_NAMES)
ACTION_COLUMNS = (
    Column("Reference", 11),
    Column("Action", 50, wrap=True),
    Column("Description", 50, wrap=True),
    Column("Working group", 32, wrap=True),
    Column("Areas of weakness", 12),
    Column("Owner", 24),
    Column("Senior responsible officer", 24),
    Column("Co-owner", 24),
    Column("Status", 18),
    Column("Start date", 12),
    Column("Original due date", 13),
    Column("Due date", 12),
    Column("Date achieved", 12),
    Column("Reason for new date", 30, wrap=True),
    *REDATE_COLUMNS,
    Column("Intended outcome", 40, wrap=True),
    Column("Success measures", 40, wrap=True),
    Column("Evidence", 40, wrap=True),
    Column("Latest progress update", 40, wrap=True),
    Column("Source", 20, wrap=True),
    Column("Last update", 12),
    Column(OWNER_ACCOUNT, 16, hidden=True),
    Column(SRO_ACCOUNT, 16, hidden=True),
    Column(CO_OWNER_ACCOUNT, 16, hidden=True),
)
WITHDRAWN_COLUMNS = (*ACTION_COLUMNS[:-3], Column("Withdrawn on", 13))

RISK_COLUMNS = (
    Column("Reference", 11),
    Column("Risk", 60, wrap=True),
    Column("Owner", 24),
    Column("Working group", 32, wrap=True),
    Column("Likelihood", 18),
    Column("Impact", 18),
    Column("Score", 14),
    Column("Trend", 12),
    Column("Mitigation", 40, wrap=True),
    Column("Review date", 12),
    Column("Status", 9),
    Column("Last update", 12),
    Column(OWNER_ACCOUNT, 16, hidden=True),  # read back by the import (bot/risk_import.py)
)

HISTORY_COLUMNS = (
    Column("Reference", 11),
    Column("Date", 17),
    Column("Time", 7),
    Column("Who", 24),
    Column("What happened", 80, wrap=True),
)


def export_plan(
    db: Database,
    path: Path,
    *,
    tz: ZoneInfo = LONDON,
    bands: tuple[Band, ...] = DEFAULT_BANDS,
    groups: tuple[int, ...] | None = None,
    today: date | None = None,
    plan: PlanConfig = DEFAULT_PLAN,
) -> int:
    """Write the plan to `path` (.xlsx or .csv); return how many actions it holds.

    Withdrawn actions are on their own sheet and not counted, as in the summary command.
    `groups` keeps only those working groups' actions, history and risks; None writes it all.
    Dates are days in `tz`; `today` is the export's date (now, unless told).
    """
    writer = _WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ExportError(
            f"I can export to .xlsx, .csv or .zip (a CSV file for each sheet), not “{path.suffix}”."
            if path.suffix
            else "Name the export file with .xlsx, .csv or .zip at the end."
        )
    options = ExportOptions(tz, bands, groups, today or datetime.now(tz).date(), plan)
    take_due_snapshots(db, options.today, tz)  # a review that passed with no clock running
    with db.session() as session:
        actions = load_actions(session, options)
        tables = [build(session, options, actions) for build in writer.tables]
        front = front_sheet(session, options, actions) if writer.front else None
    _write_atomically(path, lambda target: writer.write(front, tables, target))
    return len(actions.live)


# The tables


@dataclass(frozen=True)
class PlanActions:
    """The export's actions in plan order, those still in the plan apart from the withdrawn."""

    live: list[Action]
    withdrawn: list[Action]


def _only_groups(query: Select, options: ExportOptions) -> Select:
    """Keep the rows of the export's working groups (a query already joined to WorkingGroup)."""
    if options.groups is None:
        return query
    return query.where(WorkingGroup.number.in_(options.groups))


def load_actions(session: Session, options: ExportOptions) -> PlanActions:
    query = (
        select(Action)
        .join(Action.working_group)
        .options(
            selectinload(Action.areas),
            selectinload(Action.owner, Person.accounts),
            selectinload(Action.sro, Person.accounts),
        )
    )
    actions = sorted(
        session.scalars(_only_groups(query, options)),
        key=lambda a: (a.working_group.number, _natural(a.ref)),
    )
    return PlanActions(
        [a for a in actions if a.withdrawn_at is None],
        [a for a in actions if a.withdrawn_at is not None],
    )


def actions_table(session: Session, options: ExportOptions, actions: PlanActions) -> Table:
    progress = latest_progress(session, [a.id for a in actions.live])
    reviews = review_columns(session, options.today, [a.id for a in actions.live])
    waiting = awaiting_by_action(session)
    rows = [
        [
            *_action_cells(a, options.tz, progress, waiting),
            *_accounts(a),
            *snapshot_cells(reviews, a.id),
        ]
        for a in actions.live
    ]
    return Table(options.titled("Actions"), (*ACTION_COLUMNS, *snapshot_columns(reviews)), rows)


def withdrawn_table(session: Session, options: ExportOptions, actions: PlanActions) -> Table:
    progress = latest_progress(session, [a.id for a in actions.withdrawn])
    rows = [
        [*_action_cells(a, options.tz, progress), _local_day(a.withdrawn_at, options.tz)]
        for a in actions.withdrawn
    ]
    return Table(options.titled("Withdrawn"), WITHDRAWN_COLUMNS, rows)


def _action_cells(
    action: Action, tz: ZoneInfo, progress: dict[int, str], waiting: dict | None = None
) -> list[Cell]:
    return [
        action.ref,
        action.title,
        action.description,
        group_name(action.working_group),
        "; ".join(str(area.number) for area in action.areas) or None,
        person_name(action.owner),
        person_name(action.sro) if action.sro else None,
        "; ".join(person_name(p) for p in action.co_owners) or None,
        Coloured(Status(action.status).label, STATUS_COLOUR[action.status]),
        action.start_date,
        action.original_due_date or EXPORT_CELL,
        action.due_date or EXPORT_CELL,
        action.achieved_on,
        action.due_revised_reason,
        *redate_cells(action, tz, waiting or {}),
        action.outcome,
        action.success_measures,
        action.evidence,
        progress.get(action.id),
        action.source,
        _local_day(action.last_update_at, tz),
    ]


def _accounts(action: Action) -> list[Cell]:
    co_owners = "; ".join(key for p in action.co_owners if (key := _person_key(p)))
    return [_person_key(action.owner), _person_key(action.sro), co_owners or None]


def snapshot_columns(reviews: ReviewColumns) -> list[Column]:
    """One BRAG and one Progress column per review, oldest first (bot/review_snapshots.py)."""
    return [
        column
        for label in reviews.labels
        for column in (Column(f"BRAG {label}", 18), Column(f"Progress {label}", 40, wrap=True))
    ]


def snapshot_cells(reviews: ReviewColumns, action_id: int) -> list[Cell]:
    cells: list[Cell] = []
    for state in reviews.cells(action_id):
        if state is None:
            cells += [None, None]
        else:
            status = Status(state.brag)
            cells += [Coloured(status.label, STATUS_COLOUR[status]), state.progress]
    return cells


def history_table(session: Session, options: ExportOptions, actions: PlanActions) -> Table:
    query = (
        select(ActionHistory, Action.ref)
        .join(Action, ActionHistory.action_id == Action.id)
        .join(Action.working_group)
        .order_by(ActionHistory.id)
    )
    # sorted() is stable, so each action's history stays in the order it happened.
    entries = sorted(
        session.execute(_only_groups(query, options)).all(), key=lambda pair: _natural(pair[1])
    )
    named = refs(session, people_named([entry for entry, _ in entries]))
    rows: list[list[Cell]] = []
    for entry, ref in entries:
        line = describe(entry, options.tz, named)
        rows.append(
            [
                ref,
                Long(line.on),
                entry.at.astimezone(options.tz).strftime("%H:%M"),
                person_name(entry.actor) if entry.actor else "The plan import",
                _names_only(line.summary),
            ]
        )
    return Table(options.titled("History"), HISTORY_COLUMNS, rows)


def risks_table(session: Session, options: ExportOptions, actions: PlanActions) -> Table:
    """The risk register, highest score first, with every field of SPEC §2."""
    query = select(Risk).order_by((Risk.likelihood * Risk.impact).desc(), Risk.number)
    if options.groups is not None:
        # Inner join: a risk logged against no group belongs to no lead's export.
        query = _only_groups(query.join(Risk.working_group), options)
    rows: list[list[Cell]] = []
    for risk in session.scalars(query):
        band = band_of(risk.score, options.bands)
        rows.append(
            [
                risk.ref,
                risk.description,
                person_name(risk.owner),
                group_name(risk.working_group) if risk.working_group else None,
                f"{risk.likelihood} ({likelihood_name(risk.likelihood).lower()})",
                f"{risk.impact} ({impact_name(risk.impact).lower()})",
                Coloured(f"{risk.score} ({band.name})", band.colour),
                TREND_WORDS.get(risk.trend or "", "Not reviewed yet"),
                risk.mitigation,
                risk.review_date,
                risk.status.capitalize(),
                _local_day(risk.updated_at, options.tz),
                _person_key(risk.owner),
            ]
        )
    return Table(options.titled("Risks"), RISK_COLUMNS, rows)


TREND_WORDS = {"up": "Rising", "down": "Falling", "same": "No change"}

# Each builder is one sheet of the workbook, after the Summary sheet.
XLSX_TABLES: list[TableBuilder] = [actions_table, withdrawn_table, risks_table, history_table]
CSV_TABLES: list[TableBuilder] = [actions_table]


def person_name(person: Person | None) -> str:
    """A person as a board member knows them: their name, else their email."""
    if person is None:
        return "(no name)"
    return person.name or person.email or "(no name)"


def group_name(group: WorkingGroup) -> str:
    """As the import reads a group back: its number and name."""
    return f"{group.number} {group.name}"


def _person_key(person: Person | None) -> str | None:
    """How the import finds the person again: their chat account, else their email."""
    if person is None:
        return None
    if person.accounts:
        return person.accounts[0].account_id
    return person.email or person.name


def _names_only(summary: Text) -> str:
    """A history line with each person mentioned by name, as a board member reads it."""
    return "".join(
        p if isinstance(p, str) else p.person.name or p.person.email or "(no name)" for p in summary
    )


def _local_day(moment: datetime | None, tz: ZoneInfo) -> date | None:
    return moment.astimezone(tz).date() if moment else None


def _natural(ref: str) -> tuple:
    """Sort 1.2 before 1.10: compare runs of digits as numbers."""
    parts = re.split(r"(\d+)", ref.upper(), flags=re.ASCII)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


# The writers


def _write_xlsx(front: "FrontSheet | None", tables: list[Table], path: Path) -> None:
    # Write-only: each row goes straight to the file, so 10,000 actions cost little memory and
    # half the time a workbook held whole would.
    workbook = Workbook(write_only=True)
    if front is not None:
        write_front_sheet(workbook.create_sheet(front.title), front)
    for table in tables:
        _fill_sheet(workbook.create_sheet(table.title), table)
    try:
        workbook.save(path)
    except BaseException:
        # Finish each sheet's stream now, or it complains when collected, long after.
        for sheet in workbook.worksheets:
            with contextlib.suppress(Exception):
                sheet.close()
        raise


def _fill_sheet(sheet: WriteOnlyWorksheet, table: Table) -> None:
    # A write-only sheet takes its columns and panes before its first row.
    for index, column in enumerate(table.columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        dimension.hidden = column.hidden
    sheet.freeze_panes = "B2"  # the header row and each row's reference stay in view
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    sheet.append([_header(sheet, column.name) for column in table.columns])
    wraps = [column.wrap for column in table.columns]
    for row in table.rows:
        sheet.append([_cell(sheet, value, wrap) for value, wrap in zip(row, wraps, strict=True)])


def _header(sheet: WriteOnlyWorksheet, name: str) -> XlCell:
    cell = WriteOnlyCell(sheet, name)
    cell.font, cell.alignment = BOLD, WRAPPED
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: Cell, wrap: bool = False) -> XlCell | None:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet)
    if isinstance(value, Coloured):
        paint(cell, value.colour)
        value = value.value
    if isinstance(value, Long):
        cell.value = value.value
        cell.number_format = LONG_DATE_FORMAT
    elif isinstance(value, str):
        # openpyxl refuses control characters, and would store “=…” as a formula: a note
        # typed in Slack must stay text, never something Excel runs.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
    if wrap:
        cell.alignment = WRAPPED
    return cell


def _write_csv(front: "FrontSheet | None", tables: list[Table], path: Path) -> None:
    (table,) = tables
    path.write_bytes(_csv_bytes(table))


def _write_zip(front: "FrontSheet | None", tables: list[Table], path: Path) -> None:
    """Every table sheet of the workbook as its own CSV file, in one zip."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{_file_stem(table.title)}.csv", _csv_bytes(table))


def _file_stem(title: str) -> str:
    """A sheet's title as a file name: "Actions (groups 1 and 3)" is actions-groups-1-and-3."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _csv_bytes(table: Table) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow([column.name for column in table.columns])
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    # utf-8-sig: the byte order mark makes Excel read the file as UTF-8 (names with accents).
    return text.getvalue().encode("utf-8-sig")


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Coloured):
        value = value.value
    if isinstance(value, Long):
        return format_long(value.value)
    if isinstance(value, date):
        return value.strftime(CSV_DATE)
    return protect_formula(str(value))


@dataclass(frozen=True)
class _Writer:
    tables: list[TableBuilder]
    write: Callable[["FrontSheet | None", list[Table], Path], None]
    front: bool = False  # whether the file opens on the Summary sheet


_WRITERS = {
    ".xlsx": _Writer(XLSX_TABLES, _write_xlsx, front=True),
    ".csv": _Writer(CSV_TABLES, _write_csv),
    ".zip": _Writer(XLSX_TABLES, _write_zip),
}


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write beside the target, then rename, so a failed export never leaves half a file."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=path.suffix)
    except OSError as error:
        raise ExportError(f"Can't write to {path.parent}: {error.strerror}.") from None
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except OSError as error:
        raise ExportError(f"Can't write {path.name}: {error.strerror}.") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
