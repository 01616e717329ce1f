"""Write the plan to a spreadsheet (`sendbot export`, `summary export`).

Each sheet is built as a plain Table first, then written as XLSX or CSV, so a new sheet is one
function in XLSX_TABLES (actions, the risk register, history). The CSV holds only the
Actions table, written so that `import_plan` reads it back with nothing changed.

An export is the whole plan, or only some working groups' part of it (a lead's export): then
every sheet holds only those groups' actions, their history and the groups' risks, and says so
in its title.
"""

import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from bot.plan_import import protect_formula
from bot.risk_scale import DEFAULT_BANDS, Band, band_of, impact_name, likelihood_name
from bot.status import Status
from storage.database import Database
from storage.models import Action, ActionHistory, Person, Risk, WorkingGroup

LONDON = ZoneInfo("Europe/London")
DATE_FORMAT = "DD/MM/YYYY"  # Excel's number format for date cells
CSV_DATE = "%d/%m/%Y"  # what import_plan reads back


@dataclass(frozen=True)
class Coloured:
    """A value shown on a coloured cell in the workbook (BRAG status, risk band)."""

    value: str
    colour: str  # one of BRAG_FILLS


# GOV.UK colours; white text on the dark ones so the words stay readable.
BRAG_FILLS = {
    "blue": ("1D70B8", "FFFFFF"),
    "green": ("00703C", "FFFFFF"),
    "amber": ("F47738", "0B0C0C"),
    "red": ("D4351C", "FFFFFF"),
    "grey": ("B1B4B6", "0B0C0C"),
}
STATUS_COLOUR = {
    "not started": "grey",
    "red": "red",
    "amber": "amber",
    "green": "green",
    "blue": "blue",
}

Cell = str | int | date | Coloured | None


@dataclass(frozen=True)
class Column:
    name: str
    width: int  # in Excel's character widths


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

    def titled(self, title: str) -> str:
        """A sheet's title, naming the groups when the export is not the whole plan."""
        if self.groups is None:
            return title
        scoped = f"{title} (WG {', '.join(map(str, self.groups))})"
        return scoped if len(scoped) <= SHEET_TITLE_LIMIT else f"{title} (some groups)"


TableBuilder = Callable[[Session, ExportOptions], Table]


class ExportError(ValueError):
    """The export can't be written; the message is one plain line saying why."""


ACTION_COLUMNS = (
    Column("ref", 10),
    Column("title", 50),
    Column("description", 50),
    Column("working_group", 32),
    Column("areas", 10),
    Column("owner", 14),
    Column("owner_name", 24),
    Column("sro", 14),
    Column("status", 18),
    Column("start", 12),
    Column("original_due", 13),
    Column("due", 12),
    Column("due_revised_reason", 30),
    Column("success_measures", 40),
    Column("evidence", 40),
    Column("source", 20),
    Column("last_update", 12),
    Column("withdrawn", 12),
)

RISK_COLUMNS = (
    Column("ref", 8),
    Column("description", 60),
    Column("owner", 14),
    Column("owner_name", 24),
    Column("working_group", 32),
    Column("likelihood", 10),
    Column("likelihood_name", 16),
    Column("impact", 8),
    Column("impact_name", 14),
    Column("score", 7),
    Column("band", 9),
    Column("trend", 7),
    Column("mitigation", 40),
    Column("review_date", 12),
    Column("status", 8),
    Column("last_update", 12),
)

HISTORY_COLUMNS = (
    Column("ref", 10),
    Column("when", 26),
    Column("who", 14),
    Column("event", 10),
    Column("field", 18),
    Column("from", 30),
    Column("to", 30),
    Column("note", 50),
)


def export_plan(
    db: Database,
    path: Path,
    *,
    tz: ZoneInfo = LONDON,
    bands: tuple[Band, ...] = DEFAULT_BANDS,
    groups: tuple[int, ...] | None = None,
) -> int:
    """Write the plan to `path` (.xlsx or .csv); return how many actions were written.

    `groups` keeps only those working groups' actions, history and risks; None writes it all.
    Timestamps shown as dates (last update, withdrawn) are days in `tz`; history times are UTC.
    """
    writer = _WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ExportError(
            f"I can export to .xlsx, .csv or .zip (a CSV file for each sheet), not “{path.suffix}”."
            if path.suffix
            else "Name the export file with .xlsx, .csv or .zip at the end."
        )
    with db.session() as session:
        tables = [build(session, ExportOptions(tz, bands, groups)) for build in writer.tables]
    _write_atomically(path, lambda target: writer.write(tables, target))
    return len(tables[0].rows)


# The tables


def _only_groups(query: Select, options: ExportOptions) -> Select:
    """Keep the rows of the export's working groups (a query already joined to WorkingGroup)."""
    if options.groups is None:
        return query
    return query.where(WorkingGroup.number.in_(options.groups))


def actions_table(session: Session, options: ExportOptions) -> Table:
    query = select(Action).join(Action.working_group).options(selectinload(Action.areas))
    actions = sorted(
        session.scalars(_only_groups(query, options)),
        key=lambda a: (a.working_group.number, _natural(a.ref)),
    )
    rows = [_action_row(a, options.tz) for a in actions]
    return Table(options.titled("Actions"), ACTION_COLUMNS, rows)


def _action_row(action: Action, tz: ZoneInfo) -> list[Cell]:
    group = action.working_group
    return [
        action.ref,
        action.title,
        action.description,
        f"{group.number} {group.name}",
        "; ".join(str(area.number) for area in action.areas) or None,
        _person_cell(action.owner),
        action.owner.name,
        _person_cell(action.sro),
        Coloured(Status(action.status).label, STATUS_COLOUR[action.status]),
        action.start_date,
        action.original_due_date,
        action.due_date,
        action.due_revised_reason,
        action.success_measures,
        action.evidence,
        action.source,
        _local_day(action.last_update_at, tz),
        _local_day(action.withdrawn_at, tz),
    ]


def history_table(session: Session, options: ExportOptions) -> Table:
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
    rows: list[list[Cell]] = [
        [
            ref,
            entry.at.astimezone(UTC).isoformat(timespec="seconds"),
            _who(entry.actor),
            entry.event,
            entry.field,
            entry.old_value,
            entry.new_value,
            entry.note,
        ]
        for entry, ref in entries
    ]
    return Table(options.titled("History"), HISTORY_COLUMNS, rows)


def risks_table(session: Session, options: ExportOptions) -> Table:
    """The risk register, highest score first, with every field of SPEC §2."""
    query = select(Risk).order_by((Risk.likelihood * Risk.impact).desc(), Risk.number)
    if options.groups is not None:
        # Inner join: a risk logged against no group belongs to no lead's export.
        query = _only_groups(query.join(Risk.working_group), options)
    risks = session.scalars(query)
    rows: list[list[Cell]] = []
    for risk in risks:
        group = risk.working_group
        band = band_of(risk.score, options.bands)
        rows.append(
            [
                risk.ref,
                risk.description,
                _person_cell(risk.owner),
                risk.owner.name,
                f"{group.number} {group.name}" if group else None,
                risk.likelihood,
                likelihood_name(risk.likelihood),
                risk.impact,
                impact_name(risk.impact),
                risk.score,
                Coloured(band.name, band.colour),
                risk.trend,
                risk.mitigation,
                risk.review_date,
                risk.status,
                _local_day(risk.updated_at, options.tz),
            ]
        )
    return Table(options.titled("Risks"), RISK_COLUMNS, rows)


# Each builder is one sheet of the workbook.
XLSX_TABLES: list[TableBuilder] = [actions_table, risks_table, history_table]
CSV_TABLES: list[TableBuilder] = [actions_table]


def _person_cell(person: Person | None) -> str | None:
    """How the import finds the person again: their chat account, else their email."""
    if person is None:
        return None
    if person.accounts:
        return person.accounts[0].account_id
    return person.email or person.name


def _who(person: Person | None) -> str:
    if person is None:
        return "the plan import"
    return person.name or _person_cell(person) or f"person {person.id}"


def _local_day(moment: datetime | None, tz: ZoneInfo) -> date | None:
    return moment.astimezone(tz).date() if moment else None


def _natural(ref: str) -> tuple:
    """Sort 1.2 before 1.10: compare runs of digits as numbers."""
    parts = re.split(r"(\d+)", ref.upper(), flags=re.ASCII)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


# The writers


def _write_xlsx(tables: list[Table], path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        _fill_sheet(workbook.create_sheet(table.title), table)
    workbook.save(path)


def _fill_sheet(sheet: Worksheet, table: Table) -> None:
    bold = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = bold
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row_number, row in enumerate(table.rows, start=2):
        for index, value in enumerate(row, start=1):
            _set_cell(sheet, row_number, index, value)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _set_cell(sheet: Worksheet, row: int, column: int, value: Cell) -> None:
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Coloured):
        fill, font = BRAG_FILLS[value.colour]
        cell.fill = PatternFill(start_color=fill, end_color=fill, fill_type="solid")
        cell.font = Font(color=font, bold=True)
        value = value.value
    if isinstance(value, str):
        # openpyxl refuses control characters, and would store “=…” as a formula: a note
        # typed in Slack must stay text, never something Excel runs.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT


def _write_csv(tables: list[Table], path: Path) -> None:
    (table,) = tables
    path.write_bytes(_csv_bytes(table))


def _write_zip(tables: list[Table], path: Path) -> None:
    """Every sheet of the workbook as its own CSV file, in one zip."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{_file_stem(table.title)}.csv", _csv_bytes(table))


def _file_stem(title: str) -> str:
    """A sheet's title as a file name: "Actions (WG 1, 3)" is actions-wg-1-3."""
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
    if isinstance(value, date):
        return value.strftime(CSV_DATE)
    return protect_formula(str(value))


@dataclass(frozen=True)
class _Writer:
    tables: list[TableBuilder]
    write: Callable[[list[Table], Path], None]


_WRITERS = {
    ".xlsx": _Writer(XLSX_TABLES, _write_xlsx),
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
