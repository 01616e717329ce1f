"""Who may `/summary export` (issue 10): admins the whole plan, working group leads their own
groups' part of it, anyone else nothing. Asked through the door; files caught by the stand-in."""

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import ADMIN, BOARD_TOML, OTHER, OWNER
from tests.support.speak import SlackVoice

pytestmark = pytest.mark.usefixtures("plan")

LEAD_OF_1_AND_3 = "U0LEADTWO"
LEAD_OF_2 = "U0LEADONE"
REFUSAL = (
    "Only an admin (the board chair or project manager) or a working group lead can export the "
    "plan: admins get the whole plan, leads their own group's actions. Nothing was sent."
)


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    """The tests' board, with Working Groups 1 and 3 led by one person and 2 by another."""
    text = BOARD_TOML.replace(
        'name = "Understanding of Need"\nlead = "U0LEAD001"',
        f'name = "Understanding of Need"\nlead = "{LEAD_OF_1_AND_3}"',
    )
    text = text.replace('name = "Commissioning"', f'name = "Commissioning"\nlead = "{LEAD_OF_2}"')
    text = text.replace(
        'name = "Engagement and Co-production"',
        f'name = "Engagement and Co-production"\nlead = "{LEAD_OF_1_AND_3}"',
    )
    assert text.count("lead = ") == 3
    path = tmp_path / "board.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def risks(plan) -> None:
    """One risk for each of Working Groups 1, 2 and 3, and one for no group."""
    voice = SlackVoice(plan)
    for text in ("Data late wg 1", "Provider exits wg 2", "Forum capacity wg 3", "Budget"):
        voice.risk(ADMIN, f"log {text} L3 I3")


def _reply(chat, text: str, user: str) -> str:
    """The one line the bot answers `/summary TEXT` with."""
    return chat.ask(text, user, "/summary")["text"]


def _workbook(upload):
    return load_workbook(io.BytesIO(upload.content))


def _column(sheet, name: str) -> list:
    header = [cell.value for cell in sheet[1]]
    return [row[header.index(name)] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_an_admin_gets_the_whole_plan(chat, standin, risks):
    chat.ask("note 2.1 Provider meeting booked", OTHER)
    said = _reply(chat, "export", ADMIN)
    assert said == "The export is on its way to you in a direct message."
    (upload,) = standin.uploaded_files()
    assert upload.channel_id == f"D{ADMIN}" and upload.filename == "send-plan-2020-01-20.xlsx"
    workbook = _workbook(upload)
    assert workbook.sheetnames == ["Actions", "Risks", "History"]
    assert _column(workbook["Actions"], "ref") == ["1.1", "1.2", "2.1", "3.1", "4.1"]
    assert _column(workbook["Risks"], "ref") == ["R1", "R2", "R3", "R4"]
    assert "Provider meeting booked" in _column(workbook["History"], "note")
    assert upload.initial_comment.startswith("The whole plan (5 actions)")


def test_a_lead_gets_only_the_actions_of_the_groups_they_lead(chat, standin, risks):
    chat.ask("note 2.1 Provider meeting booked", OTHER)
    chat.ask("note 1.1 Data sharing agreed", OWNER)
    said = _reply(chat, "export", LEAD_OF_1_AND_3)
    assert said == (
        "The export of Working Groups 1 and 3 (Understanding of Need; Engagement and "
        "Co-production) is on its way to you in a direct message. It holds only the groups you "
        "lead (actions, history and risks); admins can export the whole plan."
    )
    (upload,) = standin.uploaded_files()
    assert upload.channel_id == f"D{LEAD_OF_1_AND_3}"
    assert upload.filename == "send-plan-wg1-wg3-2020-01-20.xlsx"
    assert upload.initial_comment.startswith("Working Groups 1 and 3 only, not the whole plan")
    workbook = _workbook(upload)
    assert workbook.sheetnames == ["Actions (WG 1, 3)", "Risks (WG 1, 3)", "History (WG 1, 3)"]
    actions = workbook["Actions (WG 1, 3)"]
    assert actions.max_row - 1 == 3
    assert _column(actions, "ref") == ["1.1", "1.2", "3.1"]
    assert _column(workbook["Risks (WG 1, 3)"], "description") == [
        "Data late",
        "Forum capacity",
    ]
    history = workbook["History (WG 1, 3)"]
    assert set(_column(history, "ref")) == {"1.1", "1.2", "3.1"}
    assert "Data sharing agreed" in _column(history, "note")
    assert "Provider meeting booked" not in _column(history, "note")


def test_a_lead_of_one_group_gets_that_group_as_csv(chat, standin, risks):
    said = _reply(chat, "export csv", LEAD_OF_2)
    assert "The export of Working Group 2 (Commissioning)" in said
    assert "It holds only the group you lead" in said
    (upload,) = standin.uploaded_files()
    assert upload.filename == "send-plan-wg2-2020-01-20.zip"
    assert upload.initial_comment.startswith("Working Group 2 only, not the whole plan: 1 action,")
    with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
        assert sorted(archive.namelist()) == [
            "actions-wg-2.csv",
            "history-wg-2.csv",
            "risks-wg-2.csv",
        ]
        lines = archive.read("actions-wg-2.csv").decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["2.1"]


@pytest.mark.parametrize("text", ["export", "export csv", "export xlsx"])
def test_a_member_is_refused_told_who_may_and_sent_nothing(chat, standin, text):
    assert _reply(chat, text, OWNER) == REFUSAL
    assert standin.uploaded_files() == []
    assert [c.method for c in standin.calls if c.method.startswith("files.")] == []
    assert standin.calls_to("conversations.open") == []


def test_a_lead_may_not_post_the_export_to_the_channel(chat, standin):
    said = chat.says("export here", LEAD_OF_2, "/summary")
    assert "Only an admin (the board chair or project manager) can post a summary" in said
    assert standin.uploaded_files() == []


def test_help_says_who_may_export(chat):
    said = chat.says("help", OWNER, "/summary")
    assert "admins: the whole plan; working group leads: their group's actions" in said


def test_the_overview_says_who_may_export_the_full_list(chat):
    said = chat.says("", OWNER, "/summary")
    assert "/summary export has the full list (admins; leads get their own groups)." in said
