"""Read a plan file (CSV or XLSX) row by row, within bounds that no real plan comes near.

A file is refused in one plain line as soon as it crosses a bound: before it is opened when it
is too big, while it is read when it has too many rows. Rows are read as a stream and a file
over a bound is never held whole. What the columns mean is plan_import's business, not ours.
"""

import csv
import stat
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.clean_text import clean
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

Row = tuple[int, list[str]]  # the file's line (CSV) or sheet row (XLSX), and its cells as text


class ImportFileError(ValueError):
    """The file as a whole can't be read; the message is one plain line saying why."""


def plan_rows(path: Path) -> Iterator[Row]:
    """The rows of a plan file that have something in them, the header first.

    Raises ImportFileError, while reading, when the file can't be read or crosses a bound."""
    reader = {".csv": _csv_rows, ".xlsx": _xlsx_rows}.get(path.suffix.lower())
    if reader is None:
        raise ImportFileError(
            f"{file_name(path)} is not a .csv or .xlsx file — save the plan as "
            "“CSV UTF-8” or as an Excel workbook (.xlsx)."
        )
    return _bounded(path, reader(path))


def _bounded(path: Path, rows: Iterator[Row]) -> Iterator[Row]:
    lines = filled = 0
    for line, cells in rows:
        lines += 1
        if lines > MAX_LINES:
            raise ImportFileError(
                f"{file_name(path)} has more than {MAX_LINES:,} rows counting blank ones, more "
                "than a spreadsheet holds. Delete the empty rows below the plan and try again."
            )
        if not any(cells):
            continue
        filled += 1
        if filled > MAX_ROWS + 1:  # the header and MAX_ROWS actions
            raise ImportFileError(
                f"{file_name(path)} has more than {MAX_ROWS:,} rows under its header; an import "
                f"takes at most {MAX_ROWS:,} actions. Split the plan into smaller files."
            )
        yield line, cells


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


def _csv_rows(path: Path) -> Iterator[Row]:
    _check_file(path)
    start = 1
    try:
        # utf-8-sig also reads files that begin with a byte order mark, as Excel writes them.
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.reader(file)
            for cells in reader:
                yield start, [_clean_cell(unprotect_formula(c)) for c in cells[:MAX_COLUMNS]]
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


def _xlsx_rows(path: Path) -> Iterator[Row]:
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
            sheet = _plan_sheet(workbook)
            # The size a sheet declares may be wrong; rows past it would be silently left out.
            sheet.reset_dimensions()
            # Read-only sheets yield a row for every row, blank ones too, so numbers match Excel's.
            rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            for line, values in enumerate(rows, start=1):
                yield line, _texts(values)
        except Exception:
            raise ImportFileError(unreadable) from None
        finally:
            workbook.close()


def _plan_sheet(workbook):
    """The first sheet; in our own export, which opens on a Summary, its Actions sheet."""
    sheets = workbook.worksheets
    ours = sheets[0].title.startswith("Summary")
    return (
        next((s for s in sheets if s.title.startswith("Actions")), sheets[0]) if ours else sheets[0]
    )


def _texts(values: tuple[object, ...]) -> list[str]:
    # A blank row, however wide, is passed over at C speed: a sheet may hold a million.
    if values.count(None) == len(values):
        return []
    return [_cell_text(value) for value in values]


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
