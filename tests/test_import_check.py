"""`sendbot import --check FILE` (SPEC §7): says what an import would do, writes nothing and needs
no token; and `--skip-invalid` that leaves every row out is not taken for success.

Run in-process through `sendbot.cli.main`, the entry point `python -m sendbot` calls, with the
settings in the environment as an operator gives them."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, inspect, text

from bot.plan_import import ImportNote, ImportReport, RejectedRow
from storage.database import normalize_url
from tests.conftest import BOARD_TOML, BOT_TOKEN
from tests.support.cli import SETTINGS, sendbot_in_process

HEADER = "ref,title,working_group,owner,due,area,status,Comments\n"
FIRST = HEADER + (
    "1.1,Joint strategic needs assessment,1,U0PRIYA01,31/03/2020,,green,G\n"
    "2.1,Speech and language therapy review,Commissioning,U0TOM0001,30/04/2020,,,A\n"
)
# 1.1 retitled, 2.1 as it was, 3.1 new (its owner by email, in a group only board.toml has yet),
# 4.1 due before today, 5.1 with a date that does not exist.
SECOND = HEADER + (
    "1.1,Publish the joint strategic needs assessment,1,U0PRIYA01,31/03/2020,,green,G\n"
    "2.1,Speech and language therapy review,Commissioning,U0TOM0001,30/04/2020,,,A\n"
    "3.1,Short breaks review,7,kim@council.example,30/06/2020,,,\n"
    "4.1,Refresh the local offer,1,U0PRIYA01,10/01/2020,,,\n"
)
BAD_ROW = "5.1,Bad date,1,U0PRIYA01,31/02/2020,,,\n"
NEW_GROUP = '\n[[working_groups]]\nnumber = 7\nname = "Short Breaks"\n'


@pytest.fixture
def operator(database_url, tmp_path, monkeypatch, standin):
    """`sendbot` as an operator runs it in a folder with the board file: settings from the
    environment only, no token unless a test gives one."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    board = tmp_path / "board.toml"
    board.write_text(BOARD_TOML, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOARD_CONFIG", str(board))
    with time_machine.travel(datetime(2020, 1, 20, 10, 0, tzinfo=UTC), tick=False):
        yield board


sendbot = sendbot_in_process


def with_token(monkeypatch, standin) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", standin.url)


def without_token(monkeypatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.delenv("SLACK_API_URL")


def row_counts(database_url: str) -> dict[str, int]:
    engine = create_engine(normalize_url(database_url))
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            return {
                t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables
            }
    finally:
        engine.dispose()


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_a_check_says_what_an_import_would_do_writes_nothing_and_needs_no_token(
    operator, database_url, tmp_path, monkeypatch, standin, capsys
):
    with_token(monkeypatch, standin)
    assert sendbot("import", str(write(tmp_path, "first.csv", FIRST))) == 0
    without_token(monkeypatch)
    operator.write_text(BOARD_TOML + NEW_GROUP, encoding="utf-8")  # group 7: not yet synced
    before = row_counts(database_url)
    capsys.readouterr()

    status = sendbot("import", "--check", str(write(tmp_path, "second.csv", SECOND + BAD_ROW)))
    out = capsys.readouterr().out.splitlines()

    assert status == 1  # a row has problems
    assert row_counts(database_url) == before  # not the actions, nor the board's new group
    assert out == [
        "Would create 2 actions: 3.1, 4.1",
        "Would update 1 action: 1.1",
        "Would leave 1 action unchanged.",
        "These columns are not imported and were ignored: “Comments”.",
        "Summary:",
        "  1 row: due date in the past — kept as written; it will show as overdue",
        "  1 row with a problem in “due”",
        "Line 6: due: There is no 31 February 2020.",
        "Line 5: 4.1 is due 10 January 2020, which is in the past — imported as it is; "
        "it will show as overdue.",
        "Would look up 1 person by email on Slack: kim@council.example",
        "Would look up 2 people by Slack user ID, for their names: U0PRIYA01, U0TOM0001",
        "Would import nothing as it stands, because 1 row has problems. Fix them, or import "
        "with --skip-invalid to leave those rows out.",
        "This was a check: nothing was written.",
    ]

    # The same file without its bad row is clean: the check says so with status 0.
    assert sendbot("import", "--check", str(write(tmp_path, "clean.csv", SECOND))) == 0
    clean = capsys.readouterr().out.splitlines()
    assert clean[:3] == [
        "Would create 2 actions: 3.1, 4.1",
        "Would update 1 action: 1.1",
        "Would leave 1 action unchanged.",
    ]
    assert clean[-1] == "This was a check: nothing was written."
    assert row_counts(database_url) == before


def test_skip_invalid_that_leaves_every_row_out_fails_and_the_help_names_exit_codes(
    operator, database_url, tmp_path, monkeypatch, standin, capsys
):
    all_bad = write(tmp_path, "bad.csv", HEADER + BAD_ROW + BAD_ROW.replace("5.1", "6.1"))
    assert sendbot("import", "--check", "--skip-invalid", str(all_bad)) == 1
    out = capsys.readouterr().out.splitlines()
    assert "  2 rows with a problem in “due”" in out
    assert out[-2:] == [
        "Would import nothing: every row has problems.",
        "This was a check: nothing was written.",
    ]

    # A board on Teams alone: the check names Teams, and still asks nobody.
    monkeypatch.setenv("TEAMS_APP_ID", "00000000-0000-0000-0000-000000000001")
    monkeypatch.setenv("TEAMS_APP_PASSWORD", "not-a-real-password")
    monkeypatch.setenv("TEAMS_TENANT_ID", "00000000-0000-0000-0000-000000000002")
    on_teams = write(tmp_path, "teams.csv", HEADER + "7.1,Title,1,kim@council.example,31/03/2020")
    assert sendbot("import", "--check", str(on_teams)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Would create 1 action: 7.1"
    assert "Would look up 1 person by email on Teams: kim@council.example" in out
    for name in ("TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID"):
        monkeypatch.delenv(name)

    with_token(monkeypatch, standin)
    assert sendbot("import", "--skip-invalid", str(all_bad)) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "Left out 2 rows with problems.",
        "Nothing was imported: every row has problems.",
    ]
    assert row_counts(database_url)["actions"] == 0

    with pytest.raises(SystemExit):
        sendbot("import", "--help")
    help_text = capsys.readouterr().out
    assert "--check" in help_text and "needs no token" in help_text
    assert "exit status:" in help_text and "  1  some rows have problems" in help_text


def test_the_report_counts_each_kind_of_note_first_then_names_each_line():
    green = "status “G” read as green"
    report = ImportReport(
        created=["1.1", "1.2", "1.3"],
        rejected=[RejectedRow(4, "owner: no Slack user has the email x@y.example.")],
        notes=[
            ImportNote(5, green),
            ImportNote(2, green),
            ImportNote(3, "section heading skipped"),
            ImportNote(2, "area “AoW3” read as 3"),
            ImportNote(6, green),
        ],
        written=True,
        skip_invalid=True,
    )
    assert report.lines() == [
        "Created 3 actions: 1.1, 1.2, 1.3",
        "Summary:",
        "  3 rows: status “G” read as green",
        "  1 row: section heading skipped",
        "  1 row: area “AoW3” read as 3",
        "  1 row with a problem in “owner”",
        "Line 2: status “G” read as green; area “AoW3” read as 3.",
        "Line 3: section heading skipped.",
        "Line 4: owner: no Slack user has the email x@y.example.",
        "Line 5: status “G” read as green.",
        "Line 6: status “G” read as green.",
        "Left out 1 row with problems.",
    ]
