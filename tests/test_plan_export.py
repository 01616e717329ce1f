"""Exporting the plan to XLSX and CSV, and reading the CSV back in with nothing changed."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
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
    admin = core_actor(database, "U0ADMIN01")
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


def test_xlsx_has_actions_risks_and_history_sheets(db, tmp_path):
    path = tmp_path / "plan.xlsx"
    assert export_plan(db, path) == 4

    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Actions", "Risks", "History"]
    actions = workbook["Actions"]
    header = [cell.value for cell in actions[1]]
    assert header == [column.name for column in ACTION_COLUMNS]
    assert all(cell.font.bold for cell in actions[1])
    assert actions.freeze_panes == "A2"
    assert actions.column_dimensions["B"].width == 50
    rows = [dict(zip(header, row, strict=True)) for row in actions.iter_rows(2, values_only=True)]
    assert [row["ref"] for row in rows] == ["1.1", "1.2", "1.10", "2.1"]  # 1.2 before 1.10
    dashboard = rows[1]
    assert dashboard["working_group"] == "1 Understanding of Need"
    assert dashboard["areas"] == "1; 3"
    assert (dashboard["owner"], dashboard["owner_name"], dashboard["sro"]) == (
        SAM,
        "Sam Smith",
        SAM,
    )
    assert dashboard["status"] == "Green (on track)"
    assert dashboard["original_due"] == datetime(2020, 3, 31)  # a real date cell
    assert dashboard["due"] == datetime(2020, 4, 15)
    assert dashboard["due_revised_reason"] == "Imported from plan.csv"
    assert dashboard["last_update"] == datetime(2020, 1, 20)
    assert actions.cell(row=3, column=header.index("due") + 1).number_format == "DD/MM/YYYY"
    assert rows[2]["withdrawn"] == datetime(2020, 2, 3)
    # A title that looks like a formula stays text: Excel must not run it.
    formula = actions.cell(row=5, column=2)
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://x")', "s")

    history = list(workbook["History"].iter_rows(values_only=True))
    assert history[0] == ("ref", "when", "who", "event", "field", "from", "to", "note")
    assert len(history) - 1 == history_count(db)
    assert (
        "1.2",
        "2020-02-03T09:30:00+00:00",
        "the plan import",
        "import",
        "due_date",
        "2020-03-31",
        "2020-04-15",
        "Imported from plan.csv",
    ) in history


def test_csv_holds_the_actions_with_day_first_dates(db, tmp_path):
    path = tmp_path / "plan.csv"
    assert export_plan(db, path) == 4

    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == [column.name for column in ACTION_COLUMNS]
    dashboard = rows[1]
    assert (dashboard["ref"], dashboard["description"]) == ("1.2", "Two\nlines")
    assert (dashboard["original_due"], dashboard["due"], dashboard["start"]) == (
        "31/03/2020",
        "15/04/2020",
        "",
    )
    assert rows[3]["title"] == '\'=HYPERLINK("http://x")'  # as Excel writes a text formula


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_imports_back_with_nothing_changed(db, tmp_path, suffix):
    path = tmp_path / f"export{suffix}"
    export_plan(db, path)
    before = history_count(db)

    report = import_plan(db, path, no_emails, now=LATER)

    assert report.unchanged == ["1.1", "1.2", "1.10", "2.1"]
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
    assert load_workbook(path)["Actions"].max_row == 1
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
    assert rows[3]["start"] == "06/01/2020"


def test_the_workbook_holds_the_risk_register_with_scores_and_bands(db, tmp_path):
    from bot.risk_service import RiskService

    risks = RiskService(db)
    owner = core_actor(db, "U0OWNER01")
    risks.handle(owner, "log Project manager not in post L4 I4 wg 1")
    risks.handle(owner, "log Minor data gap L1 I2")
    risks.handle(owner, "update R1 L2 Appointed")
    path = tmp_path / "plan.xlsx"
    export_plan(db, path)
    sheet = load_workbook(path)["Risks"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert (first["ref"], first["score"], first["band"], first["trend"]) == (
        "R1",
        8,
        "medium",
        "down",
    )
    assert (first["likelihood_name"], first["impact_name"]) == ("Unlikely", "Major")
    assert first["working_group"] == "1 Understanding of Need"
    assert [r[0] for r in rows[1:]] == ["R1", "R2"]


def test_a_zip_holds_every_sheet_as_csv(db, tmp_path):
    import zipfile

    path = tmp_path / "plan.zip"
    export_plan(db, path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["actions.csv", "history.csv", "risks.csv"]
        text = archive.read("actions.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["ref", "title", "description"]
    assert len(rows) == 5  # the header and the four actions


def test_a_groups_export_holds_only_their_actions_and_imports_back_unchanged(db, tmp_path):
    path = tmp_path / "wg2.xlsx"
    assert export_plan(db, path, groups=(2,)) == 1
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Actions (WG 2)", "Risks (WG 2)", "History (WG 2)"]
    refs = [row[0] for row in workbook["Actions (WG 2)"].iter_rows(min_row=2, values_only=True)]
    assert refs == ["2.1"]
    assert {
        row[0] for row in workbook["History (WG 2)"].iter_rows(min_row=2, values_only=True)
    } == {"2.1"}
    report = import_plan(db, path, no_emails, now=LATER)
    assert (report.unchanged, report.created, report.updated) == (["2.1"], [], [])


def test_a_sheet_title_naming_too_many_groups_for_excel_is_shortened():
    assert ExportOptions(groups=(1, 3)).titled("History") == "History (WG 1, 3)"
    assert ExportOptions(groups=tuple(range(1, 8))).titled("History") == "History (some groups)"
    assert ExportOptions().titled("History") == "History"
