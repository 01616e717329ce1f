"""Importing the plan from CSV and XLSX (SPEC §7) into a real, migrated database."""

import csv
import os
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.board_config import default_board
from bot.board_sync import sync_board
from bot.plan_import import (
    ChatDirectory,
    DirectoryEntry,
    ImportFileError,
    ImportReport,
    RejectedRow,
    import_plan,
    read_rows,
)
from bot.status import Status
from handlers.slack.ids import is_user_id
from sendbot.identities import find_lead
from storage import action_queries as q
from storage.database import Database
from storage.models import Action, ActionHistory, Person
from tests.conftest import BOT_TOKEN
from tests.support.preloaded import run_sendbot

NOW = datetime(2020, 1, 20, 10, 0, tzinfo=UTC)
LATER = datetime(2020, 2, 3, 9, 30, tzinfo=UTC)
HEADER = ["ref", "title", "working_group", "owner", "due"]
SAM = "U0SAM0001"
KIM = "U0KIM0001"


class Directory:
    """Stands in for Slack's users.lookupByEmail and counts how often it is asked."""

    def __init__(self) -> None:
        self.people = {"sam@example.org": SAM, "kim@example.org": KIM}
        self.calls: list[str] = []

    def __call__(self, email: str) -> DirectoryEntry | None:
        self.calls.append(email)
        found = self.people.get(email)
        return DirectoryEntry(found) if found else None

    def chat(self) -> ChatDirectory:
        return ChatDirectory("slack", "Slack", is_user_id, self)


def account(person: Person | None) -> str | None:
    """The Slack user ID of a person, as the file named them; None for a person without one."""
    return person.accounts[0].account_id if person is not None and person.accounts else None


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    sync_board(database, default_board(), find_lead)
    yield database
    database.dispose()


@pytest.fixture
def directory() -> Directory:
    return Directory()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def run(db: Database, path: Path, directory: Directory, **options) -> ImportReport:
    return import_plan(db, path, directory.chat(), now=options.pop("now", NOW), **options)


def count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def load(db: Database, ref: str) -> Action:
    with db.session() as session:
        action = q.find_action(session, ref)
        assert action is not None
        _ = action.history, action.working_group  # load before the session closes
        return action


GOOD = [
    HEADER + ["area", "status", "description", "sro", "start", "source"],
    [
        "1.1",
        "Joint needs assessment",
        "1",
        "U012AB3CD",
        "31/03/2020",
        "1;3",
        "green",
        "",
        "",
        "",
        "",
    ],
    [
        "WG2.1",
        "Commission speech therapy",
        "commissioning",
        "sam@example.org",
        "2020-04-30",
        "",
        "",
        "Both CCGs",
        "kim@example.org",
        "01/02/2020",
        "WSoA",
    ],
]


# Creating and updating


def test_csv_import_creates_actions_with_history(db, directory, tmp_path):
    report = run(db, write_csv(tmp_path / "plan.csv", GOOD), directory)

    assert report.created == ["1.1", "WG2.1"]
    assert (report.updated, report.unchanged, report.rejected) == ([], [], [])
    assert report.written
    first = load(db, "1.1")
    assert (first.title, account(first.owner), first.status) == (
        "Joint needs assessment",
        "U012AB3CD",
        "green",
    )
    assert first.due_date == first.original_due_date == date(2020, 3, 31)
    assert first.created_at == first.last_update_at == NOW
    second = load(db, "wg2.1")
    assert second.ref == "WG2.1" and second.ref_key == "WG2.1"
    assert second.working_group.number == 2
    assert (account(second.owner), account(second.sro)) == (SAM, KIM)
    assert (second.status, second.start_date, second.source) == (
        "not started",
        date(2020, 2, 1),
        "WSoA",
    )
    [created] = second.history
    assert (created.event, created.note, created.at) == ("created", "Imported from plan.csv", NOW)
    with db.session() as session:
        assert [area.number for area in q.find_action(session, "1.1").areas] == [1, 3]
        emails = {account(p): p.email for p in session.scalars(select(Person))}
    assert emails == {SAM: "sam@example.org", KIM: "kim@example.org", "U012AB3CD": None}


def test_xlsx_import_accepts_real_date_and_number_cells(db, directory, tmp_path):
    rows = [
        ["Ref", "Title", "Working Group", "Owner", "Due", "Area", "Start"],
        ["3.1", "Local Offer page", 3, "U012AB3CD", datetime(2020, 5, 1), 2, date(2020, 1, 6)],
        ["3.2", "Parent carer forum", 3.0, "U012AB3CD", "01/06/2020", "1; 2", None],
    ]
    report = run(db, write_xlsx(tmp_path / "plan.xlsx", rows), directory)

    assert report.created == ["3.1", "3.2"] and report.rejected == []
    action = load(db, "3.1")
    assert (action.due_date, action.start_date) == (date(2020, 5, 1), date(2020, 1, 6))
    assert action.history[0].note == "Imported from plan.xlsx"


def test_importing_the_same_file_again_changes_nothing(db, directory, tmp_path):
    path = write_csv(tmp_path / "plan.csv", GOOD)
    run(db, path, directory)
    before = (count(db, Action), count(db, ActionHistory))

    report = run(db, path, directory, now=LATER)

    assert report.unchanged == ["1.1", "WG2.1"]
    assert (report.created, report.updated, report.rejected) == ([], [], [])
    assert (count(db, Action), count(db, ActionHistory)) == before
    assert load(db, "1.1").last_update_at == NOW


def test_a_changed_row_updates_the_action_and_records_old_and_new(db, directory, tmp_path):
    run(db, write_csv(tmp_path / "plan.csv", GOOD), directory)
    changed = [row[:] for row in GOOD]
    changed[1][1] = "Joint strategic needs assessment"
    changed[1][4] = "30/04/2020"
    changed[1][6] = "Amber (at risk)"  # the label our export writes

    report = run(db, write_csv(tmp_path / "plan.csv", changed), directory, now=LATER)

    assert report.updated == ["1.1"] and report.unchanged == ["WG2.1"]
    action = load(db, "1.1")
    assert action.title == "Joint strategic needs assessment"
    assert (action.original_due_date, action.due_date) == (date(2020, 3, 31), date(2020, 4, 30))
    # An import is the bot's doing, not one person's: no person is named.
    assert (action.due_revised_by, action.due_revised_at) == (None, LATER)
    assert action.status == Status.AMBER and action.last_update_at == LATER
    changes = {h.field: (h.old_value, h.new_value) for h in action.history if h.event == "import"}
    assert changes == {
        "title": ("Joint needs assessment", "Joint strategic needs assessment"),
        "due_date": ("2020-03-31", "2020-04-30"),
        "status": ("green", "amber"),
    }
    assert {(h.actor_id, h.at) for h in action.history if h.event == "import"} == {(None, LATER)}


def test_an_empty_status_keeps_the_status_and_an_empty_cell_clears_other_fields(
    db, directory, tmp_path
):
    run(db, write_csv(tmp_path / "plan.csv", GOOD), directory)
    changed = [row[:] for row in GOOD]
    changed[1][6] = ""  # status
    changed[2][7] = ""  # description
    changed[2][5] = "2"  # area

    report = run(db, write_csv(tmp_path / "plan.csv", changed), directory)

    assert report.updated == ["WG2.1"] and report.unchanged == ["1.1"]
    assert load(db, "1.1").status == "green"
    action = load(db, "WG2.1")
    assert action.description is None
    changes = {h.field: (h.old_value, h.new_value) for h in action.history if h.event == "import"}
    assert changes == {"description": ("Both CCGs", None), "areas": (None, "2")}


def test_columns_left_out_of_the_file_leave_those_fields_alone(db, directory, tmp_path):
    run(db, write_csv(tmp_path / "plan.csv", GOOD), directory)
    short = [HEADER, GOOD[2][:5]]

    report = run(db, write_csv(tmp_path / "short.csv", short), directory)

    assert report.unchanged == ["WG2.1"]
    assert load(db, "WG2.1").description == "Both CCGs"


def test_a_withdrawn_action_can_be_reimported_but_not_changed(db, directory, tmp_path):
    path = write_csv(tmp_path / "plan.csv", GOOD)
    run(db, path, directory)
    with db.session() as session:
        q.find_action(session, "1.1").withdrawn_at = NOW
    assert run(db, path, directory).unchanged == ["1.1", "WG2.1"]
    changed = [row[:] for row in GOOD]
    changed[1][1] = "New title"

    report = run(db, write_csv(tmp_path / "plan.csv", changed), directory)

    assert report.rejected == [
        RejectedRow(2, "ref: 1.1 was withdrawn from the plan, so an import can't change it.")
    ]


# Reading the file


@pytest.mark.parametrize(
    "heading",
    ["working_group", "Working Group", "WORKINGGROUP", " working _Group ", "Working\nGroup"],
)
def test_headings_match_ignoring_case_spaces_and_underscores(db, directory, tmp_path, heading):
    rows = [
        ["REF", "Title ", heading, "Owner", "DUE"],
        ["1.1", "A", "1", "U012AB3CD", "31/03/2020"],
    ]
    assert run(db, write_csv(tmp_path / "plan.csv", rows), directory).created == ["1.1"]


def test_a_file_with_a_byte_order_mark_is_read(db, directory, tmp_path):
    rows = [HEADER, ["1.1", "Zoë's plan", "1", "U012AB3CD", "31/03/2020"]]
    path = write_csv(tmp_path / "plan.csv", rows, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    assert run(db, path, directory).created == ["1.1"]
    assert load(db, "1.1").title == "Zoë's plan"


def test_unknown_columns_are_ignored_with_one_warning(db, directory, tmp_path):
    rows = [HEADER + ["Colour", "Notes"], ["1.1", "A", "1", "U012AB3CD", "31/03/2020", "x", "y"]]
    report = run(db, write_csv(tmp_path / "plan.csv", rows), directory)
    assert report.warnings == [
        "These columns are not imported and were ignored: “Colour”, “Notes”."
    ]
    assert report.created == ["1.1"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            ["ref", "title", "working_group", "owner"],
            "The file has no “due” column. Required: ref, title, working_group, owner, due.",
        ),
        (
            ["ref", "title", "working_group"],
            "The file has no “owner” or “due” column. "
            "Required: ref, title, working_group, owner, due.",
        ),
        (
            HEADER + ["Due"],
            "The file has two “due” columns (“due” and “Due”). Keep one and try again.",
        ),
    ],
)
def test_a_bad_header_refuses_the_whole_file(db, directory, tmp_path, header, message):
    path = write_csv(tmp_path / "plan.csv", [header, ["1.1"]])
    with pytest.raises(ImportFileError) as caught:
        run(db, path, directory)
    assert str(caught.value) == message


def test_files_that_cannot_be_read_are_refused_in_one_line(db, directory, tmp_path):
    cases = {
        "plan.xls": (b"anything", "“plan.xls” is not a .csv or .xlsx file"),
        # Bytes that are neither UTF-8 nor Windows-1252 (0x81 and 0x90 mean nothing in it).
        "binary.csv": (
            f"{','.join(HEADER)}\n1.1,Zo".encode() + b"\x81\x90",
            "“binary.csv” is not text in UTF-8 or in Excel's older encoding",
        ),
        "broken.xlsx": (b"not a zip file", "“broken.xlsx” can't be read as an Excel workbook"),
        "empty.csv": (b"\n\n", "“empty.csv” is empty. It needs a header row"),
    }
    for name, (content, start) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ImportFileError) as caught:
            run(db, path, directory)
        assert str(caught.value).startswith(start)
        assert "\n" not in str(caught.value)
    with pytest.raises(ImportFileError, match="Can't open “missing.csv”"):
        run(db, tmp_path / "missing.csv", directory)


def test_a_pipe_is_refused_rather_than_read_until_it_ends(db, directory, tmp_path):
    pipe = tmp_path / "plan.csv"
    os.mkfifo(pipe)  # opening it to read would wait for a writer, and it need never end

    with pytest.raises(ImportFileError) as caught:
        run(db, pipe, directory)
    assert str(caught.value) == "“plan.csv” is not a file. Save the plan to a file first."


def test_a_long_list_of_unknown_columns_is_cut_short(db, directory, tmp_path):
    rows = [HEADER + [f"Extra {n}" for n in range(25)], VALID[:5]]
    [warning] = run(db, write_csv(tmp_path / "plan.csv", rows), directory).warnings
    assert warning.endswith("“Extra 8”, “Extra 9” and 15 more.")


def test_a_report_of_many_actions_names_the_first_fifty(db, directory, tmp_path):
    rows = [HEADER] + [[f"{n}.1", "A", "1", "U012AB3CD", "31/03/2020"] for n in range(1, 1_201)]
    report = run(db, write_csv(tmp_path / "plan.csv", rows), directory)
    [line] = report.lines()
    assert line.startswith("Created 1,200 actions: 1.1, 2.1, 3.1,")
    assert line.endswith(", 49.1, 50.1 and 1,150 more")


def test_csv_line_numbers_count_blank_lines_and_cells_that_span_lines(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "ref,title,working_group,owner,due,description\n"
        '1.1,A,1,U012AB3CD,31/03/2020,"two\nlines"\n'
        "\n"
        "1.2,B,1,U012AB3CD,31/03/2020,\n",
        encoding="utf-8",
    )
    assert [line for line, _ in read_rows(path).rows] == [2, 5]


def test_xlsx_line_numbers_are_sheet_rows(tmp_path):
    rows = [[], HEADER, ["1.1", "A", 1, "U012AB3CD", "31/03/2020"], [], ["1.2", "B", 1, "U0X", "x"]]
    assert [line for line, _ in read_rows(write_xlsx(tmp_path / "p.xlsx", rows)).rows] == [3, 5]


def test_rows_past_the_size_a_sheet_declares_are_read(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [HEADER, VALID[:5], ["1.2", "B", 1, "U012AB3CD", "x"]])
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    # openpyxl writes `<dimension ref="A1:E3" />`, or without the space when lxml is installed.
    assert re.search(rb'<dimension ref="A1:E3"\s*/>', parts[sheet])
    parts[sheet] = parts[sheet].replace(b'ref="A1:E3"', b'ref="A1:E2"')  # says one row too few
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    assert [line for line, _ in read_rows(path).rows] == [2, 3]


# Rejected rows


VALID = ["1.1", "A title", "1", "U012AB3CD", "31/03/2020", "", "", "", "", "", ""]
COLUMNS = [
    *HEADER,
    *("area", "status", "sro", "start", "description", "source"),
]


def bad_row(**cells: str) -> list[str]:
    row = dict(zip(COLUMNS, VALID, strict=True)) | {"ref": "2.1"} | cells
    return [row[column] for column in COLUMNS]


GROUPS = (
    "(groups: 1 Understanding of Need, 2 Commissioning, 3 Engagement and Co-production, "
    "4 Preparation for Adulthood, 5 Emotional Health and Wellbeing, 6 SEN Support)."
)
AREAS = "(areas: 1, 2, 3, 4, 5, 6, 7, 8, 9)."
NOT_A_REF = "is not an action reference — use up to 20 letters, numbers and dots, like 1.1"
NOT_A_USER = (
    "is not a Slack user ID, an email address or a name — use an ID like U012AB3CD, the "
    "person's work email, or their name or role."
)
NOT_A_STATUS = "is not a status — use G, Green, On track (green); A, Amber, At risk (amber); R,"
NOT_A_DATE = "is not a date I understand — try 30/04/2020, 2020-04-30 or 30 Apr 2020."
DAY_FIRST = "There is no month 13 — write dates day first, like 30/04/2020."


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"due": "31/02/2020"}, "due: There is no 31 February 2020."),
        ({"due": "02/13/2020"}, f"due: {DAY_FIRST}"),
        ({"due": ""}, "due: the due date is missing."),
        ({"ref": "1 1"}, f"ref: “1 1” {NOT_A_REF}, WG3.2 or A12."),
        ({"ref": ""}, "ref: the reference is missing."),
        ({"title": ""}, "title: the title is missing."),
        ({"title": "x" * 301}, "title: the title is 301 characters; the most is 300."),
        (
            {"description": "x" * 3001},
            "description: the text is 3,001 characters; the most is 3,000.",
        ),
        ({"source": "x" * 201}, "source: the source is 201 characters; the most is 200."),
        (
            {"working_group": "Finance"},
            f"working_group: there is no working group “Finance” {GROUPS}",
        ),
        ({"working_group": "7"}, f"working_group: there is no working group “7” {GROUPS}"),
        # A name or an unknown email is a person without a chat account (test_people_without_
        # accounts.py); what looks like a mistyped ID or email is still refused.
        ({"owner": "u0sam001"}, f"owner: “u0sam001” {NOT_A_USER}"),
        ({"sro": "ghost@example"}, f"sro: “ghost@example” {NOT_A_USER}"),
        ({"area": "12"}, f"area: there is no area 12 {AREAS}"),
        ({"area": "2;10;11"}, f"area: there is no area 10 or 11 {AREAS}"),
        (
            {"area": "two"},
            "area: “two” is not a list of area numbers — write the numbers, like 3, or 3; 5, "
            "or Areas 3 and 5.",
        ),
        (
            {"status": "purple"},
            f"status: “purple” {NOT_A_STATUS} Red, Off track, Delayed (red); B, Blue, Complete, "
            "Completed, Done, Embedded (blue); Not started, Not yet started (not started), or add "
            "the word to board.toml under [import] status_words.",
        ),
        (
            {"start": "01/04/2020"},
            "start: the start date 1 April 2020 is after the due date 31 March 2020.",
        ),
        ({"start": "soon"}, f"start: “soon” {NOT_A_DATE}"),
    ],
)
def test_each_bad_row_is_rejected_with_its_line_and_one_plain_reason(
    db, directory, tmp_path, cells, reason
):
    rows = [COLUMNS, VALID, bad_row(**cells)]
    report = run(db, write_csv(tmp_path / "plan.csv", rows), directory)
    assert report.rejected == [RejectedRow(3, reason)]
    assert not report.written


def test_every_problem_in_a_row_is_given_on_one_line_in_column_order(db, directory, tmp_path):
    rows = [COLUMNS, bad_row(status="purple", due="31/02/2020", working_group="Finance")]
    [rejected] = run(db, write_csv(tmp_path / "plan.csv", rows), directory).rejected
    assert rejected.reason.startswith("working_group: there is no working group “Finance”")
    assert (
        "; due: There is no 31 February 2020; status: “purple” is not a status" in rejected.reason
    )


def test_a_ref_used_twice_is_rejected_on_its_second_line(db, directory, tmp_path):
    rows = [
        HEADER,
        VALID[:5],
        ["2.1", "B", "1", "U012AB3CD", "31/03/2020"],
        ["1.1 ", "C", "1", "U012AB3CD", "31/03/2020"],
        ["wg1.1", "D", "1", "U0X1", "31/03/2020"],
        ["WG1.1", "E", "1", "U0X1", "31/03/2020"],
    ]
    report = run(db, write_csv(tmp_path / "plan.csv", rows), directory, skip_invalid=True)
    assert report.rejected == [
        RejectedRow(4, "ref: 1.1 already appears on line 2."),
        RejectedRow(6, "ref: WG1.1 already appears on line 5."),
    ]
    assert report.created == ["1.1", "2.1", "wg1.1"]


def test_one_bad_row_means_nothing_is_written(db, directory, tmp_path):
    rows = [COLUMNS, VALID, bad_row(due="31/02/2020"), bad_row(ref="3.1", owner="sam@example.org")]
    report = run(db, write_csv(tmp_path / "plan.csv", rows), directory)

    assert report.rejected == [RejectedRow(3, "due: There is no 31 February 2020.")]
    assert not report.written and report.created == []
    assert (count(db, Action), count(db, ActionHistory), count(db, Person)) == (0, 0, 0)
    assert report.lines()[-1].startswith("Nothing was imported because 1 row has problems.")


def test_skip_invalid_writes_the_good_rows(db, directory, tmp_path):
    rows = [COLUMNS, VALID, bad_row(due="31/02/2020"), bad_row(ref="3.1", owner="sam@example.org")]
    report = run(db, write_csv(tmp_path / "plan.csv", rows), directory, skip_invalid=True)

    assert report.written and report.created == ["1.1", "3.1"]
    assert report.rejected == [RejectedRow(3, "due: There is no 31 February 2020.")]
    # The owners of 1.1 (a user ID) and 3.1 (found by email) are people now.
    assert (count(db, Action), count(db, ActionHistory), count(db, Person)) == (2, 2, 2)
    assert report.lines() == [
        "Created 2 actions: 1.1, 3.1",
        "Summary:",
        "  1 row with a problem in “due”",
        "Line 3: due: There is no 31 February 2020.",
        "Left out 1 row with problems.",
    ]


def test_each_email_is_looked_up_once(db, directory, tmp_path):
    rows = [COLUMNS] + [
        bad_row(ref=f"{n}.1", owner=owner, sro=sro)
        for n, (owner, sro) in enumerate(
            [
                ("sam@example.org", "kim@example.org"),
                ("SAM@example.org", "sam@example.org"),
                ("nobody@example.org", ""),
                ("kim@example.org", "Nobody@Example.org"),
            ],
            start=1,
        )
    ]
    report = run(db, write_csv(tmp_path / "plan.csv", rows), directory, skip_invalid=True)

    assert sorted(directory.calls) == ["kim@example.org", "nobody@example.org", "sam@example.org"]
    # The one nobody on Slack has is kept once, as a person without a chat account.
    assert report.rejected == []
    assert report.without_account == ["nobody@example.org"]


# Any text at all: imported or rejected in one line, never a crash


# Mostly-sensible rows with a few cells replaced by any text at all, so that both imports and
# rejections happen often.
SENSIBLE = st.tuples(
    st.sampled_from(["1.1", "WG2.1", "A3", "1.1 ", "b4"]),
    st.sampled_from(["A title", "Zoë's “plan”"]),
    st.sampled_from(["1", "SEN Support", "wg 3", "2 Commissioning"]),
    st.sampled_from(["U012AB3CD", "sam@example.org", "@U0KIM0001"]),
    st.sampled_from(["31/03/2020", "2020-04-01", "1 Feb 2020"]),
    st.sampled_from(["", "1;3", "2, 4"]),
    st.sampled_from(["", "green", "Blue (complete)", "done"]),
    st.sampled_from(["", "kim@example.org"]),
    st.sampled_from(["", "01/01/2020"]),
    st.sampled_from(["", "Some words", "=1+1"]),
    st.sampled_from(["", "WSoA"]),
)
ANY_TEXT = st.dictionaries(st.integers(0, len(COLUMNS) - 1), st.text(max_size=12), max_size=3)


@st.composite
def plan_row(draw: st.DrawFn) -> list[str]:
    row = list(draw(SENSIBLE))
    for index, text in draw(ANY_TEXT).items():
        row[index] = text
    return row


ROWS = st.lists(plan_row(), min_size=1, max_size=3)


def snapshot(db: Database) -> list[tuple]:
    with db.session() as session:
        actions = [
            (a.ref_key, a.title, a.due_date, a.status, account(a.owner), a.version)
            for a in session.scalars(select(Action).order_by(Action.id))
        ]
        people = [(account(p), p.email) for p in session.scalars(select(Person))]
    return [actions, people, count(db, ActionHistory)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ROWS, skip_invalid=st.booleans())
def test_any_cells_are_imported_or_rejected_in_one_line(db, tmp_path, rows, skip_invalid):
    path = write_csv(tmp_path / "plan.csv", [COLUMNS, *rows])
    lines = [line for line, _ in read_rows(path).rows]
    before = snapshot(db)

    report = import_plan(db, path, Directory().chat(), skip_invalid=skip_invalid, now=NOW)

    for rejected in report.rejected:
        assert rejected.line in lines
        assert rejected.reason and rejected.reason.splitlines() == [rejected.reason]
    if report.rejected and not skip_invalid:
        assert not report.written
        assert snapshot(db) == before
    else:
        assert report.written
        done = report.created + report.updated + report.unchanged
        assert len(done) + len(report.rejected) == len(lines)


def test_a_past_due_date_is_imported_with_a_warning_and_a_relative_one_refused(
    db, directory, tmp_path
):
    rows = [
        COLUMNS,
        bad_row(ref="1.1", due="10/01/2020"),  # open and past: imported, with a warning
        bad_row(ref="1.2", due="09/01/2020", status="blue"),  # complete: nothing to say
        bad_row(ref="1.3", due="20/01/2020"),  # due today: not past
    ]
    report = run(db, write_csv(tmp_path / "plan.csv", rows), directory)
    assert report.created == ["1.1", "1.2", "1.3"]
    assert report.past_due == [
        "Line 2: 1.1 is due 10 January 2020, which is in the past — imported as it is; "
        "it will show as overdue."
    ]
    assert report.lines()[0] == "Created 3 actions: 1.1, 1.2, 1.3"
    assert report.lines()[-1] == report.past_due[0]
    many = ImportReport(written=True, past_due=[f"Line {n}: …" for n in range(2, 27)])
    assert (
        many.lines()[1]
        == "  25 rows: due date in the past — kept as written; it will show as overdue"
    )
    assert many.lines()[-2:] == ["Line 21: …", "5 more rows are due in the past."]
    assert load(db, "1.1").due_date == date(2020, 1, 10)

    refused = run(
        db, write_csv(tmp_path / "later.csv", [COLUMNS, bad_row(due="tomorrow")]), directory
    )
    assert refused.rejected == [
        RejectedRow(
            2,
            "due: “tomorrow” depends on the day it is read — write the date itself, "
            "like 30/04/2020.",
        )
    ]


# Values as trackers write them (issue 13, item 3)

TRACKER = [
    ["Ref", "Title", "Working group", "Owner", "Due", "Area", "Status", "Start"],
    [
        "3.7 (added Oct 24)",
        "Co-production charter",
        "Engagement & Co-production",
        "U012AB3CD",
        "Feb 2020",
        "AoW3",
        "G",
        "TBC",
    ],
    ["1.1", "Joint needs assessment", "WS1", "U012AB3CD", "Q2 2020/21", "3 & 5", "On track", None],
    ["1.2", "Data dashboard", "1. Understanding of Need", "U012AB3CD", "31/03/20", "Areas 3 and 5"],
    ["2.1", "Speech therapy", "Workstream 2", "U012AB3CD", 43951, "Area 2", "Embedded", 43836],
    ["4.1", "Transitions", "4", "U012AB3CD", "Ongoing"],
    ["4.2", "Short breaks", "2 SEN Support", "U012AB3CD", "Q2 2020", "", "Amber/Red"],
]


def test_a_tracker_s_values_are_read_as_written_and_each_guess_is_noted(db, directory, tmp_path):
    path = write_xlsx(tmp_path / "tracker.xlsx", TRACKER)
    report = run(db, path, directory, skip_invalid=True)

    assert report.created == ["3.7", "1.1", "1.2", "2.1", "4.1"]
    assert report.rejected == [
        RejectedRow(
            7,
            "working_group: there is no working group “2 SEN Support” "
            + GROUPS[:-1]
            + "; due: “Q2 2020” could be a calendar or a financial quarter — write the financial "
            "year, like Q2 2020/21, or the date itself; status: “Amber/Red” reads as both amber "
            "and red — give one status.",
        ),
    ]
    assert [(n.line, n.kind) for n in report.notes] == [
        (2, "reference “3.7 (added Oct 24)” read as 3.7, the remark kept in its history"),
        (
            2,
            "due date “Feb 2020” read as Friday 28 February 2020 (the last working day of "
            "February 2020)",
        ),
        (2, "status “G” read as green"),
        (2, "start date “TBC” left empty (no date agreed)"),
        (
            3,
            "due date “Q2 2020/21” read as Wednesday 30 September 2020 (the end of Q2 of the "
            "financial year 2020/21)",
        ),
        (3, "working group “WS1” read as 1 Understanding of Need"),
        (4, "due date “31/03/20” read as Tuesday 31 March 2020 (a two-digit year, read as 2020)"),
        (5, "due date “43951” read as Thursday 30 April 2020 (an Excel date number)"),
        (5, "status “Embedded” read as blue"),
        (5, "start date “43836” read as Monday 6 January 2020 (an Excel date number)"),
        (5, "working group “Workstream 2” read as 2 Commissioning"),
        (6, "due date “Ongoing” read as no date agreed"),
    ]
    with db.session() as session:
        read = {
            a.ref: (a.working_group.number, [x.number for x in a.areas], a.due_date, a.status)
            for a in session.scalars(select(Action).options(selectinload(Action.areas)))
        }
    assert read == {
        "3.7": (3, [3], date(2020, 2, 28), "green"),
        "1.1": (1, [3, 5], date(2020, 9, 30), "green"),
        "1.2": (1, [3, 5], date(2020, 3, 31), "not started"),
        "2.1": (2, [2], date(2020, 4, 30), "blue"),
        "4.1": (4, [], None, "not started"),
    }
    charter = load(db, "3.7")
    assert charter.start_date is None
    assert charter.history[0].note == (
        "Imported from tracker.xlsx. The plan's remark on 3.7: added Oct 24"
    )

    history = count(db, ActionHistory)
    again = run(db, path, directory, skip_invalid=True, now=LATER)
    assert again.unchanged == ["3.7", "1.1", "1.2", "2.1", "4.1"] and again.updated == []
    assert count(db, ActionHistory) == history


def test_sendbot_import_reads_a_tracker_with_the_board_s_own_status_words(
    database_url, standin, tmp_path
):
    board = tmp_path / "board.toml"
    board.write_text('[import]\nstatus_words = { "Slipping" = "amber" }\n', encoding="utf-8")
    plan = write_csv(
        tmp_path / "tracker.csv",
        [
            ["ref", "title", "working_group", "owner", "due", "area", "status"],
            ["1.1", "Joint needs assessment", "WS1", "U012AB3CD", "Sept 27", "AoW 3", "Slipping"],
            ["2.1", "Therapy review", "2 - Commissioning", "U012AB3CD", "31-Mar-28", "3, 5", "B"],
            ["3.1", "Charter", "Engagement & co-production", "U0X1", "Q3 2027/28", "3", "Delayed"],
            ["4.1", "Transitions", "4", "U012AB3CD", "TBC"],
        ],
    )
    settings = {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "BOARD_CONFIG": str(board),
    }

    done = run_sendbot("import", str(plan), "--skip-invalid", cwd=tmp_path, **settings)

    assert done.returncode == 0, done.stderr
    said = done.stdout.splitlines()
    assert said[0] == "Created 4 actions: 1.1, 2.1, 3.1, 4.1"
    assert "Line 5: due date “TBC” read as no date agreed." in said
    db = Database(database_url)
    with db.session() as session:
        read = {
            a.ref: (a.working_group.number, [x.number for x in a.areas], a.due_date, a.status)
            for a in session.scalars(select(Action).options(selectinload(Action.areas)))
        }
    db.dispose()
    assert read == {
        "1.1": (1, [3], date(2027, 9, 30), "amber"),
        "2.1": (2, [3, 5], date(2028, 3, 31), "blue"),
        "3.1": (3, [3], date(2027, 12, 31), "red"),
        "4.1": (4, [], None, "not started"),
    }
