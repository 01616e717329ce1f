"""Read a plan file (CSV or XLSX) row by row, within bounds that no real plan comes near.

A file is refused in one plain line as soon as it crosses a bound: before it is opened when it
is too big, while it is read when it has too many rows. Rows are read as a stream and a file
over a bound is never held whole. What the columns mean is plan_import's business, not ours.
"""

import csv
import re
import stat
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat
from operator import is_
from pathlib import Path
from typing import NamedTuple

from openpyxl import load_workbook
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.utils.cell import range_boundaries

from bot.clean_text import clean
from bot.csv_encoding import Encoding, NotText
from bot.csv_encoding import detect as detect_encoding
from bot.fill_colours import fill_status, theme_colours
from bot.xlsx_bounds import MB, UnsafeWorkbook, check_workbook, megabytes

# A board's plan has dozens to a few hundred actions. The benchmarks' plan of 10,000 actions
# exports to 2.3 MB as CSV and 0.8 MB as XLSX; 20 MB leaves room for long text and pictures.
MAX_FILE_BYTES = 20 * MB
# Rows with something in them under the header, one per action: the benchmarks' largest plan.
MAX_ROWS = 10_000
# Rows of any kind, blank ones too: as many as Excel itself allows in a sheet. Blank rows are
# skipped, so without this a sheet claiming a billion of them would keep the import busy.
MAX_LINES = 1_048_576
# Cells read from each row; a plan uses fewer than 30 columns. Without a bound, one cell in an
# XLSX sheet's last column (XFD) makes openpyxl build 16,384 cells for every row.
MAX_COLUMNS = 256
# Spreadsheet programs run a cell starting with one of these as a formula. Our CSV export puts
# an apostrophe in front (as Excel itself does) and the import takes it off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTE_LIMIT = 40
# Merged cells carried down in one sheet; a tracker merges an SRO or a group over a few rows,
# a few hundred times at most.
MAX_MERGES = 20_000
_MERGE = re.compile(
    rb'<(?:[\w.-]+:)?mergeCell\s[^>]*?ref="([A-Za-z]{1,3}\d{1,7}:[A-Za-z]{1,3}\d{1,7})"'
)
_CHUNK = 1 << 20

Row = tuple[int, list[str]]  # the file's line (CSV) or sheet row (XLSX), and its cells as text


class SheetRow(NamedTuple):
    """One row of a sheet, blank ones too (no cells), with what the cells hold as text.

    colours: for a cell with no text but a fill, the BRAG colour it is filled with (or
    bot.fill_colours.OTHER), by position; trackers colour their RAG cells instead of writing."""

    line: int
    cells: list[str]
    colours: dict[int, str] | None = None


@dataclass
class Sheet:
    """A sheet of a workbook (a CSV file is one) and its rows, read as they are asked for."""

    name: str
    rows: Iterator[SheetRow]
    note: str | None = None  # how the file was read, when the report should say (its encoding)


class ImportFileError(ValueError):
    """The file as a whole can't be read; the message is one plain line saying why."""


def plan_rows(path: Path) -> Iterator[Row]:
    """The rows of a plan file's first sheet that have something in them, the header first.

    Raises ImportFileError, while reading, when the file can't be read or crosses a bound."""
    for sheet in plan_sheets(path):
        yield from ((row.line, row.cells) for row in sheet.rows if row.cells)
        return


def plan_sheets(path: Path) -> Iterator[Sheet]:
    """The sheets a plan may be on, in the order to look: a CSV file is one sheet; a workbook's
    sheets in order, but our own export's Actions sheet first. Each sheet's rows are read, within
    the bounds, only as they are asked for, and no longer once the next sheet is asked for.

    Raises ImportFileError, while reading, when the file can't be read or crosses a bound."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        encoding = _encoding(path)
        yield Sheet(path.name, _bounded(path, _csv_rows(path, encoding)), encoding.note)
    elif suffix == ".xlsx":
        yield from _xlsx_sheets(path)
    else:
        raise ImportFileError(
            f"{file_name(path)} is not a .csv or .xlsx file — save the plan as "
            "“CSV UTF-8” or as an Excel workbook (.xlsx)."
        )


def _bounded(path: Path, rows: Iterator[SheetRow]) -> Iterator[SheetRow]:
    filled = 0
    for lines, row in enumerate(rows, start=1):
        if lines > MAX_LINES:
            raise ImportFileError(
                f"{file_name(path)} has more than {MAX_LINES:,} rows counting blank ones, more "
                "than a spreadsheet holds. Delete the empty rows below the plan and try again."
            )
        if row.cells:
            filled += 1
            if filled > MAX_ROWS + 1:  # the header and MAX_ROWS actions
                raise ImportFileError(
                    f"{file_name(path)} has more than {MAX_ROWS:,} rows under its header; an "
                    f"import takes at most {MAX_ROWS:,} actions. Split the plan into smaller files."
                )
        yield row


def _check_file(path: Path) -> None:
    """Before the file is opened: a file of a size to read, not a pipe or device that may never
    end."""
    try:
        status = path.stat()
    except OSError as error:
        raise ImportFileError(f"Can't open {file_name(path)}: {error.strerror}.") from None
    if not stat.S_ISREG(status.st_mode):
        raise ImportFileError(f"{file_name(path)} is not a file. Save the plan to a file first.")
    if status.st_size > MAX_FILE_BYTES:
        raise ImportFileError(
            f"{file_name(path)} is {megabytes(status.st_size)}; an import takes files of up "
            f"to {MAX_FILE_BYTES // MB} MB. Check it is the plan, or split it into smaller files."
        )


def _encoding(path: Path) -> Encoding:
    _check_file(path)
    try:
        return detect_encoding(path)
    except NotText:
        raise ImportFileError(
            f"{file_name(path)} is not text in UTF-8 or in Excel's older encoding — in Excel "
            "choose Save As › “CSV UTF-8”."
        ) from None
    except OSError as error:
        raise ImportFileError(f"Can't open {file_name(path)}: {error.strerror}.") from None


def _csv_rows(path: Path, encoding: Encoding) -> Iterator[SheetRow]:
    start = 1
    try:
        # utf-8-sig also reads files that begin with a byte order mark, as Excel writes them.
        with path.open(encoding=encoding.codec, newline="") as file:
            reader = csv.reader(file, delimiter=encoding.delimiter)
            for cells in reader:
                texts = [_clean_cell(unprotect_formula(c)) for c in cells[:MAX_COLUMNS]]
                yield SheetRow(start, texts if any(texts) else [])
                # A quoted cell may span lines; the next row starts after this one ends.
                start = reader.line_num + 1
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{file_name(path)} is not UTF-8 text — in Excel choose Save As › “CSV UTF-8”."
        ) from None
    except csv.Error as error:
        raise ImportFileError(f"Line {start} of the file can't be read as CSV: {error}.") from None
    except OSError as error:
        raise ImportFileError(f"Can't open {file_name(path)}: {error.strerror}.") from None


def _xlsx_sheets(path: Path) -> Iterator[Sheet]:
    _check_file(path)
    unreadable = f"{file_name(path)} can't be read as an Excel workbook (.xlsx)."
    try:
        raw = path.open("rb")
    except OSError as error:
        raise ImportFileError(f"Can't open {file_name(path)}: {error.strerror}.") from None
    # One open file for the checks and for openpyxl: what was checked is what is read.
    with raw, warnings.catch_warnings():
        # openpyxl warns about parts it skips (data validation, styles); the import needs none.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        try:
            with zipfile.ZipFile(raw) as archive:
                check_workbook(archive)
            # data_only: a formula cell gives the value Excel last worked out, not its formula.
            workbook = load_workbook(raw, read_only=True, data_only=True, keep_links=False)
        except UnsafeWorkbook as error:
            raise ImportFileError(f"{file_name(path)} {error}") from None
        except Exception:  # openpyxl raises many kinds of error for a damaged or misnamed file
            raise ImportFileError(unreadable) from None
        try:
            theme = theme_colours(getattr(workbook, "loaded_theme", None))
            for sheet in _in_order(workbook.worksheets):
                rows = _bounded(path, _sheet_rows(sheet, theme, unreadable))
                try:
                    yield Sheet(sheet.title, rows)
                finally:
                    rows.close()  # the sheet's part is closed before the next is opened
        finally:
            workbook.close()


def _in_order(sheets: list) -> list:
    """Workbook order; in our own export, which opens on a Summary, its Actions sheet first."""
    if sheets and sheets[0].title.startswith("Summary"):
        actions = [s for s in sheets if s.title.startswith("Actions")]
        return actions + [s for s in sheets if s not in actions]
    return sheets


def _sheet_rows(sheet, theme: tuple[str, ...], unreadable: str) -> Iterator[SheetRow]:
    try:
        merged = _MergedCells(_merged_ranges(sheet))
        # The size a sheet declares may be wrong; rows past it would be silently left out.
        sheet.reset_dimensions()
        # Read-only sheets yield a row for every row, blank ones too, so numbers match Excel's.
        # Cells, not values: a RAG cell may say what it says by its fill alone.
        rows = sheet.iter_rows(max_col=MAX_COLUMNS)
        fills: dict[int, str | None] = {}
        for line, cells in enumerate(rows, start=1):
            # A blank row, however wide, is passed over at C speed: a sheet may hold a million.
            if all(map(is_, cells, repeat(EMPTY_CELL))):
                yield merged.carry(SheetRow(line, []))
                continue
            texts = [_cell_text(cell.value) for cell in cells]
            if not any(texts):
                yield merged.carry(SheetRow(line, []))
                continue
            colours = {}
            for index, cell in enumerate(cells):
                if not texts[index] and cell is not EMPTY_CELL and cell.has_style:
                    fill = cell.fill
                    if id(fill) not in fills:
                        fills[id(fill)] = fill_status(fill, theme)
                    if fills[id(fill)]:
                        colours[index] = fills[id(fill)]
            yield merged.carry(SheetRow(line, texts, colours))
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(unreadable) from None


def _merged_ranges(sheet) -> list[tuple[int, int, int, int]]:
    """The sheet's merged cells that span rows, as (column, first row, last column, last row).

    Read-only openpyxl streams rows and never reads merges, which come after the rows in the
    sheet's XML; they are found there first, by a scan that costs far less than a parse."""
    found = []
    tail = b""
    # openpyxl has no public way to this sheet's part; its own reader opens it so.
    with sheet._get_source() as source:
        while chunk := source.read(_CHUNK):
            text = tail + chunk
            cut = max(text.rfind(b"<"), len(text) - 200) if len(chunk) == _CHUNK else len(text)
            for match in _MERGE.finditer(text, 0, cut):
                first_col, first_row, last_col, last_row = range_boundaries(match[1].decode())
                if last_row > first_row and first_col <= MAX_COLUMNS:
                    found.append((first_col, first_row, last_col, last_row))
                    if len(found) > MAX_MERGES:
                        raise ImportFileError(
                            f"The sheet “{quote(sheet.title)}” has more than {MAX_MERGES:,} "
                            "merged cells. Unmerge them, or save the plan as “CSV UTF-8”, and "
                            "import that."
                        )
            tail = text[cut:]
    return found


class _MergedCells:
    """Carries a merged cell's value (and fill) down to each row it covers: an SRO merged over
    three rows is the SRO of each."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        self.starts: dict[int, list[tuple[int, int]]] = {}
        for first_col, first_row, _, last_row in ranges:
            self.starts.setdefault(first_row, []).append((first_col - 1, last_row))
        self.active: list[tuple[int, int, str, str | None]] = []

    def carry(self, row: SheetRow) -> SheetRow:
        if not self.starts and not self.active:
            return row
        line, cells, colours = row
        self.active = [merge for merge in self.active if merge[1] >= line]
        if cells:
            for index, _, text, colour in self.active:
                if index < len(cells) and not cells[index]:
                    cells[index] = text
                    if colour and colours is not None:
                        colours[index] = colour
        for index, last_row in self.starts.pop(line, ()):
            text = cells[index] if index < len(cells) else ""
            colour = colours.get(index) if colours else None
            if text or colour:
                self.active.append((index, last_row, text, colour))
        return row


def _cell_text(value: object) -> str:
    """Spreadsheet cells hold numbers and dates as well as text; read them all as text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps every number as a float: group 3 arrives as 3.0
    return _clean_cell(str(value))


def _clean_cell(text: str) -> str:
    # Cleaned as they are read, so headings, blank rows and the comparison with what is stored
    # see the same text the database will keep (bot/clean_text.py).
    return clean(text, multiline=True).strip()


def protect_formula(text: str) -> str:
    """Stop a spreadsheet running text that looks like a formula (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unprotect_formula(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def file_name(path: Path) -> str:
    return f"“{quote(path.name)}”"


def quote(text: str) -> str:
    """User text inside a message: on one line and short enough to read."""
    shown = " ".join(text.split())
    return shown if len(shown) <= _QUOTE_LIMIT else shown[: _QUOTE_LIMIT - 1].rstrip() + "…"
