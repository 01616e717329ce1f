"""Exporting the plan to XLSX and CSV, and reading the CSV back in with nothing changed."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from sqlalchemy import func, select

from bot.action_history import record
from bot.board_config import default_board
from bot.board_sync import sync_board
from bot.people import PersonKey, find_person
from bot.plan_export import ACTION_COLUMNS, ExportError, ExportOptions, export_plan
from bot.plan_import import ChatDirectory, import_plan
from handlers.slack.ids import is_user_id
from sendbot.identities import find_lead
from storage import action_queries as q
from storage.database import Database
from storage.models import ActionHistory
from tests.support.speak import core_actor

NOW = datetime(2020, 1, 20, 10, 0, tzinfo=UTC)
LATER = datetime(2020, 2, 3, 9, 30, tzinfo=UTC)
SAM = "U0SAM0001"
PLAN = [
    ["ref", "title", "working_group", "owner", "due", "area", "status", "description", "sro"],
    ["1.10", "Tenth", "1", SAM, "30/06/2020", "", "", "", ""],
    ["1.2", "Zoë's data dashboard", "1", SAM, "31/03/2020", "1;3", "green", "Two\nlines", SAM],
    ["2.1", '=HYPERLINK("http://x")', "Commissioning", "U012AB3CD", "2020-04-30", "", "", "", ""],
    ["1.1", "Needs assessment", "1", SAM, "31/01/2020", "2", "done", "", ""],
]


def _no_email(email: str) -> str | None:
    return None


no_emails = ChatDirectory("slack", "Slack", is_user_id, _no_email)


@pytest.fixture
def db(database_url: str, tmp_path: Path) -> Iterator[Database]:
    """A plan with a revised due date, a withdrawn action and a person whose name we know."""
    database = Database(database_url)
    sync_board(database, default_board(), find_lead)
    path = tmp_path / "plan.csv"
    import_plan(database, write_csv(path, PLAN), no_emails, now=NOW)
    revised = [row[:] for row in PLAN]
    revised[2][4] = "15/04/2020"
    import_plan(database, write_csv(path, revised), no_emails, now=LATER)
    admin = core_actor(database, "chair")
    with database.session() as session:
        sam = find_person(session, PersonKey("slack", SAM))
        sam.name, sam.email = "Sam Smith", "sam@example.org"
        action = q.find_action(session, "1.10")
        action.withdrawn_at = LATER
        record(action, admin.person_id, LATER, "withdrawn")
    yield database
    database.dispose()


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def history_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(ActionHistory.id))) or 0


def rows_of(sheet) -> list[dict]:
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]


def test_xlsx_shows_people_by_name_under_plain_headings_and_withdrawn_actions_apart(db, tmp_path):
    path = tmp_path / "plan.xlsx"
    assert export_plan(db, path, today=date(2020, 2, 3)) == 3  # 1.10 is withdrawn

    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Summary", "Actions", "Withdrawn", "Risks", "History"]
    actions = workbook["Actions"]
    header = [cell.value for cell in actions[1]]
    assert header == [column.name for column in ACTION_COLUMNS]
    assert header[:9] == [
        "Reference",
        "Action",
        "Description",
        "Working group",
        "Areas of weakness",
        "Owner",
        "Senior responsible officer",
        "Co-owner",
        "Status",
    ]
    assert all(cell.font.bold for cell in actions[1])
    # The people's accounts are there for the import, hidden from the board.
    hidden = [name for name, dim in actions.column_dimensions.items() if dim.hidden]
    assert [header[column_index_from_string(letter) - 1] for letter in hidden] == [
        "Owner account",
        "Senior responsible officer account",
        "Co-owner account",
    ]
    assert actions.column_dimensions["B"].width == 50
    assert actions.cell(row=2, column=2).alignment.wrap_text
    rows = rows_of(actions)
    assert [row["Reference"] for row in rows] == ["1.1", "1.2", "2.1"]  # plan order; 1.10 apart
    dashboard = rows[1]
    assert dashboard["Working group"] == "1 Understanding of Need"
    assert dashboard["Areas of weakness"] == "1; 3"
    assert (dashboard["Owner"], dashboard["Senior responsible officer"]) == ("Sam Smith",) * 2
    assert rows[2]["Owner"] == "(no name)"  # nothing known of U012AB3CD but the account
    assert dashboard["Status"] == "Green (on track)"
    assert dashboard["Original due date"] == datetime(2020, 3, 31)  # a real date cell
    assert dashboard["Due date"] == datetime(2020, 4, 15)
    assert dashboard["Reason for new date"] == "Imported from plan.csv"
    assert dashboard["Last update"] == datetime(2020, 1, 20)
    assert actions.cell(row=3, column=header.index("Due date") + 1).number_format == "DD/MM/YYYY"
    # A title that looks like a formula stays text: Excel must not run it.
    formula = actions.cell(row=4, column=2)
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://x")', "s")
    # Nothing a board member reads is an account ID or a snake_case heading.
    for sheet in workbook.worksheets:
        shown = [
            cell.value
            for column in sheet.iter_cols()
            for cell in column
            if isinstance(cell.value, str)
            and not sheet.column_dimensions[cell.column_letter].hidden
        ]
        assert not [value for value in shown if SAM in value or "_" in value], sheet.title

    (withdrawn,) = rows_of(workbook["Withdrawn"])
    assert (withdrawn["Reference"], withdrawn["Withdrawn on"]) == ("1.10", datetime(2020, 2, 3))

    history = workbook["History"]
    assert [cell.value for cell in history[1]] == [
        "Reference",
        "Date",
        "Time",
        "Who",
        "What happened",
    ]
    lines = rows_of(history)
    assert len(lines) == history_count(db)
    assert {
        "Reference": "1.2",
        "Date": datetime(2020, 2, 3),
        "Time": "09:30",
        "Who": "The plan import",
        "What happened": "Due date 31 March 2020 → 15 April 2020: Imported from plan.csv",
    } in lines
    assert history.cell(row=2, column=2).number_format == "d mmmm yyyy"  # 3 February 2020
    assert {
        "Reference": "1.10",
        "Who": "Chair",
        "What happened": "Withdrawn from the plan",
    } in [{key: line[key] for key in ("Reference", "Who", "What happened")} for line in lines]
    for sheet in workbook.worksheets[1:]:
        assert sheet.freeze_panes == "B2"
        assert sheet.auto_filter.ref.startswith("A1:")


def test_a_change_of_owner_reads_as_names_in_the_history_or_emails_for_the_unnamed(db, tmp_path):
    with db.session() as session:
        sam = find_person(session, PersonKey("slack", SAM))
        priya = find_person(session, PersonKey("slack", "U012AB3CD"))
        priya.email = "priya@council.example"  # and no name
        action = q.find_action(session, "1.2")
        record(action, None, LATER, "update", "owner_id", str(sam.id), str(priya.id))
    path = tmp_path / "plan.xlsx"
    export_plan(db, path)
    lines = [line["What happened"] for line in rows_of(load_workbook(path)["History"])]
    assert "Owner Sam Smith → priya@council.example" in lines


def test_csv_holds_the_actions_with_day_first_dates(db, tmp_path):
    path = tmp_path / "plan.csv"
    assert export_plan(db, path) == 3

    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == [column.name for column in ACTION_COLUMNS]
    dashboard = rows[1]
    assert (dashboard["Reference"], dashboard["Description"]) == ("1.2", "Two\nlines")
    assert (dashboard["Original due date"], dashboard["Due date"], dashboard["Start date"]) == (
        "31/03/2020",
        "15/04/2020",
        "",
    )
    assert (dashboard["Owner"], dashboard["Owner account"]) == ("Sam Smith", SAM)
    assert rows[2]["Action"] == '\'=HYPERLINK("http://x")'  # as Excel writes a text formula


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_imports_back_with_nothing_changed(db, tmp_path, suffix):
    path = tmp_path / f"export{suffix}"
    export_plan(db, path)
    before = history_count(db)

    report = import_plan(db, path, no_emails, now=LATER)

    assert report.unchanged == ["1.1", "1.2", "2.1"]  # withdrawn 1.10 is not on the sheet
    assert (report.created, report.updated, report.rejected) == ([], [], [])
    assert history_count(db) == before


def test_an_edited_export_updates_only_what_changed(db, tmp_path):
    path = tmp_path / "export.csv"
    export_plan(db, path)
    text = path.read_text(encoding="utf-8-sig").replace("Green (on track)", "Amber (at risk)")
    path.write_text(text, encoding="utf-8-sig")

    report = import_plan(db, path, no_emails, now=LATER)

    assert report.updated == ["1.2"]
    with db.session() as session:
        assert q.find_action(session, "1.2").status == "amber"


def test_an_empty_plan_exports_just_the_header(database_url, tmp_path):
    db = Database(database_url)
    path = tmp_path / "empty.xlsx"
    assert export_plan(db, path) == 0
    workbook = load_workbook(path)
    assert workbook["Actions"].max_row == 1
    summary = workbook["Summary"]
    assert (summary["A6"].value, summary["B6"].value) == ("Blue (complete)", 0)
    assert (summary["A11"].value, summary["B11"].value) == ("Total", 0)
    db.dispose()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "plan.pdf",
            "I can export to .xlsx, .csv or .zip (a CSV file for each sheet), not “.pdf”.",
        ),
        ("plan", "Name the export file with .xlsx, .csv or .zip at the end."),
    ],
)
def test_other_file_types_are_refused(db, tmp_path, name, message):
    with pytest.raises(ValueError) as caught:
        export_plan(db, tmp_path / name)
    assert str(caught.value) == message
    assert not (tmp_path / name).exists()


def test_a_folder_that_does_not_exist_is_refused_in_one_line(db, tmp_path):
    with pytest.raises(ExportError, match="^Can't write to .*missing: No such file or directory.$"):
        export_plan(db, tmp_path / "missing" / "plan.xlsx")


def test_a_failed_export_leaves_no_half_written_file(db, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bot.plan_export.Workbook.save", broken)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ExportError, match="No space left on device"):
        export_plan(db, folder / "plan.xlsx")
    assert list(folder.iterdir()) == []


def test_start_dates_are_exported_as_dates(db, tmp_path):
    with db.session() as session:
        q.find_action(session, "2.1").start_date = date(2020, 1, 6)
    path = tmp_path / "plan.csv"
    export_plan(db, path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows[2]["Start date"] == "06/01/2020"


def test_the_workbook_holds_the_risk_register_with_scores_and_bands_in_words(db, tmp_path):
    from bot.risk_service import RiskService

    risks = RiskService(db)
    owner = core_actor(db, "owner")
    risks.handle(owner, "log Project manager not in post L4 I4 wg 1")
    risks.handle(owner, "log Minor data gap L1 I2")
    risks.handle(owner, "update R1 L2 Appointed")
    path = tmp_path / "plan.xlsx"
    export_plan(db, path)
    sheet = load_workbook(path)["Risks"]
    first, second = rows_of(sheet)
    assert first == {
        "Reference": "R1",
        "Risk": "Project manager not in post",
        "Owner": "Owner",
        "Working group": "1 Understanding of Need",
        "Likelihood": "2 (unlikely)",
        "Impact": "4 (major)",
        "Score": "8 (medium)",
        "Trend": "Falling",
        "Mitigation": None,
        "Review date": None,
        "Status": "Open",
        "Last update": datetime(2020, 1, 20),
        "Owner account": first["Owner account"],  # hidden: the import reads the owner from it
    } | {"Last update": first["Last update"]}
    assert first["Owner account"] and sheet.column_dimensions["M"].hidden
    assert sheet["G2"].fill.start_color.rgb.endswith("F47738")  # amber, and "medium" in words
    assert (second["Reference"], second["Score"], second["Trend"]) == (
        "R2",
        "2 (low)",
        "Not reviewed yet",
    )
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("B2", "A1:M3")


def test_a_zip_holds_every_table_sheet_as_csv(db, tmp_path):
    import zipfile

    path = tmp_path / "plan.zip"
    export_plan(db, path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == [
            "actions.csv",
            "history.csv",
            "risks.csv",
            "withdrawn.csv",
        ]
        text = archive.read("actions.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Reference", "Action", "Description"]
    assert len(rows) == 4  # the header and the three actions still in the plan


def test_a_groups_export_holds_only_their_actions_and_imports_back_unchanged(db, tmp_path):
    path = tmp_path / "wg2.xlsx"
    assert export_plan(db, path, groups=(2,)) == 1
    workbook = load_workbook(path)
    assert workbook.sheetnames == [
        "Summary (group 2)",
        "Actions (group 2)",
        "Withdrawn (group 2)",
        "Risks (group 2)",
        "History (group 2)",
    ]
    assert workbook["Summary (group 2)"]["A1"].value == (
        "The SEND improvement plan: Working group 2 only"
    )
    refs = [row[0] for row in workbook["Actions (group 2)"].iter_rows(min_row=2, values_only=True)]
    assert refs == ["2.1"]
    assert {
        row[0] for row in workbook["History (group 2)"].iter_rows(min_row=2, values_only=True)
    } == {"2.1"}
    report = import_plan(db, path, no_emails, now=LATER)
    assert (report.unchanged, report.created, report.updated) == (["2.1"], [], [])


def test_a_sheet_title_naming_too_many_groups_for_excel_is_shortened():
    assert ExportOptions(groups=(1, 3)).titled("History") == "History (groups 1 and 3)"
    assert ExportOptions(groups=(1, 3, 4, 5, 6)).titled("History") == "History (some groups)"
    assert ExportOptions().titled("History") == "History"
