"""`sendbot import` refuses a file over its bounds in one line, writing nothing.

Each file here is built to cost the importer time or memory (issue 10, item 5): a zip bomb, a
part that lies about its size, too many rows. Each runs as an operator would run it, in a
process of its own, which reports its peak memory as it exits.
"""

import io
import random
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.plan_file import MAX_COLUMNS, MAX_FILE_BYTES, MAX_LINES, MAX_ROWS
from bot.xlsx_bounds import (
    MAX_PARTS,
    MAX_RATIO,
    MAX_STRINGS_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_WHOLE_PART_BYTES,
    MB,
    megabytes,
)
from storage.database import Database
from storage.models import Action, Person
from tests.support.cli import clean_env, operator_settings

HEADER = ["ref", "title", "working_group", "owner", "due"]
ROW = ["1.1", "Joint needs assessment", "1", "U012AB3CD", "31/03/2020"]
SHEET = "xl/worksheets/sheet1.xml"
# A refusal that unpacked or parsed what it refused would show here; the bot's command line alone
# peaks at about 90 MB. How fast refusals are is measured in bench/import_bounds.py, not here.
PEAK_MB = 150


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float


# `python -m sendbot`, writing at exit its peak resident memory to PEAK_FILE. VmHWM counts from
# exec; a child's ru_maxrss on Linux also counts what its parent (pytest) held when it forked.
MEASURED = """
import atexit, os, runpy, sys

def peak():
    with open("/proc/self/status") as status:
        kilobytes = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(kilobytes)

atexit.register(peak)
sys.argv[0] = "sendbot"
runpy.run_module("sendbot", run_name="__main__", alter_sys=True)
"""


def import_file(path: Path, env: dict[str, str], timeout: float = 120) -> Run:
    """`sendbot import PATH` in a process of its own, with its peak memory."""
    peak = path.parent / "peak.txt"
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "import", str(path)],
        cwd=path.parent,
        env=clean_env(**env, PEAK_FILE=str(peak)),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    peak_mb = int(peak.read_text()) / 1024
    return Run(done.returncode, done.stdout, done.stderr, peak_mb)


@pytest.fixture
def env(database_url: str, standin) -> dict[str, str]:
    return operator_settings(database_url, standin)


def assert_refused(run: Run, message: str, database_url: str) -> None:
    """One line on stderr starting with `message`, in little memory; nothing written."""
    assert run.returncode == 1, run.stderr
    assert run.stdout == ""
    assert run.stderr.splitlines() == [run.stderr.strip()], run.stderr
    assert run.stderr.startswith(f"sendbot import: {message}"), run.stderr
    assert run.peak_mb < PEAK_MB, run.peak_mb
    assert written(database_url) == (0, 0)


def written(database_url: str) -> tuple[int, int]:
    db = Database(database_url)
    try:
        with db.session() as session:
            return (
                session.scalar(select(func.count()).select_from(Action)),
                session.scalar(select(func.count()).select_from(Person)),
            )
    finally:
        db.dispose()


# Building workbooks


def workbook_parts(rows: list[list[object]]) -> dict[str, bytes]:
    """The parts of a workbook that openpyxl writes, by name."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_parts(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def with_rows(sheet: bytes, rows: bytes) -> bytes:
    """Sheet XML with more rows at the end of its data."""
    return sheet.replace(b"</sheetData>", rows + b"</sheetData>")


def noise(size: int) -> bytes:
    """An XML comment of random text: it packs no tighter than real text does."""
    return b"<!--" + random.Random(size).randbytes(size // 2).hex().encode() + b"-->"


def directory_entry(zip_bytes: bytes, name: str) -> int:
    """Where the zip's central directory describes the part `name`."""
    entry = zip_bytes.index(b"PK\x01\x02")
    while True:
        (length,) = struct.unpack_from("<H", zip_bytes, entry + 28)
        if zip_bytes[entry + 46 : entry + 46 + length] == name.encode():
            return entry
        entry = zip_bytes.index(b"PK\x01\x02", entry + 4)


def write_bomb(path: Path, size: int) -> Path:
    """A workbook whose sheet unpacks to `size` bytes of the same row over and over."""
    parts = workbook_parts([HEADER, ROW])
    head, tail = parts.pop(SHEET).split(b"</sheetData>")
    row = b'<row r="3"><c r="A3" t="inlineStr"><is><t>9.9</t></is></c></row>'
    chunk = row * (MB // len(row))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(head)
            for _ in range(size // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData>" + tail)
    return path


# Zip bombs and lying parts


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (256 * MB, "“bomb.xlsx” would unpack to 256.1 MB; an import unpacks at most 32 MB."),
        (8 * MB, "“bomb.xlsx” has a part (xl/worksheets/sheet1.xml) that would unpack to "),
    ],
    ids=["bigger than the bound", "packed tighter than real workbooks"],
)
def test_a_zip_bomb_is_refused_without_being_unpacked(tmp_path, env, database_url, size, message):
    bomb = write_bomb(tmp_path / "bomb.xlsx", size)
    assert bomb.stat().st_size < size / MAX_RATIO  # 256 MB of sheet in under 1 MB of file

    run = import_file(bomb, env)

    assert_refused(run, message, database_url)
    assert "Save the plan as “CSV UTF-8” and import that." in run.stderr
    if size <= MAX_UNPACKED_BYTES:
        assert f"real workbooks stay under {MAX_RATIO} times" in run.stderr


def test_a_part_is_unpacked_no_further_than_the_size_it_declares(tmp_path, env, database_url):
    parts = workbook_parts([HEADER, ROW])
    honest = parts[SHEET]
    parts[SHEET] = honest + b" " * (64 * MB)  # valid XML still: spaces after the last tag
    path = write_parts(tmp_path / "liar.xlsx", parts)
    # The zip's directory says the sheet is only its honest XML, checksum included.
    data = bytearray(path.read_bytes())
    entry = directory_entry(data, SHEET)
    struct.pack_into("<I", data, entry + 16, zlib.crc32(honest))
    struct.pack_into("<I", data, entry + 24, len(honest))
    path.write_bytes(data)

    run = import_file(path, env)

    # Unpacking one byte more than declared would fail the checksum: the file would be refused.
    assert run.returncode == 0, run.stderr
    assert "Created 1 action: 1.1" in run.stdout
    assert run.peak_mb < PEAK_MB, run.peak_mb


def test_parts_packed_as_no_spreadsheet_program_packs_them_are_refused(tmp_path, env, database_url):
    # Python's zipfile unpacks a bzip2 part in one go, however big it turns out to be.
    path = write_parts(tmp_path / "plan.xlsx", workbook_parts([HEADER, ROW]), zipfile.ZIP_BZIP2)

    run = import_file(path, env)

    assert_refused(
        run, "“plan.xlsx” is packed in a way spreadsheet programs don't use", database_url
    )


def test_a_part_that_openpyxl_reads_whole_must_be_small(tmp_path, env, database_url):
    parts = workbook_parts([HEADER, ROW])
    styles = parts["xl/styles.xml"]
    parts["xl/styles.xml"] = styles.replace(
        b"</styleSheet>", noise(MB + MB // 2) + b"</styleSheet>"
    )

    run = import_file(write_parts(tmp_path / "plan.xlsx", parts), env)

    assert_refused(
        run,
        f"“plan.xlsx” has a part (xl/styles.xml) of 1.6 MB that is read whole; the most is "
        f"{MAX_WHOLE_PART_BYTES // MB} MB.",
        database_url,
    )


def test_a_workbook_with_more_text_than_the_bound_is_refused(tmp_path, env, database_url):
    parts = workbook_parts([HEADER, ROW])
    text = random.Random(0)
    count = (MAX_STRINGS_BYTES + MB) // 24  # <si><t>…</t></si> around 8 random characters
    strings = b"".join(b"<si><t>%08x</t></si>" % text.getrandbits(32) for _ in range(count))
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + strings
        + b"</sst>"
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )

    run = import_file(write_parts(tmp_path / "plan.xlsx", parts), env)

    assert_refused(
        run,
        f"“plan.xlsx” has a part (xl/sharedStrings.xml) of "
        f"{megabytes(len(parts['xl/sharedStrings.xml']))} of text, which is held whole; the most "
        f"is {MAX_STRINGS_BYTES // MB} MB.",
        database_url,
    )


def big_sheet(chart_sheet: bool) -> dict[str, bytes]:
    """A workbook whose sheet is bigger than a part read whole may be; a chart sheet that
    points at the sheet makes openpyxl read it whole."""
    parts = workbook_parts([HEADER, ROW])
    parts[SHEET] = parts[SHEET].replace(b"</worksheet>", noise(2 * MB) + b"</worksheet>")
    if chart_sheet:
        rels = "xl/_rels/workbook.xml.rels"
        parts[rels] = parts[rels].replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Target="/xl/worksheets/sheet1.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/chartsheet"/></Relationships>',
        )
    return parts


def test_a_big_sheet_is_streamed(tmp_path, env):
    run = import_file(write_parts(tmp_path / "big.xlsx", big_sheet(chart_sheet=False)), env)

    assert run.returncode == 0 and "Created 1 action: 1.1" in run.stdout, run.stderr


def test_a_big_sheet_that_a_chart_sheet_uses_is_refused(tmp_path, env, database_url):
    run = import_file(write_parts(tmp_path / "chart.xlsx", big_sheet(chart_sheet=True)), env)

    assert_refused(
        run, "“chart.xlsx” has a part (xl/worksheets/sheet1.xml) of 2.1 MB", database_url
    )


def test_a_workbook_of_too_many_parts_is_refused(tmp_path, env, database_url):
    parts = workbook_parts([HEADER, ROW])
    parts |= {f"xl/extra/{n}.bin": b"" for n in range(MAX_PARTS)}

    run = import_file(write_parts(tmp_path / "plan.xlsx", parts, zipfile.ZIP_STORED), env)

    assert_refused(run, f"“plan.xlsx” has {len(parts):,} parts", database_url)


# Files too big, rows too many


@pytest.mark.parametrize("name", ["plan.csv", "plan.xlsx"])
def test_a_file_over_the_size_bound_is_refused_before_it_is_opened(
    tmp_path, env, database_url, name
):
    path = tmp_path / name
    with path.open("wb") as file:
        file.write(",".join(HEADER).encode() + b"\n")
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: no need to write 20 MB

    run = import_file(path, env)

    assert_refused(
        run,
        f"“{name}” is 20.1 MB; an import takes files of up to 20 MB. Check it is the plan, "
        "or split it into smaller files.",
        database_url,
    )


def csv_rows(count: int) -> bytes:
    lines = [",".join(HEADER)]
    lines += [f"{n}.1,Action {n},{n % 6 + 1},U0OWNER{n % 30:02d},31/03/2020" for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


def test_a_csv_over_the_row_bound_is_refused_as_soon_as_the_bound_is_crossed(
    tmp_path, env, database_url
):
    # Far down the file, a byte that is not UTF-8: reading that far would refuse the file
    # for it instead.
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_rows(MAX_ROWS + 1) + csv_rows(5_000) + b"Zo\xeb\n")

    run = import_file(path, env)

    assert_refused(
        run,
        f"“plan.csv” has more than {MAX_ROWS:,} rows under its header; an import takes at most "
        f"{MAX_ROWS:,} actions. Split the plan into smaller files.",
        database_url,
    )


@pytest.mark.slow(10)
def test_a_workbook_over_the_row_bound_is_refused_as_soon_as_the_bound_is_crossed(
    tmp_path, env, database_url
):
    rows = [HEADER] + [[f"{n}.1", "A", 1, "U012AB3CD", "31/03/2020"] for n in range(MAX_ROWS + 1)]
    parts = workbook_parts(rows)
    # Below the bound, a cell openpyxl can't read: reading that far would refuse the file for it.
    far = MAX_ROWS + 100
    broken = f'<row r="{far}"><c r="A{far}" t="n"><v>not a number</v></c></row>'.encode()
    parts[SHEET] = with_rows(parts[SHEET], broken)

    run = import_file(write_parts(tmp_path / "plan.xlsx", parts), env)

    assert_refused(
        run, f"“plan.xlsx” has more than {MAX_ROWS:,} rows under its header", database_url
    )


@pytest.mark.slow(7)
def test_blank_rows_count_towards_a_bound_too(tmp_path, env, database_url):
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_rows(1) + b"\n" * MAX_LINES)

    run = import_file(path, env)

    assert_refused(
        run, f"“plan.csv” has more than {MAX_LINES:,} rows counting blank ones", database_url
    )


@pytest.mark.slow(10)
def test_rows_reaching_the_last_column_still_import(tmp_path, env):
    # A formatted cell in column XFD on each of 200,000 rows: openpyxl would build 16,384 cells
    # for each row (about 14 s here); read MAX_COLUMNS wide, the import takes about 3 s
    # (bench/import_bounds.py measures time; this checks the plan still comes in).
    parts = workbook_parts([HEADER, ROW])
    wide = b"".join(b'<row r="%d"><c r="XFD%d" s="0"/></row>' % (n, n) for n in range(3, 200_003))
    parts[SHEET] = with_rows(parts[SHEET], wide)
    assert MAX_COLUMNS < 16_384

    run = import_file(write_parts(tmp_path / "plan.xlsx", parts), env)

    assert run.returncode == 0 and "Created 1 action: 1.1" in run.stdout, run.stderr
