"""Issue 13, item 9: a council's tracker comes in as kept, goes out as the board's export, and
comes back in changing nothing — people without accounts, co-owners, a date with none agreed, a
revised date DfE/NHS England approved, a past review's BRAG and commentary, and the risk register
— on SQLite and PostgreSQL, through the command line an operator uses."""

from datetime import date

import openpyxl
from openpyxl.styles import PatternFill
from sqlalchemy import select

from storage.database import Database
from storage.models import Action, Deadline, Person, ReviewSnapshot, Risk
from tests.test_import_check import (  # noqa: F401 (the operator fixture)
    operator,
    row_counts,
    sendbot,
    with_token,
)

TITLE_ROWS = [
    ["Northshire SEND Local Area Partnership"],
    ["Written Statement of Action — tracker (updated quarterly)"],
    [],
]
HEADINGS = [
    "Ref",
    "Action",
    "Workstream",
    "Lead officer",
    "Co-lead",
    "SRO",
    "By when",
    "RAG",
    "Revised due date",
    "Reason for change",
    "Approved by",
    "Intended outcome",
    "Progress update",
    "RAG Q3 2019/20",
    "Progress update Q3 2019/20",
]
ROWS = [
    ["Area of weakness 1: joint understanding of need"],  # a section heading, skipped
    [
        "1.1",
        "Publish the joint strategic needs assessment for SEND",
        "1",
        "U0PRIYA01",
        "Jo Bloggs (Parent Carer Forum)",
        "Director of Children's Services",
        "31/03/2020",
        "G",
        None,
        None,
        None,
        "Every working group plans from the same data",
        "Draft chapter shared with health",
        "A",
        "Data sharing agreement signed",
    ],
    [
        "1.2",
        "Refresh the Local Offer with parent carers",
        "Understanding of Need",
        "Head of SEND",
        None,
        None,
        "TBC",
        "Amber",
        None,
        None,
        None,
        None,
        None,
        "R",
        "Not started: waiting for the forum",
    ],
    [
        "2.1",
        "Review speech and language therapy commissioning",
        "2",
        "kim@council.example",
        None,
        None,
        "31/03/2020",
        "Red",
        "30/06/2020",
        "Therapist vacancies",
        "DfE/NHSE",
        None,
        "Two posts advertised",
        "A",
        None,
    ],
]
RISK_HEADINGS = ["Risk No.", "Risk Description", "Risk Owner", "Likelihood", "Impact", "Controls"]
RISKS = [
    ["R1", "Staff leave, so the plan slips", "Head of SEND", 4, 3, "Interim cover"],
    ["R2", "Data late, so needs are misread", "U0PRIYA01", "Possible", "Major", "Monthly check"],
]


def tracker(path):
    book = openpyxl.Workbook()
    plan = book.active
    plan.title = "WSoA tracker"
    for row in [*TITLE_ROWS, HEADINGS, *ROWS]:
        plan.append(row)
    plan.cell(row=5, column=1).fill = PatternFill("solid", fgColor="FFC000")  # a heading's fill
    register = book.create_sheet("Risk register")
    for row in [RISK_HEADINGS, *RISKS]:
        register.append(row)
    book.save(path)
    return path


def held(database_url: str) -> dict:
    """What the plan holds that the round trip must keep."""
    db = Database(database_url)
    with db.session() as session:
        actions = {a.ref: a for a in session.scalars(select(Action))}
        kept = {
            ref: (
                a.owner.name,
                a.owner.accounts != [],
                [p.name for p in a.co_owners],
                a.sro.name if a.sro else None,
                a.status,
                a.original_due_date,
                a.due_date,
                a.due_revised_reason,
                a.due_approved_by,
                a.outcome,
            )
            for ref, a in actions.items()
        }
        snapshots = sorted(
            (session.get(Action, s.action_id).ref, s.brag, s.progress)
            for s in session.scalars(select(ReviewSnapshot))
        )
        reviews = [(d.kind, d.title) for d in session.scalars(select(Deadline))]
        risks = sorted(
            (r.ref, r.owner.name, r.likelihood, r.impact) for r in session.scalars(select(Risk))
        )
        people = session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1))
    db.dispose()
    return {
        "actions": kept,
        "snapshots": snapshots,
        "reviews": reviews,
        "risks": risks,
        "people": people,
    }


def test_a_tracker_goes_in_out_and_back_in_changing_nothing(
    operator,  # noqa: F811
    database_url,
    tmp_path,
    monkeypatch,
    standin,
    capsys,  # noqa: F811
):
    with_token(monkeypatch, standin)
    assert sendbot("import", str(tracker(tmp_path / "tracker.xlsx"))) == 0
    said = capsys.readouterr().out
    assert "Created 3 actions: 1.1, 1.2, 2.1" in said, said
    first = held(database_url)
    actions = first["actions"]
    # People the workspace does not know are kept by name or role, without an account.
    assert actions["1.1"][1:4] == (
        True,
        ["Jo Bloggs"],  # "Name (Role)": the role is kept apart
        "Director of Children's Services",
    )
    assert actions["1.2"][0] == "Head of SEND" and actions["1.2"][1] is False
    # "TBC": no date agreed. A revised date approved by DfE/NHS England, the original kept.
    assert actions["1.2"][5:7] == (None, None)
    assert actions["2.1"][5:9] == (
        date(2020, 3, 31),
        date(2020, 6, 30),
        "Therapist vacancies",
        "dfe",
    )
    assert first["snapshots"] == [
        ("1.1", "amber", "Data sharing agreement signed"),
        ("1.2", "red", "Not started: waiting for the forum"),
        ("2.1", "amber", None),
    ]
    assert first["reviews"] == [("stocktake", "Q3 2019/20")]
    assert [ref for ref, *_ in first["risks"]] == ["R1", "R2"]

    for name in ("plan.xlsx", "plan.csv"):
        exported = tmp_path / name
        assert sendbot("export", str(exported)) == 0
        before = row_counts(database_url)
        capsys.readouterr()
        assert sendbot("import", str(exported)) == 0
        said = capsys.readouterr().out
        assert "Unchanged: 3 actions" in said and "Updated" not in said, said
        if name.endswith(".xlsx"):
            assert "Unchanged: 2 risks" in said, said
        assert "Created" not in said
        # Nothing written at all: no history row, person, review or snapshot more.
        assert row_counts(database_url) == before
        assert held(database_url) == first
