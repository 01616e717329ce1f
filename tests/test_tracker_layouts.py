"""Trackers as councils keep them come in through `sendbot import` (issue 13, item 1).

Each workbook here is laid out as published local-area trackers are: title rows above the
header, section headings, merged SRO and workstream cells, RAG shown by a cell's fill alone, a
key under the table, a cover sheet, and the headings each council gives its columns.
"""

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from sqlalchemy import select

from bot.plan_import import read_rows
from bot.tracker_headings import load_heading_map
from storage.database import Database
from storage.models import Action
from tests.support.cli import operator_settings
from tests.support.preloaded import run_sendbot

PEOPLE = {
    "U0PRIYA01": ("Priya Shah", "priya.shah@york.example"),
    "U0TOMR001": ("Tom Reid", "tom.reid@york.example"),
    "U0SRO0001": ("Helen Ward", "helen.ward@york.example"),
}


@pytest.fixture
def env(database_url: str, standin) -> dict[str, str]:
    return operator_settings(database_url, standin, PEOPLE)


def fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


def actions(database_url: str) -> dict[str, dict[str, object]]:
    """What the database holds for each action, by ref."""
    db = Database(database_url)
    try:
        with db.session() as session:
            return {
                a.ref: {
                    "title": a.title,
                    "group": a.working_group.number,
                    "owner": a.owner.email,
                    "sro": a.sro.email if a.sro else None,
                    "due": a.due_date.isoformat(),
                    "status": a.status,
                    "areas": [area.number for area in a.areas],
                    "measures": a.success_measures,
                    "evidence": a.evidence,
                    "outcome": a.outcome,
                    "achieved": a.achieved_on is not None,
                    "progress": [h.note for h in a.history if h.event == "progress"],
                }
                for a in session.scalars(select(Action).order_by(Action.ref))
            }
    finally:
        db.dispose()


def york_tracker(path: Path) -> Path:
    """York's WSoA tracker: a title, a date line, sections by priority, the SRO and the
    workstream merged down each section, RAG by colour, a key below."""
    book = Workbook()
    sheet = book.active
    sheet.title = "WSoA tracker"
    rows: list[list[object]] = [
        ["City of York SEND Written Statement of Action — progress tracker"],
        ["Last updated: 3 March 2027"],
        [],
        ["Ref", "Area of weakness", "Action", "Lead officer", "SRO", "By when", "RAG"]
        + ["Workstream", "Success criteria", "Evidence and impact", "Progress update"],
        ["Priority 1: Identification of need"],
        ["1.1", 1, "Refresh the joint strategic needs assessment", "priya.shah@york.example"]
        + ["helen.ward@york.example", datetime(2027, 3, 31), "Green", "Understanding of Need"]
        + ["JSNA published", "JSNA on the Local Offer website", "Draft to the board"],
        ["1.2", 1, "Publish the SEND data dashboard", "tom.reid@york.example", None]
        + ["30/04/2027", None, None, "Dashboard live", None, None],
        ["1.3", "1;3", "Train SENCOs in early identification", "priya.shah@york.example", None]
        + ["31 May 2027", None, None, None, None, None],
        [],
        ["Priority 2: Joint commissioning"],
        ["2.1", 2, "Commission speech and language therapy", "tom.reid@york.example"]
        + ["helen.ward@york.example", datetime(2027, 6, 30), None, "Commissioning"],
        ["2.2", 2, "Review the quality of EHC plans", "tom.reid@york.example"]
        + ["helen.ward@york.example", "30/06/2027", None, "2"],
        [],
        ["Key:", "B = Blue (complete)", "G = Green (on track)", "A = Amber", "R = Red"],
        ["B", "Complete and embedded"],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A1:K1")
    sheet.merge_cells("A5:K5")
    sheet.merge_cells("E6:E8")  # one SRO for the section
    sheet.merge_cells("H6:H8")  # and one workstream
    sheet["G7"].fill = fill("FF0000")  # red, no text
    sheet["G8"].fill = fill("92D050")  # Excel's light green
    sheet["G11"].fill = fill("0070C0")  # blue: complete
    sheet["G12"].fill = fill("7030A0")  # purple: no BRAG colour
    sheet["G6"].fill = fill("00B050")  # text wins over colour
    book.save(path)
    return path


@pytest.mark.slow(4)
def test_a_york_style_tracker_imports_as_kept(tmp_path, env, database_url):
    path = york_tracker(tmp_path / "York WSoA tracker.xlsx")

    done = run_sendbot("import", str(path), cwd=tmp_path, **env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Created 5 actions: 1.1, 1.2, 1.3, 2.1, 2.2" in done.stdout
    assert "left them out" not in done.stdout  # the progress update is kept
    assert "ignored" not in done.stdout  # every other heading was known
    found = actions(database_url)
    sro = "helen.ward@york.example"
    assert {ref: (a["sro"], a["group"]) for ref, a in found.items()} == {
        "1.1": (sro, 1),
        "1.2": (sro, 1),  # carried down from the merged cells
        "1.3": (sro, 1),
        "2.1": (sro, 2),
        "2.2": (sro, 2),
    }
    assert {ref: a["status"] for ref, a in found.items()} == {
        "1.1": "green",
        "1.2": "red",
        "1.3": "green",
        "2.1": "blue",
        "2.2": "not started",
    }
    assert found["1.1"]["evidence"] == "JSNA on the Local Offer website"
    assert found["1.1"]["progress"] == ["Draft to the board"]
    assert {ref for ref, a in found.items() if a["achieved"]} == {"2.1"}  # blue by colour
    assert found["1.2"]["measures"] == "Dashboard live"
    assert found["1.3"]["areas"] == [1, 3]
    assert [found[ref]["due"] for ref in ("1.1", "1.2", "1.3")] == [
        "2027-03-31",
        "2027-04-30",
        "2027-05-31",
    ]
    assert found["1.1"]["owner"] == "priya.shah@york.example"

    # What was skipped and guessed, row by row, for the report to summarise.
    notes = [(note.line, note.kind) for note in read_rows(path).notes]
    assert notes == [
        (1, "title rows above the header skipped"),
        (2, "title rows above the header skipped"),
        (5, "section heading skipped"),
        (7, "status read from the cell's colour"),
        (8, "status read from the cell's colour"),
        (9, "blank row skipped"),
        (10, "section heading skipped"),
        (11, "status read from the cell's colour"),
        (12, "status cell's colour not recognised, left empty"),
        (14, "footer skipped"),
        (15, "footer skipped"),
    ]

    again = run_sendbot("import", str(path), cwd=tmp_path, **env)
    assert "Unchanged: 5 actions" in again.stdout, again.stdout


DEVON = """\
Devon Local Area Partnership,,,,,,,,
SEND Accelerated Progress Plan (APP),,,,,,,,
,,,,,,,,
No.,Action,Responsible officer,Accountable officer,Timescale,BRAG,Theme,Measures of success,Outcome
Theme 1: Understanding need,,,,,,,,
1.1,Refresh the JSNA,priya.shah@york.example,helen.ward@york.example,31/03/2027,Green,1,\
"JSNA agreed
and published",Shared understanding of need
1.2,Audit EHC needs assessments,U0TOMR001,,30/06/2027,amber,Understanding of Need,,
No.,Action,Responsible officer,Accountable officer,Timescale,BRAG,Theme,Measures of success,Outcome
Theme 2: Sufficiency,,,,,,,,
2.1,Open two resourced provisions,U0TOMR001,helen.ward@york.example,31 August 2027,,6 SEN Support,,
,,,,,,,,
Total,3,,,,,,,
"Notes: timescales agreed with DfE on 12 January 2027",,,,,,,,
"""


@pytest.mark.slow(3)
def test_a_devon_style_csv_skips_its_headings_repeats_and_totals(tmp_path, env, database_url):
    path = tmp_path / "Devon APP.csv"
    path.write_text(DEVON, encoding="utf-8")

    done = run_sendbot("import", str(path), cwd=tmp_path, **env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Created 3 actions: 1.1, 1.2, 2.1" in done.stdout
    assert "left them out" not in done.stdout
    found = actions(database_url)
    assert {ref: (a["group"], a["status"], a["sro"]) for ref, a in found.items()} == {
        "1.1": (1, "green", "helen.ward@york.example"),
        "1.2": (1, "amber", None),
        "2.1": (6, "not started", "helen.ward@york.example"),
    }
    assert found["1.1"]["measures"] == "JSNA agreed\nand published"
    assert found["1.1"]["outcome"] == "Shared understanding of need"
    kinds = {note.line: note.kind for note in read_rows(path).notes}
    assert kinds == {
        1: "title rows above the header skipped",
        2: "title rows above the header skipped",
        5: "section heading skipped",
        9: "repeated header row skipped",
        10: "section heading skipped",
        13: "footer skipped",
        14: "footer skipped",
    }


def birmingham_plan(path: Path) -> Path:
    """Birmingham's APP: a cover sheet, then the plan under headings no table knows."""
    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.append(["Birmingham SEND Accelerated Progress Plan"])
    cover.append(["Contents: the plan, the risk register"])
    plan = book.create_sheet("APP")
    plan.append(["Birmingham City Council and NHS Birmingham and Solihull ICB"])
    plan.append(
        ["Action Ref", "Key Activity", "Lead Officer(s)", "Date to be completed by", "Status"]
        + ["Board sub-group", "AoW link"]
    )
    plan.append(["A1.1", "Publish the graduated approach", "U0PRIYA01", "31/10/2027", "red"])
    plan["F3"], plan["G3"] = "SEN Support", "4"
    book.save(path)
    return path


@pytest.mark.slow(4)
def test_a_map_file_names_the_headings_no_table_knows(tmp_path, env, database_url):
    path = birmingham_plan(tmp_path / "APP.xlsx")
    mapping = tmp_path / "headings.toml"

    def imported(map_text: str):
        mapping.write_text(map_text, encoding="utf-8")
        return run_sendbot("import", str(path), "--map", str(mapping), cwd=tmp_path, **env)

    without = run_sendbot("import", str(path), cwd=tmp_path, **env)
    assert without.returncode == 1
    assert without.stderr == (
        "sendbot import: The file has no “title”, “working_group” or “due” column. "
        "Required: ref, title, working_group, owner, due.\n"
    )

    good = '[map]\n"Key Activity" = "title"\n"Date to be completed by" = "due"\n'
    good += '"Board sub-group" = "working group"\n"AoW link" = "area"\n'
    wrong_field = imported(good.replace('"area"', '"areas of focus"'))
    assert wrong_field.returncode == 1 and wrong_field.stdout == ""
    assert wrong_field.stderr == (
        "sendbot import: The map file “headings.toml” maps “AoW link” to “areas of focus”, "
        "which is not a field. Use one of: ref, title, working_group, owner, due, area, status, "
        "description, outcome, success_measures, evidence, progress, sro, co_owner, start, "
        "source, original_due, revised_due, revised_reason, revised_by, approved_on, or ignore.\n"
    )
    wrong_heading = imported(good + '"Board subgroup name" = "working_group"\n')
    assert wrong_heading.returncode == 1 and wrong_heading.stdout == ""
    assert wrong_heading.stderr.startswith(
        "sendbot import: The map file names a heading “Board subgroup name” that “APP.xlsx” does "
        "not have (line 2 has “Action Ref”, “Key Activity”,"
    )
    assert actions(database_url) == {}  # nothing written by a refused import

    done = imported(good)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Created 1 action: A1.1" in done.stdout
    found = actions(database_url)["A1.1"]
    assert (found["title"], found["group"], found["areas"], found["status"]) == (
        "Publish the graduated approach",
        6,
        [4],
        "red",
    )
    notes = [(note.line, note.kind) for note in read_rows(path, load_heading_map(mapping)).notes]
    assert notes[0] == (0, "actions read from the sheet “APP”")
