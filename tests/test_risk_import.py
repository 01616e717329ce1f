"""A risk register comes in with the plan (issue 13, item 8; SPEC §7): a Risks sheet beside the
actions, or a CSV file of its own, with the headings and scores councils use, through
`sendbot import`; our own export comes back unchanged; `/risk show` says what the import added."""

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from storage.database import Database
from storage.models import Action, Risk
from tests.conftest import BOT_TOKEN, OWNER
from tests.support.cli import operator_settings
from tests.support.preloaded import run_sendbot
from tests.test_teams_door import (
    door,  # noqa: F401
    sender,  # noqa: F401
)
from tests.test_teams_import import board_team, installed, teams, teams_settings  # noqa: F401

PEOPLE = {"U0RISKOWN1": ("Amir Khan", "amir.khan@staffs.example")}


@pytest.fixture
def env(database_url: str, standin) -> dict[str, str]:
    return operator_settings(database_url, standin, PEOPLE)


def risks(database_url: str) -> dict[str, dict]:
    db = Database(database_url)
    try:
        with db.session() as session:
            return {
                r.ref: {
                    "description": r.description,
                    "owner": r.owner.email or r.owner.name,
                    "group": r.working_group.number if r.working_group else None,
                    "score": (r.likelihood, r.impact),
                    "mitigation": r.mitigation,
                    "review": r.review_date.isoformat() if r.review_date else None,
                    "status": r.status,
                    "trend": r.trend,
                    "by": r.created_by,
                    "history": [(h.event, h.actor_id, h.new_value) for h in r.history],
                }
                for r in session.scalars(select(Risk).order_by(Risk.number))
            }
    finally:
        db.dispose()


def staffordshire_workbook(path: Path) -> Path:
    """An APP with its actions on one sheet and, on another, a risk register laid out as
    Staffordshire's: title rows, "Risk No.", inherent and residual scores, controls, a RAG."""
    book = Workbook()
    actions = book.active
    actions.title = "APP actions"
    for row in (
        ["Ref", "Action", "Workstream", "Lead officer", "By when", "RAG"],
        ["1.1", "Refresh the JSNA", "1", "amir.khan@staffs.example", "31/03/2027", "G"],
    ):
        actions.append(row)
    risks_sheet = book.create_sheet("APP risk register")
    for row in (
        ["Staffordshire SEND Accelerated Progress Plan — risk register"],
        ["Reviewed at the SEND Improvement Board, March 2027"],
        [],
        ["Risk No.", "Risk Description", "Risk Owner", "Workstream", "Inherent Risk (L x I)"]
        + ["Controls in place", "Residual Risk", "RAG", "Direction of travel", "Review date"]
        + ["Status"],
        [
            "1",
            "EHC plans late because of educational psychologist vacancies",
            "amir.khan@staffs.example",
            "1",
            "5x4",
            "Locum EPs; recruitment drive",
            "L4 x I3",
            "Amber",
            "↓",
            datetime(2027, 4, 30),
            "Open",
        ],
        [
            "APP-R02",
            "Parents lose trust if co-production is tokenistic",
            "Head of SEND",
            "Engagement & Co-production",
            "4x4",
            "Parent carer forum co-chairs the board",
            "3x3",
            "Amber",
            "Static",
            "Jun 2027",
            "Live",
        ],
        [
            "3",
            "Funding for the data dashboard ends",
            "Head of SEND",
            None,
            "16",
            None,
            "9",
            "Amber",
            None,
            None,
            "Closed",
        ],
        ["Key: L = likelihood, I = impact"],
    ):
        risks_sheet.append(row)
    book.save(path)
    return path


def test_a_staffordshire_style_risk_register_imports_beside_the_actions(
    tmp_path, env, database_url
):
    path = staffordshire_workbook(tmp_path / "app.xlsx")
    done = run_sendbot("import", str(path), cwd=tmp_path, **env)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Created 1 action: 1.1" in out
    assert "Risk register (“APP risk register”):" in out
    assert "Created 3 risks: R1, R4 (APP-R02), R3" in out
    kept = "inherent score kept in the risk's history; the residual score is its score"
    assert f"3 rows: {kept}" in out
    assert "1 row: register's own ref kept in the risk's history; next free R number given" in out
    assert "2 rows: title rows above the header skipped" in out and "Line 8: footer skipped" in out
    found = risks(database_url)
    assert found["R1"]["score"] == (4, 3) and found["R1"]["trend"] == "down"
    assert found["R1"]["owner"] == "amir.khan@staffs.example"
    assert found["R1"]["review"] == "2027-04-30" and found["R1"]["by"] is None
    assert ("inherent", None, "L5 x I4 = 20") in found["R1"]["history"]
    assert found["R4"]["owner"] == "Head of SEND" and found["R4"]["group"] == 3
    assert found["R4"]["score"] == (3, 3) and found["R4"]["trend"] == "same"
    assert found["R4"]["review"] == "2027-06-30"
    assert ("logged", None, "APP-R02") in found["R4"]["history"]
    # "16" splits one way only (4×4) and "9" likewise; closed as written.
    assert found["R3"]["score"] == (3, 3) and found["R3"]["status"] == "closed"
    assert ("inherent", None, "L4 x I4 = 16") in found["R3"]["history"]

    again = run_sendbot("import", str(path), cwd=tmp_path, **env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Unchanged: 3 risks" in again.stdout and "Unchanged: 1 action" in again.stdout
    assert len(risks(database_url)) == 3  # the register's own ref found again, not duplicated


CSV_HEADER = "Risk ref,Cause,Event,Consequence,Owner,Likelihood,Impact,Current score,Trend\n"


def test_a_csv_register_with_cause_event_and_effect_and_a_score_that_could_be_two(
    tmp_path, env, database_url
):
    path = tmp_path / "risks.csv"
    path.write_text(
        CSV_HEADER
        + "R2,Staff leave,Annual reviews slip,Plans out of date,amir.khan@staffs.example,"
        "Likely,Major,,Increasing\n"
        + "R5,,Transport contract ends,,amir.khan@staffs.example,,,12,\n",
        encoding="utf-8",
    )
    check = run_sendbot("import", "--check", str(path), cwd=tmp_path, **env)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "Would create 1 risk: R2" in check.stdout
    assert "1 row with a problem in “score”" in check.stdout
    assert "Line 3: score: 12 could be more than one likelihood × impact" in check.stdout
    assert "This was a check: nothing was written." in check.stdout
    assert risks(database_url) == {}

    done = run_sendbot("import", "--skip-invalid", str(path), cwd=tmp_path, **env)
    assert done.returncode == 0, done.stdout + done.stderr
    found = risks(database_url)
    assert list(found) == ["R2"]
    assert found["R2"]["description"] == "Staff leave → Annual reviews slip → Plans out of date"
    assert found["R2"]["score"] == (4, 4) and found["R2"]["trend"] == "up"

    # Rescored in the register: an update with history by the import, nothing duplicated.
    path.write_text(
        CSV_HEADER + "2,Staff leave,Annual reviews slip,Plans out of date,"
        "amir.khan@staffs.example,Possible,Major,3x4,Decreasing\n",
        encoding="utf-8",
    )
    updated = run_sendbot("import", str(path), cwd=tmp_path, **env)
    assert "Updated 1 risk: R2" in updated.stdout, updated.stdout + updated.stderr
    found = risks(database_url)
    assert found["R2"]["score"] == (3, 4) and found["R2"]["trend"] == "down"
    assert ("rescored", None, None) in found["R2"]["history"]


def test_our_own_export_imports_back_unchanged(tmp_path, env, database_url):
    path = staffordshire_workbook(tmp_path / "app.xlsx")
    assert run_sendbot("import", str(path), cwd=tmp_path, **env).returncode == 0
    exported = tmp_path / "export.xlsx"
    wrote = run_sendbot("export", str(exported), cwd=tmp_path, **env)
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    back = run_sendbot("import", str(exported), cwd=tmp_path, **env)
    assert back.returncode == 0, back.stdout + back.stderr
    assert "Risk register (“Risks”):" in back.stdout
    assert "Unchanged: 3 risks" in back.stdout and "Unchanged: 1 action" in back.stdout
    assert "Created" not in back.stdout and "Updated" not in back.stdout


def test_risk_show_says_the_import_added_it(tmp_path, chat, runtime, standin, database_url):
    path = tmp_path / "risks.csv"
    path.write_text(
        "Risk No.,Risk description,Risk owner,Likelihood,Impact,Inherent risk,Residual risk\n"
        f"APP-R07,Sufficiency of specialist places,{OWNER},4,5,4x5,4x5\n",
        encoding="utf-8",
    )
    env = {"DATABASE_URL": database_url, "SLACK_API_URL": standin.url, "SLACK_BOT_TOKEN": BOT_TOKEN}
    done = run_sendbot("import", str(path), cwd=tmp_path, **env)
    assert "Created 1 risk: R1 (APP-R07)" in done.stdout, done.stdout + done.stderr
    shown = chat.says("show R1", OWNER, "/risk")
    assert "the plan import: Added by import with score 20 (the register's ref APP-R07)" in shown
    assert "Inherent score before controls: L4 x I5 = 20" in shown


def test_on_teams_the_register_owner_is_found_in_the_board_team(
    tmp_path,
    teams,  # noqa: F811
    board_team,  # noqa: F811
    installed,  # noqa: F811
    database_url,
):
    priya = teams.add_member("Priya Shah", "priya.shah@council.example", teams=(board_team,))
    path = tmp_path / "risks.csv"
    path.write_text(
        "Risk ID,Risk,Risk owner,Score,RAG,Status\n"
        "R1,Too few educational psychologists,priya.shah@council.example,L4 x I4,Red,Open\n",
        encoding="utf-8",
    )
    done = run_sendbot(
        "import", str(path), cwd=tmp_path, **teams_settings(teams, database_url, board_team)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Created 1 risk: R1" in done.stdout
    assert "Worked out from each risk's score, so not read: “RAG”." in done.stdout
    db = Database(database_url)
    try:
        with db.session() as session:
            (risk,) = session.scalars(select(Risk))
            assert risk.score == 16
            assert [(a.platform, a.account_id) for a in risk.owner.accounts] == [
                ("teams", priya.aad_object_id)
            ]
    finally:
        db.dispose()


def test_a_bad_risk_row_stops_the_actions_too_one_unit_of_work(tmp_path, env, database_url):
    path = staffordshire_workbook(tmp_path / "app.xlsx")
    book = load_workbook(path)
    book["APP risk register"]["G6"] = "12"  # residual 12 with no likelihood or impact: two splits
    book.save(path)

    done = run_sendbot("import", str(path), cwd=tmp_path, **env)

    assert done.returncode == 1
    assert "Line 6: score: 12 could be more than one likelihood × impact" in done.stdout
    assert "Nothing was imported because 1 row has problems." in done.stdout
    assert risks(database_url) == {}
    db = Database(database_url)
    try:
        with db.session() as session:
            assert session.scalars(select(Action)).all() == []
    finally:
        db.dispose()


def test_plain_headings_a_consequence_score_and_no_ref_found_again_by_its_words(
    tmp_path, env, database_url
):
    path = tmp_path / "register.csv"
    path.write_text(
        "Ref,Description,Owner,Likelihood,Consequence,Mitigation,Review date,Status\n"
        ",Health data not shared with education,Designated Clinical Officer,Possible,3,"
        "Data-sharing agreement drafted,30/06/2027,Open\n",
        encoding="utf-8",
    )
    done = run_sendbot("import", str(path), cwd=tmp_path, **env)
    assert "Created 1 risk: R1" in done.stdout, done.stdout + done.stderr
    assert "1 row: no reference: given the next free R number" in done.stdout
    assert "1 row: “Consequence” read as the impact score" in done.stdout
    assert risks(database_url)["R1"]["score"] == (3, 3)
    assert risks(database_url)["R1"]["owner"] == "Designated Clinical Officer"

    again = run_sendbot("import", str(path), cwd=tmp_path, **env)
    assert "Unchanged: 1 risk" in again.stdout, again.stdout + again.stderr
    assert list(risks(database_url)) == ["R1"]
