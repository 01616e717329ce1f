"""The board pack (issue 14, item 1): `/summary board-pack [DATE]` sends an admin the highlight
report for a board meeting as a Word document, and `sendbot board-pack` writes it. Asked through
signed Slack requests (the file caught by the stand-in), a Teams activity and the CLI in-process;
the document read back with python-docx and its figures checked against `/summary`'s."""

import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

import bot.brag_chart  # noqa: F401 (matplotlib takes seconds to load: not within a request's wait)
from bot.date_requests import DateRequests
from bot.highlight_updates import HighlightService
from tests.conftest import ADMIN, LEAD, OTHER, OWNER
from tests.support.speak import SlackVoice
from tests.test_action_outcome import cli  # noqa: F401 (a fixture)
from tests.test_export_permissions import _summary_figures

pytestmark = pytest.mark.usefixtures("named")

# Thursday 23 January 2020: the day after one board meeting, six days before the next.
THURSDAY = datetime(2020, 1, 23, 10, 0, tzinfo=UTC)
EVIDENCE = "The needs assessment was signed off by the board"
REDATE_REASON = "The provider market has to be tendered again"
PACK_HEADINGS = [
    ("Title", "SEND Improvement Board"),
    ("Heading 1", "Overall position"),
    *[
        heading
        for group in (
            "1: Understanding of Need",
            "2: Commissioning",
            "3: Engagement and Co-production",
            "4: Preparation for Adulthood",
        )
        for heading in (
            ("Heading 1", f"Working group {group}"),
            ("Heading 2", "Completed since 22 January 2020"),
            ("Heading 2", "Highlight update from the lead"),
            ("Heading 2", "Off track"),
            ("Heading 2", "Risks"),
            ("Heading 2", "Decisions for the board"),
            ("Heading 2", "Next steps"),
        )
    ],
    ("Heading 1", "Progress by area of weakness"),
    ("Heading 1", "Readiness for the next monitoring visit"),
]


@pytest.fixture
def named(standin) -> None:
    standin.add_user(OWNER, "sam", real_name="Sam Smith")
    standin.add_user(OTHER, "priya", real_name="Priya Patel")


@pytest.fixture
def board(plan):
    """Three board meetings; work done before and after the first; an off-track action with a
    reason, a rising risk, an owner's request for a new date and the lead's highlight update."""
    voice = SlackVoice(plan)
    voice.deadline(ADMIN, "add board 22/01/2020")
    voice.deadline(ADMIN, "add board 29/01/2020 Improvement Board")
    voice.deadline(ADMIN, "add board 26/02/2020")
    voice.deadline(ADMIN, "add visit 20/03/2020")
    meeting = max(
        d.id for d in plan.deadlines.upcoming().deadlines if d.title == "Improvement Board"
    )
    voice.action(OWNER, "done 1.2 Dashboard published")  # before the last meeting: not listed
    voice.risk(ADMIN, "log Data arrives late wg 1 L3 I3")
    with time_machine.travel(THURSDAY, tick=True):
        voice.action(OWNER, f"done 1.1 {EVIDENCE}")
        voice.action(OTHER, "note 2.1 The provider withdrew from the tender")
        voice.action(OTHER, "update 2.1 red")
        voice.risk(ADMIN, "update R1 L4 The analyst has left")
        DateRequests(plan.db, plan.clock, plan.people.admin_refs, plan.board.plan).ask(
            voice.actor(OTHER), "2.1", {"date": "30/04/2020", "reason": REDATE_REASON}
        )
        HighlightService(plan.db, plan.clock).save(
            voice.actor(LEAD),
            meeting,
            1,
            {
                "brag": "green",
                "achievements": "The needs assessment is published",
                "next_steps": "Refresh the dashboard each month",
            },
        )
        yield plan


def read(content: bytes):
    return Document(io.BytesIO(content))


def headings(doc) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in doc.paragraphs
        if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]


def sections(doc) -> dict[str, list]:
    """What follows each heading, to the next: paragraphs' text and tables' rows, in order.
    Keyed by the heading path ("Working group 1: …/Risks")."""
    out: dict[str, list] = {}
    top = key = ""
    for block in doc.element.body.iterchildren():
        if block.tag.endswith("}p"):
            p = Paragraph(block, doc)
            if p.style.name == "Heading 1":
                top = key = p.text
            elif p.style.name == "Heading 2":
                key = f"{top}/{p.text}"
            elif p.text:
                out.setdefault(key, []).append(p.text)
        elif block.tag.endswith("}tbl"):
            rows = [[c.text for c in r.cells] for r in Table(block, doc).rows]
            out.setdefault(key, []).append(rows)
    return out


def rows_of(section: list) -> list[dict[str, str]]:
    (table,) = [b for b in section if isinstance(b, list)]
    head, *rows = table
    return [dict(zip(head, row, strict=True)) for row in rows]


def pack_figures(doc) -> dict:
    """The overall position, read as `_summary_figures` reads `/summary`."""
    overall = sections(doc)["Overall position"]
    total, percent, done = re.match(
        r"(\d+) actions: (\d+)% complete \((\d+) of", overall[0]
    ).groups()
    counts = overall[1]
    all_row = dict(zip(counts[0], counts[1], strict=True))
    statuses = {label.split(" (")[0]: int(all_row[label]) for label in counts[0][1:-1]}
    groups = {}
    for row in overall[-1][1:]:
        figures = dict(zip(overall[-1][0], row, strict=True))
        blue = int(figures["Blue (complete)"])
        groups[figures[""].replace(". ", " ", 1)] = round(100 * blue / int(figures["Total"]))
    return {
        "statuses": statuses,
        "complete": int(percent),
        "done": int(done),
        "total": int(total),
        "groups": groups,
    }


def test_an_admin_gets_the_board_pack_for_the_next_meeting_agreeing_with_the_summary(
    chat, standin, board
):
    said = chat.ask("board-pack", ADMIN, "/summary")["text"]
    assert said == (
        "The board pack for the Improvement Board on 29 January 2020. "
        "It is on its way to you in a direct message."
    )
    (upload,) = standin.uploaded_files()
    assert upload.channel_id == f"D{ADMIN}" and upload.filename == "board-pack-2020-01-29.docx"
    assert upload.initial_comment.startswith("The highlight report for SEND Improvement Board")
    doc = read(upload.content)
    assert headings(doc) == PACK_HEADINGS
    assert doc.paragraphs[1].text == "Highlight report to the Improvement Board, 29 January 2020"

    summary = chat.says("", ADMIN, "/summary")
    assert pack_figures(doc) == _summary_figures(summary)
    assert _summary_figures(summary)["done"] == 2

    (chart,) = doc.inline_shapes
    described = chart._inline.docPr.get("descr")
    assert described.startswith("A bar chart of actions by working group and status")
    assert "Working group 1 Understanding of Need: 2 actions: 2 blue" in described

    parts = sections(doc)
    group1 = "Working group 1: Understanding of Need"
    # The lead's own rating; the lead as the bot knows them (the stand-in's names vary).
    assert parts[group1][0].startswith("Rating: Green (on track). Lead: ")
    assert parts[group1][1] == (
        "Since the SEND Improvement Board meeting on 22 January 2020: 1 improved, 0 slipped."
    )
    # Completed since the last meeting (22 January): 1.1 with its evidence, not 1.2.
    assert rows_of(parts[f"{group1}/Completed since 22 January 2020"]) == [
        {
            "Ref": "1.1",
            "Action": "Joint strategic needs assessment for SEND",
            "Owner": "Sam Smith",
            "Status": "Blue (complete)",
            "Evidence": EVIDENCE,
        }
    ]
    update = parts[f"{group1}/Highlight update from the lead"]
    assert update[0].startswith("Sent by ") and update[0].endswith(" on 23 January 2020.")
    assert "Achievements: The needs assessment is published" in update
    assert "From the lead: Refresh the dashboard each month" in parts[f"{group1}/Next steps"]
    assert "Due before the next board meeting on 26 February 2020:" in parts[f"{group1}/Next steps"]
    (risk,) = rows_of(parts[f"{group1}/Risks"])
    assert (risk["Ref"], risk["Risk"], risk["Score"], risk["Trend"]) == (
        "R1",
        "Data arrives late",
        "12 (medium)",
        "Rising",
    )

    group2 = "Working group 2: Commissioning"
    assert rows_of(parts[f"{group2}/Off track"]) == [
        {
            "Ref": "2.1",
            "Action": "Commission speech and language therapy",
            "Owner": "Priya Patel",
            "Status": "Red (off track)",
            "Reason": "The provider withdrew from the tender",
        }
    ]
    assert parts[f"{group2}/Decisions for the board"] == [
        "2.1 Commission speech and language therapy: Priya Patel asks to move the due date from "
        f"31 March 2020 to 30 April 2020. Reason: {REDATE_REASON}"
    ]
    assert parts[f"{group2}/Highlight update from the lead"] == [
        "No highlight update was sent for this meeting."
    ]
    areas = rows_of(parts["Progress by area of weakness"])
    assert [(row[""], row["Total"]) for row in areas[:4]] == [
        ("1. Area 1", "1"),
        ("2. Area 2", "1"),
        ("3. Area 3", "1"),
        ("4. Area 4", "0"),
    ]
    readiness = parts["Readiness for the next monitoring visit"]
    assert readiness[0] == "The next monitoring visit is on 20 March 2020."
    assert readiness[1].startswith("1 of 3 open actions have been updated since")


def test_the_board_pack_for_a_meeting_by_its_date_and_a_date_with_none(chat, standin, board):
    said = chat.ask("board-pack 26 February 2020", ADMIN, "/summary")["text"]
    assert said.startswith("The board pack for the SEND Improvement Board meeting on 26 February")
    (upload,) = standin.uploaded_files()
    doc = read(upload.content)
    # Since the meeting before it (29 January): nothing of Working group 1 was completed since.
    assert sections(doc)[
        "Working group 1: Understanding of Need/Completed since 29 January 2020"
    ] == ["Nothing was completed in this period."]

    refused = chat.says("board-pack 30/01/2020", ADMIN, "/summary")
    assert refused.startswith("There is no board meeting on 30 January 2020.")
    assert "/summary board-pack [DATE]" in refused
    unreadable = chat.says("board-pack soonish", ADMIN, "/summary")
    assert "“soonish” is not a date" in unreadable and "/summary board-pack [DATE]" in unreadable
    assert len(standin.uploaded_files()) == 1


def test_only_admins_get_the_board_pack(chat, standin, board):
    refused = chat.says("board-pack", LEAD, "/summary")
    assert re.match(r"Only an admin \([^)]+\) can make the board pack\.", refused)
    assert "/summary board-pack [DATE]" in refused
    assert standin.uploaded_files() == []


def test_without_a_board_meeting_the_pack_is_as_at_today(chat, standin, plan):
    said = chat.ask("board-pack", ADMIN, "/summary")["text"]
    assert said.startswith("No board meeting is set, so the board pack is as at today, 20 January")
    (upload,) = standin.uploaded_files()
    doc = read(upload.content)
    assert headings(doc)[2] == ("Heading 1", "Working group 1: Understanding of Need")
    assert pack_figures(doc) == _summary_figures(chat.says("", ADMIN, "/summary"))


def test_summary_help_lists_the_board_pack(chat, plan):
    assert "/summary board-pack [DATE]" in chat.says("help", ADMIN, "/summary")


# --- the CLI ----------------------------------------------------------------------------------


def test_sendbot_board_pack_writes_the_document(cli, board, chat, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "pack.docx"
    assert cli("board-pack", "--meeting", "29/01/2020", str(out)) == 0
    assert capsys.readouterr().out.strip() == (
        f"The board pack for the Improvement Board on 29 January 2020. Wrote {out}."
    )
    doc = read(out.read_bytes())
    assert headings(doc) == PACK_HEADINGS
    assert pack_figures(doc) == _summary_figures(chat.says("", ADMIN, "/summary"))

    assert cli("board-pack") == 0  # the next meeting, named for it, in the current folder
    assert (tmp_path / "board-pack-2020-01-29.docx").exists()

    assert cli("board-pack", "--meeting", "30/01/2020") == 1
    assert capsys.readouterr().err == (
        "sendbot board-pack: There is no board meeting on 30 January 2020.\n"
        "Usage: sendbot board-pack [--meeting DATE] [FILE]\n"
    )


PLAN_TOML = """
[plan]
name = "Accelerated Progress Plan"
redate_approval = "dfe"
accountable_officers = [
  { name = "Sam Patel", role = "Director of Children's Services", organisation = "Council" },
]
"""


@pytest.fixture
def dfe_board_file(board_file):
    """The tests' board with a named plan, an accountable officer and DfE/NHS England approval."""
    text = board_file.read_text(encoding="utf-8").replace("[board]", PLAN_TOML + "\n[board]", 1)
    board_file.write_text(text, encoding="utf-8")
    return board_file


def test_the_cover_names_the_plan_and_officers_and_dfe_redates_are_decisions(
    dfe_board_file, chat, standin, plan
):
    voice = SlackVoice(plan)
    voice.deadline(ADMIN, "add board 29/01/2020")
    requests = DateRequests(plan.db, plan.clock, plan.people.admin_refs, plan.board.plan)
    asked = requests.ask(voice.actor(OTHER), "2.1", {"date": "30/04/2020", "reason": REDATE_REASON})
    requests.decide(voice.actor(ADMIN), asked.to_admins[0].request.id, True, None)

    chat.ask("board-pack", ADMIN, "/summary")
    (upload,) = standin.uploaded_files()
    doc = read(upload.content)
    cover = sections(doc)[""]
    assert cover[0] == "Accelerated Progress Plan"
    assert "Accountable officers: Sam Patel (Director of Children's Services, Council)" in cover
    assert sections(doc)["Working group 2: Commissioning/Decisions for the board"] == [
        "2.1 Commission speech and language therapy: the new date (from 31 March 2020 to "
        f"30 April 2020) is agreed and awaits DfE/NHS England approval. Reason: {REDATE_REASON}"
    ]
