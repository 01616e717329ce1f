"""Who may `/summary export` (issue 10): admins the whole plan, working group leads their own
groups' part of it, anyone else nothing. Asked through the door; files caught by the stand-in."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import ADMIN, BOARD_TOML, OTHER, OWNER
from tests.support.speak import SlackVoice

pytestmark = pytest.mark.usefixtures("named", "plan")

LEAD_OF_1_AND_3 = "U0LEADTWO"
LEAD_OF_2 = "U0LEADONE"
# The admins are named (the stand-in names a user it was not told of by their id).
REFUSAL = re.compile(
    r"Only an admin \([^)]+\) or a working group lead can export the plan: admins get the "
    r"whole plan, leads their own group's actions\. Nothing was sent\."
)


@pytest.fixture
def named(standin) -> None:
    """The plan's owners as Slack knows them, before they are first seen."""
    standin.add_user(OWNER, "sam", real_name="Sam Smith")
    standin.add_user(OTHER, "priya", real_name="Priya Patel")


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    """The tests' board, with Working groups 1 and 3 led by one person and 2 by another."""
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
    """One risk for each of Working groups 1, 2 and 3, and one for no group."""
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


def _summary_figures(said: str) -> dict:
    """What `/summary` tells the board, read from its words."""
    done, of = re.search(r"(\d+) of (\d+) actions", said).groups()
    return {
        "statuses": dict(reversed([(label, int(n)) for label, n in STATUS_COUNT.findall(said)])),
        "complete": int(re.search(r"(\d+)% complete", said)[1]),
        "done": int(done),
        "total": int(of),
        "groups": {f"{n} {name}": int(pc) for n, name, pc in GROUP_LINE.findall(said)},
    }


STATUS_COUNT = re.compile(r"(Red|Amber|Green|Not started|Blue) (\d+)")
GROUP_LINE = re.compile(r"\*(\d+) ([^*\n]+)\*[^\n]*?(\d+)% complete")


def _front_figures(sheet) -> dict:
    """The same figures, read from the export's Summary sheet."""
    cells = {row[0].value: row for row in sheet.iter_rows() if row[0].value}
    groups_at = next(
        r for r, row in enumerate(sheet.iter_rows(), 1) if row[0].value == "Working group"
    )
    groups = {}
    for row in sheet.iter_rows(min_row=groups_at + 1):
        if not row[0].value:
            break
        groups[row[0].value] = round(row[7].value * 100)
    return {
        "statuses": {
            label.split(" (")[0]: cells[label][1].value
            for label in (
                "Blue (complete)",
                "Green (on track)",
                "Amber (at risk)",
                "Red (off track)",
                "Not started",
            )
        },
        "complete": round(cells["Complete"][1].value * 100),
        "done": cells["Blue (complete)"][1].value,
        "total": cells["Total"][1].value,
        "groups": groups,
    }


def test_an_admin_gets_a_workbook_for_the_board_whose_counts_are_the_summarys(chat, standin, risks):
    chat.ask("note 2.1 Provider meeting booked", OTHER)
    chat.ask("update 1.1 green", OWNER)
    chat.ask("done 1.2 Dashboard published", OWNER)
    chat.ask("remove 4.1", ADMIN)
    said = _reply(chat, "export", ADMIN)
    assert said == "The export is on its way to you in a direct message."
    (upload,) = standin.uploaded_files()
    assert upload.channel_id == f"D{ADMIN}" and upload.filename == "send-plan-2020-01-20.xlsx"
    assert upload.initial_comment.startswith("The whole plan (4 actions)")  # 4.1 is withdrawn
    workbook = _workbook(upload)
    assert workbook.sheetnames == ["Summary", "Actions", "Withdrawn", "Risks", "History"]

    front = workbook["Summary"]
    assert front["A1"].value == "The SEND improvement plan"
    assert front["A2"].value == "Exported on 20 January 2020"
    summary = chat.says("", ADMIN, "/summary")
    assert _front_figures(front) == _summary_figures(summary)
    assert _summary_figures(summary)["total"] == 4
    assert "Not counted: 1 withdrawn action, listed on the Withdrawn sheet." in [
        row[0].value for row in front.iter_rows()
    ]
    areas = {row[0].value: row[1].value for row in front.iter_rows() if row[0].value}
    assert (areas["Area 1"], areas["Area 2"], areas["Area 3"]) == (1, 1, 1)
    assert areas["Not linked to an area of weakness"] == 1  # 1.2
    (chart,) = front._images
    assert chart.anchor._from.col == 11  # column L, beside the tables

    actions = workbook["Actions"]
    assert _column(actions, "Reference") == ["1.1", "1.2", "2.1", "3.1"]
    assert set(_column(actions, "Owner")) == {"Sam Smith", "Priya Patel"}  # never U0… IDs
    status = {row[0].value: row[8] for row in actions.iter_rows(min_row=2)}
    assert (status["1.1"].value, status["1.1"].fill.start_color.rgb) == (
        "Green (on track)",
        "0000703C",
    )
    assert status["1.2"].fill.start_color.rgb == "001D70B8"
    assert status["2.1"].fill.start_color.rgb == "00B1B4B6"
    assert (actions.freeze_panes, actions.auto_filter.ref) == ("B2", "A1:AA5")
    assert _column(workbook["Withdrawn"], "Reference") == ["4.1"]
    assert _column(workbook["Risks"], "Reference") == ["R1", "R2", "R3", "R4"]
    assert _column(workbook["Risks"], "Score")[0] == "9 (medium)"
    history = _column(workbook["History"], "What happened")
    assert "Note: Provider meeting booked" in history
    assert "Status Not started → Green (on track)" in history


def test_a_lead_gets_only_the_actions_of_the_groups_they_lead(chat, standin, risks):
    chat.ask("note 2.1 Provider meeting booked", OTHER)
    chat.ask("note 1.1 Data sharing agreed", OWNER)
    said = _reply(chat, "export", LEAD_OF_1_AND_3)
    assert said == (
        "The export of Working groups 1 and 3 (Understanding of Need; Engagement and "
        "Co-production) is on its way to you in a direct message. It holds only the groups you "
        "lead (actions, history and risks); admins can export the whole plan."
    )
    (upload,) = standin.uploaded_files()
    assert upload.channel_id == f"D{LEAD_OF_1_AND_3}"
    assert upload.filename == "send-plan-wg1-wg3-2020-01-20.xlsx"
    assert upload.initial_comment.startswith("Working groups 1 and 3 only, not the whole plan")
    workbook = _workbook(upload)
    scope = "(groups 1 and 3)"
    assert workbook.sheetnames == [
        f"Summary {scope}",
        f"Actions {scope}",
        f"Withdrawn {scope}",
        f"Risks {scope}",
        f"History {scope}",
    ]
    front = workbook[f"Summary {scope}"]
    assert front["A1"].value == "The SEND improvement plan: Working groups 1 and 3 only"
    totals = {row[0].value: row[1].value for row in front.iter_rows() if row[0].value}
    assert totals["Total"] == 3
    assert [label for label in totals if label[0].isdigit()] == [
        "1 Understanding of Need",
        "3 Engagement and Co-production",
    ]
    actions = workbook[f"Actions {scope}"]
    assert actions.max_row - 1 == 3
    assert _column(actions, "Reference") == ["1.1", "1.2", "3.1"]
    assert (actions.freeze_panes, actions.auto_filter.ref) == ("B2", "A1:AA4")
    assert _column(workbook[f"Risks {scope}"], "Risk") == ["Data late", "Forum capacity"]
    history = workbook[f"History {scope}"]
    assert set(_column(history, "Reference")) == {"1.1", "1.2", "3.1"}
    happened = _column(history, "What happened")
    assert "Note: Data sharing agreed" in happened
    assert "Note: Provider meeting booked" not in happened


def test_a_lead_of_one_group_gets_that_group_as_csv(chat, standin, risks):
    said = _reply(chat, "export csv", LEAD_OF_2)
    assert "The export of Working group 2 (Commissioning)" in said
    assert "It holds only the group you lead" in said
    (upload,) = standin.uploaded_files()
    assert upload.filename == "send-plan-wg2-2020-01-20.zip"
    assert upload.initial_comment.startswith("Working group 2 only, not the whole plan: 1 action,")
    with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
        assert sorted(archive.namelist()) == [
            "actions-group-2.csv",
            "history-group-2.csv",
            "risks-group-2.csv",
            "withdrawn-group-2.csv",
        ]
        lines = archive.read("actions-group-2.csv").decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Reference,Action,Description,Working group,")
    assert [line.split(",")[0] for line in lines[1:]] == ["2.1"]


@pytest.mark.parametrize("text", ["export", "export csv", "export xlsx"])
def test_a_member_is_refused_told_who_may_and_sent_nothing(chat, standin, text):
    assert REFUSAL.fullmatch(_reply(chat, text, OWNER))
    assert standin.uploaded_files() == []
    assert [c.method for c in standin.calls if c.method.startswith("files.")] == []
    assert standin.calls_to("conversations.open") == []


def test_a_lead_may_not_post_the_export_to_the_channel(chat, standin):
    said = chat.says("export here", LEAD_OF_2, "/summary")
    assert "Only an admin (" in said and ") can post a summary to the channel" in said
    assert standin.uploaded_files() == []


def test_help_says_who_may_export(chat):
    said = chat.says("help", OWNER, "/summary")
    assert "admins: the whole plan; working group leads: their group's actions" in said


def test_the_overview_says_who_may_export_the_full_list(chat):
    said = chat.says("", OWNER, "/summary")
    assert "/summary export has the full list (admins; leads get their own groups)." in said
