"""Benchmark — importer bounds (issue 10): hostile files refused, the largest plan imported.

Each import is `python -m sendbot import FILE` as an operator runs it, in a process of its own,
timed from start to exit, which writes its peak resident memory (VmHWM) as it exits. (A child's
ru_maxrss on Linux also counts what its parent held when it forked: here, this script's files.)
The Slack side is the stand-in; owners are named by user ID, so each is asked about once.

Files, built in a temporary folder:
- the zip bomb: an XLSX whose sheet unpacks to 3.7 GB, as the penetration test's did;
- a million rows: as a spreadsheet writes them (CSV and XLSX), and as the most short rows that
  fit the file and unpacked bounds, so that only the row bound stops them, as the rows stream;
- crafted workbooks inside every bound, to find the most memory an accepted file costs: 1 MB of
  dense styles, shared strings just under their bound, rows that never declare the sheet's size;
- the largest plan allowed: 10,000 actions as CSV and XLSX, created and then revised, on each
  database.
The floor is a one-action file: what the command costs before it reads anything.
Goals: each refusal within 5 s; every run under 300 MB; the largest plan imported whole.

    .venv/bin/python bench/import_bounds.py [--database sqlite|postgresql|both]
                                            [--code PATH] [--only NAME…]

--code runs the same files with the bot's code from another checkout (PYTHONPATH), such as the
commit before the bounds, for the figures before the fix. Each run then stops after --timeout.
"""

import csv
import io
import os
import random
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import common
from openpyxl import Workbook

from bot.plan_file import MAX_FILE_BYTES, MAX_ROWS
from bot.xlsx_bounds import MAX_STRINGS_BYTES, MAX_UNPACKED_BYTES, MAX_WHOLE_PART_BYTES, MB
from slack_standin import SlackStandIn

SECONDS = 5.0
PEAK_MB = 300
OWNERS = 300
MILLION = 1_000_000
SHEET = "xl/worksheets/sheet1.xml"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = ["ref", "title", "working_group", "owner", "due", "area", "status", "description"]
STATUSES = ["not started", "red", "amber", "green", "blue"]

# `python -m sendbot`, writing its peak resident memory in kB to PEAK_FILE as it exits.
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


# -- files -----------------------------------------------------------------------------------


def action(n: int, title: str = "Review annual reviews") -> list[str]:
    """Action n as a board would write it, spread over groups, owners, areas and statuses."""
    return [
        f"A{n}",
        f"{title} in cluster {n}",
        str(n % 6 + 1),
        f"U0OWN{n % OWNERS:04d}",
        f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/2026",
        f"{n % 9 + 1};{(n + 4) % 9 + 1}",
        STATUSES[n % 5],
        "Agreed at the March board.",
    ]


def write_csv(path: Path, rows: Iterable[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Iterable[list[str]]) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def plan(count: int, title: str = "Review annual reviews") -> Iterator[list[str]]:
    yield HEADER
    for n in range(count):
        yield action(n, title)


def base_parts() -> dict[str, bytes]:
    """The parts of a one-action workbook as openpyxl writes it."""
    workbook = Workbook()
    for row in plan(1):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_workbook(
    path: Path, sheet: Iterable[bytes], parts: dict[str, bytes] | None = None, level: int = 6
) -> Path:
    """A workbook whose first sheet is written from the pieces `sheet` yields, streamed."""
    named = base_parts() | (parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in named.items():
            if name != SHEET:
                archive.writestr(name, data)
        with archive.open(SHEET, "w", force_zip64=True) as out:
            for piece in sheet:
                out.write(piece)
    return path


def inline_row(number: int, cells: list[str]) -> bytes:
    xml = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for i, text in enumerate(cells)
    )
    return f'<row r="{number}">{xml}</row>'.encode()


def sheet_of(rows: Iterable[bytes], last_row: int | None = 2) -> Iterator[bytes]:
    """Sheet XML; a spreadsheet program declares the sheet's size, here up to `last_row`."""
    yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b">"
    if last_row is not None:
        yield b'<dimension ref="A1:H%d"/>' % last_row
    yield b"<sheetData>" + inline_row(1, HEADER)
    yield from rows
    yield b"</sheetData></worksheet>"


def zip_bomb(path: Path, size: int) -> Path:
    """The same row again and again, `size` bytes of it: openpyxl would read every one."""
    row = inline_row(2, action(0)) + b" " * 4000
    chunk = row * (MB // len(row))
    return write_workbook(path, sheet_of(chunk for _ in range(size // len(chunk))), level=9)


def xlsx_rows(count: int, short: bool) -> Iterator[bytes]:
    for n in range(count):
        cells = [f"{n}.1", "A", "1", "U1", "1"] if short else action(n)
        yield inline_row(n + 2, cells)


def most_short_rows() -> int:
    """As many short rows as fit the unpacked bound, less room for the other parts."""
    return (MAX_UNPACKED_BYTES - MB) // len(inline_row(999_999, ["999999.1", "A", "1", "U1", "1"]))


def dense_styles() -> bytes:
    """The stylesheet openpyxl makes most objects of per byte, just under the bound for parts
    read whole, random enough to pack like real XML."""
    pick = random.Random(1)
    formats = []
    size = 0
    while size < MAX_WHOLE_PART_BYTES - 4096:
        formats.append(b'<xf numFmtId="%d"/>' % pick.randrange(200))
        size += len(formats[-1])
    return (
        b'<?xml version="1.0"?><styleSheet ' + NS + b'><fonts count="1"><font/></fonts>'
        b'<fills count="1"><fill><patternFill/></fill></fills><borders count="1"><border/>'
        b'</borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="%d">'
        % len(formats)
        + b"".join(formats)
        + b"</cellXfs></styleSheet>"
    )


def many_strings() -> dict[str, bytes]:
    """Shared strings just under their bound, as short and as many as they can be."""
    pick = random.Random(2)
    count = (MAX_STRINGS_BYTES - MB) // 24
    strings = b"".join(b"<si><t>%08x</t></si>" % pick.getrandbits(32) for _ in range(count))
    parts = base_parts()
    return {
        "xl/sharedStrings.xml": b"<sst " + NS + b">" + strings + b"</sst>",
        "[Content_Types].xml": parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    }


def bare_rows() -> Iterator[bytes]:
    """Rows with nothing in them up to the unpacked bound, in a sheet that never declares its
    size: openpyxl keeps an object for each while it looks for the size."""
    size = 0
    number = 3
    while size < MAX_UNPACKED_BYTES - MB:
        row = b'<row r="%d"/>' % number
        size += len(row)
        number += 1
        yield row


def build(folder: Path) -> dict[str, Path]:
    """Every file the benchmark imports, by name; the largest plan's revision as NAME+."""
    files = {
        "floor: one action (CSV)": write_csv(folder / "one.csv", plan(1)),
        "zip bomb: 3.7 GB in one sheet": zip_bomb(folder / "bomb.xlsx", 3_700 * MB),
        "1,000,000 rows, CSV": write_csv(folder / "million.csv", plan(MILLION)),
        "1,000,000 rows, XLSX": write_workbook(
            folder / "million.xlsx", sheet_of(xlsx_rows(MILLION, short=False), MILLION + 1)
        ),
        "1,000,000 short rows, CSV": write_csv(
            folder / "short.csv",
            [HEADER[:5]] + [[f"{n}.1", "A", "1", "U1", "1"] for n in range(MILLION)],
        ),
        f"{most_short_rows():,} short rows, XLSX": write_workbook(
            folder / "short.xlsx",
            sheet_of(xlsx_rows(most_short_rows(), short=True), most_short_rows() + 1),
        ),
        "inside the bounds: 1 MB of dense styles": write_workbook(
            folder / "styles.xlsx", sheet_of([]), {"xl/styles.xml": dense_styles()}
        ),
        "inside the bounds: 15 MB of shared strings": write_workbook(
            folder / "strings.xlsx", sheet_of([]), many_strings()
        ),
        "inside the bounds: 31 MB of bare rows": write_workbook(
            folder / "bare.xlsx", sheet_of(bare_rows(), last_row=None)
        ),
    }
    for kind in ("csv", "xlsx"):
        write = write_csv if kind == "csv" else write_xlsx
        name = f"largest: {MAX_ROWS:,} actions, {kind.upper()}"
        files[name] = write(folder / f"largest.{kind}", plan(MAX_ROWS))
        revised = plan(MAX_ROWS, title="Speed up annual reviews")
        files[name + "+"] = write(folder / f"revised.{kind}", revised)
    assert files["1,000,000 short rows, CSV"].stat().st_size <= MAX_FILE_BYTES
    return files


# -- runs ------------------------------------------------------------------------------------


def run(path: Path, env: dict[str, str], timeout: float) -> tuple[str, float, float | None]:
    """(what the command said first, seconds, peak MB or None if it was stopped)."""
    peak = path.with_suffix(".peak")
    peak.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [str(common.PYTHON), "-c", MEASURED, "import", str(path)],
            cwd=path.parent,
            env=env | {"PEAK_FILE": str(peak)},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"stopped after {timeout:.0f} s", time.monotonic() - started, None
    seconds = time.monotonic() - started
    said = (done.stdout + done.stderr).strip().splitlines() or [""]
    first = said[0] if len(said) == 1 else f"{said[0]} (+{len(said) - 1} lines)"
    kilobytes = peak.read_text() if peak.exists() else ""
    return first, seconds, int(kilobytes) / 1024 if kilobytes else None


def environment(url: str, api_url: str, code: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env |= {"DATABASE_URL": url, "SLACK_API_URL": api_url, "SLACK_BOT_TOKEN": common.BOT_TOKEN}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def judged(name: str, said: str, seconds: float, peak: float | None) -> tuple[str, bool]:
    refusal = not name.startswith(("floor", "largest", "inside"))
    ok = peak is not None and peak < PEAK_MB
    if refusal:
        ok &= said.startswith("sendbot import:") and seconds < SECONDS
    elif name.startswith("largest"):
        ok &= said.startswith(("Created", "Updated"))
    shown_peak = f"{peak:7.0f} MB" if peak is not None else "      —  "
    line = f"   {name:44} {seconds:7.1f} s {shown_peak}  {common.verdict(ok):6}  {said[:110]}"
    return line, ok


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, help="run the bot's code from this checkout")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run stops")
    parser.add_argument("--only", nargs="*", help="only the files whose names start so")
    args = parser.parse_args()
    common.banner("Importer bounds: refusals and the largest plan")
    folder = common.workdir()
    started = time.monotonic()
    files = build(folder)
    print(f"   built the files in {time.monotonic() - started:.0f} s:")
    for name, path in files.items():
        if not name.endswith("+"):
            print(f"   {name:44} {path.stat().st_size / MB:9.1f} MB  {path.name}")
    ok = True
    with SlackStandIn() as standin:
        for n in range(OWNERS):
            standin.add_user(f"U0OWN{n:04d}", f"Owner {n}")
        for kind in common.backends(args.database):
            print(f"== {kind}: seconds from start to exit, peak resident memory, what it said")
            for name, path in files.items():
                wanted = not args.only or name.startswith(tuple(args.only))
                if name.endswith("+") or not wanted:
                    continue
                if kind != "sqlite" and not name.startswith("largest"):
                    continue  # refusals happen before the database is read: once is enough
                url = common.fresh_database(kind, folder)
                env = environment(url, standin.url, args.code)
                line, met = judged(name, *run(path, env, args.timeout))
                print(line, flush=True)
                ok &= met
                if name.startswith("largest"):
                    line, met = judged(name + ", revised", *run(files[name + "+"], env, 300))
                    print(line, flush=True)
                    ok &= met
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
