"""Review snapshots (issue 13, item 6): when a visit, stocktake or board meeting passes, each
action's BRAG and latest commentary are kept as they stood at the end of that day — rebuilt from
history, so a snapshot taken late is still true; `/summary` says what improved and slipped since;
the export has a BRAG and a Progress column per review, and the import reads them back, from our
export or from a council's tracker with its past quarters."""

from datetime import UTC, datetime

import openpyxl
import pytest
import time_machine
from sqlalchemy import select, update

from bot.reminder_sweep import ReminderSweep
from bot.review_snapshots import take_due_snapshots
from storage.database import Database
from storage.models import Action, ActionHistory, Deadline, ReviewSnapshot
from tests.conftest import ADMIN, OTHER, OWNER
from tests.support.speak import SlackVoice
from tests.test_import_check import (  # noqa: F401 (the operator fixture)
    operator,
    row_counts,
    sendbot,
    with_token,
)
from tests.test_teams_cards import teams_reading
from tests.test_teams_door import door, reply_in, sam, sender, teams  # noqa: F401 (fixtures)

# The day after the stocktake, at 10:00; and late that night, when no reminder window is open.
NEXT_DAY = datetime(2020, 1, 22, 10, 0, tzinfo=UTC)
LATE_THAT_NIGHT = datetime(2020, 1, 22, 23, 30, tzinfo=UTC)
# As the plan stood at the end of 21 January, whatever has happened since.
AT_THE_STOCKTAKE = [
    ("1.1", "amber", "Waiting for the health data"),
    ("1.2", "not started", None),
    ("2.1", "not started", "Therapy review scoped"),
    ("3.1", "not started", None),
    ("4.1", "green", None),
]


def snapshots(db: Database) -> list[tuple]:
    with db.session() as session:
        rows = session.execute(
            select(Action.ref, ReviewSnapshot.brag, ReviewSnapshot.progress)
            .join(Action, Action.id == ReviewSnapshot.action_id)
            .order_by(Action.ref)
        )
        return [tuple(row) for row in rows]


def a_stocktake_passes_and_the_plan_moves_on(chat, plan, stocktake: bool = True) -> None:
    """A stocktake on Tuesday 21 January; by the next day three actions have moved."""
    if stocktake:
        chat.ask("add stocktake 21/1/2020 January stocktake", ADMIN, "/deadline")
    chat.ask("update 1.1 amber Waiting for the health data", OWNER)
    chat.ask("note 2.1 Therapy review scoped", OTHER)
    chat.ask("update 4.1 green", OTHER)
    with time_machine.travel(NEXT_DAY, tick=False):
        chat.ask("update 1.1 green Data arrived", OWNER)
        chat.ask("done 3.1 Launched", OWNER)
        chat.ask("update 4.1 red Provider withdrew", OTHER)
        chat.ask("note 2.1 Therapists recruited", OTHER)
        SlackVoice(plan).action(
            ADMIN, f'add 5.1 "Short breaks review" wg 1 owner {OWNER} due 28/02/2020'
        )


@pytest.mark.parametrize("taken_by", ["the sweep", "a bot with no clock"])
def test_a_late_snapshot_keeps_the_plan_as_it_stood_at_the_end_of_the_review_day(
    chat, plan, taken_by
):
    a_stocktake_passes_and_the_plan_moves_on(chat, plan)
    assert snapshots(plan.db) == []
    if taken_by == "the sweep":
        # The clock was down all day; it comes back late at night, outside the reminder window.
        sweep = ReminderSweep(plan.db, plan.board, None, plan.clock)
        with time_machine.travel(LATE_THAT_NIGHT, tick=False):
            assert sweep.run(None, now=LATE_THAT_NIGHT).window_open is False
            sweep.run(None, now=LATE_THAT_NIGHT)  # again: nothing more
    else:
        with time_machine.travel(LATE_THAT_NIGHT, tick=False):
            chat.says("", ADMIN, "/summary")
            chat.says("wg 1", OWNER, "/summary")
    # Today's statuses are green, blue and red: the snapshot is what history says they were.
    # 5.1 was added after the stocktake and has none.
    assert snapshots(plan.db) == AT_THE_STOCKTAKE
    with plan.db.session() as session:
        (stocktake,) = session.scalars(select(Deadline))
        assert stocktake.snapshot_at is not None


def test_two_processes_taking_the_same_snapshot_do_not_duplicate_it(chat, plan):
    a_stocktake_passes_and_the_plan_moves_on(chat, plan)
    # Neither an "other" deadline nor a removed board meeting is a review.
    chat.ask("add 21/1/2020 Self-evaluation refresh due", ADMIN, "/deadline")
    assert "Added deadline 3" in chat.says("add board 20/1/2020", ADMIN, "/deadline")
    chat.ask("remove 3", ADMIN, "/deadline")
    today = LATE_THAT_NIGHT.date()
    assert take_due_snapshots(plan.db, today) == 1
    # A second process that looked before the first had finished: it tries the same rows.
    with plan.db.session() as session:
        session.execute(update(Deadline).values(snapshot_at=None))
    assert take_due_snapshots(plan.db, today) == 1
    assert snapshots(plan.db) == AT_THE_STOCKTAKE
    assert take_due_snapshots(plan.db, today) == 0


def test_the_summary_says_what_improved_and_what_slipped_since_the_last_review(chat, plan):
    chat.ask("add stocktake 21/1/2020 January stocktake", ADMIN, "/deadline")
    # Before any review has passed, there is nothing to compare with.
    assert "Since the" not in chat.says("", ADMIN, "/summary")
    a_stocktake_passes_and_the_plan_moves_on(chat, plan, stocktake=False)
    with time_machine.travel(NEXT_DAY, tick=False):
        said = chat.says("", ADMIN, "/summary")
        group = chat.says("wg 1", OWNER, "/summary")
    assert "*Since the January stocktake on 21 January 2020: 2 improved, 1 slipped*" in said
    lines = said.split("2 improved, 1 slipped*")[1].splitlines()[1:4]
    assert lines == [
        "Slipped: 4.1 Transition protocol for care leavers (green → red)",
        "Improved: 1.1 Joint strategic needs assessment for SEND (amber → green)",
        "Improved: 3.1 Launch the family-friendly WSoA (not started → blue)",
    ]
    assert "*Since the January stocktake on 21 January 2020: 1 improved, 0 slipped*" in group
    assert "4.1 Transition" not in group.split("Since the January stocktake")[1]


def test_the_summary_through_the_teams_door_says_what_improved_and_slipped(
    chat,
    plan,
    teams,  # noqa: F811 (the fixtures above)
    sender,  # noqa: F811
    sam,  # noqa: F811
):
    a_stocktake_passes_and_the_plan_moves_on(chat, plan)
    with time_machine.travel(NEXT_DAY, tick=True):
        activity = teams.activities.message(sam, "summary")
        assert sender.post(activity).status == 200
        said = teams_reading(reply_in(teams, activity["conversation"]["id"]))
    assert "Since the January stocktake on 21 January 2020: 2 improved, 1 slipped" in said
    assert "Slipped: 4.1 Transition protocol for care leavers (green → red)" in said


TRACKER = (
    "Accelerated Progress Plan — tracker,,,,,,,,,,,,,\n"
    "Ref,Action,Workstream,Lead officer,By when,RAG,RAG Q1 2019/20,Progress update Q1 2019/20,"
    "BRAG Sept 19,Progress Sept 19,RAG Q3 2019/20,Commentary Q3 2019/20,RAG Q1 2020/21,RAG target\n"
    "1.1,Joint strategic needs assessment,1,Sarah Jones,31/03/2020,G,R,Not begun,A,Scoping,"
    "G,Data in,,G\n"
    "1.2,Publish the SEND dashboard,1,Sarah Jones,30/04/2020,A,,,,,A,Drafted,,\n"
    "2.1,Speech and language therapy review,2,Pat Lee,30/06/2020,B,G,Procured,Green,,B,Done,,\n"
)
ADDED = (
    "The columns “{brag} {label}”, “{progress} {label}”: no review was in the plan for “{label}”, "
    "so a past stocktake “{label}” on {day} was added for them."
)
SKIPPED_TARGET = (
    "The columns “RAG target”: “target” is not a review in the plan, so they were skipped. Add "
    "the review with the deadline command first, or name it by a date, month or quarter."
)
SKIPPED_FUTURE = (
    "The columns “RAG Q1 2020/21”: “Q1 2020/21” is still to come, so they were skipped."
)
FROM_THE_TRACKER = [
    ("1.1", "Q1 2019/20", "red", "Not begun"),
    ("1.1", "Sept 19", "amber", "Scoping"),
    ("1.1", "Q3 2019/20", "green", "Data in"),
    ("1.2", "Q3 2019/20", "amber", "Drafted"),
    ("2.1", "Q1 2019/20", "green", "Procured"),
    ("2.1", "Sept 19", "green", None),
    ("2.1", "Q3 2019/20", "blue", "Done"),
]


def kept(database_url: str) -> tuple[list[tuple], list[tuple]]:
    db = Database(database_url)
    try:
        with db.session() as session:
            reviews = session.execute(
                select(Deadline.kind, Deadline.title, Deadline.date).order_by(Deadline.date)
            ).all()
            snaps = session.execute(
                select(Action.ref, Deadline.title, ReviewSnapshot.brag, ReviewSnapshot.progress)
                .join(Action, Action.id == ReviewSnapshot.action_id)
                .join(Deadline, Deadline.id == ReviewSnapshot.deadline_id)
                .order_by(Action.ref, Deadline.date)
            ).all()
            return [tuple(r) for r in reviews], [tuple(s) for s in snaps]
    finally:
        db.dispose()


@pytest.mark.usefixtures("operator")
def test_a_tracker_arrives_with_its_past_quarters_and_goes_round_unchanged(
    database_url, tmp_path, monkeypatch, standin, capsys
):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(TRACKER, encoding="utf-8")
    added = [
        ADDED.format(
            brag="RAG", label="Q1 2019/20", progress="Progress update", day="30 June 2019"
        ),
        ADDED.format(brag="BRAG", label="Sept 19", progress="Progress", day="30 September 2019"),
        ADDED.format(brag="RAG", label="Q3 2019/20", progress="Commentary", day="31 December 2019"),
    ]

    # A check says which reviews it would add and which columns it would skip; writes nothing.
    before = row_counts(database_url)
    sendbot("import", "--check", str(tracker))
    said = capsys.readouterr().out.splitlines()
    assert [line for line in said if line.startswith("The columns")] == [
        *added,
        SKIPPED_FUTURE,
        SKIPPED_TARGET,
    ]
    assert row_counts(database_url) == before

    with_token(monkeypatch, standin)
    assert sendbot("import", str(tracker)) == 0
    said = capsys.readouterr().out.splitlines()
    assert "Created 3 actions: 1.1, 1.2, 2.1" in said
    assert all(line in said for line in added)
    reviews, snaps = kept(database_url)
    assert [(kind, title) for kind, title, _ in reviews] == [
        ("stocktake", "Q1 2019/20"),
        ("stocktake", "Sept 19"),
        ("stocktake", "Q3 2019/20"),
    ]
    assert snaps == FROM_THE_TRACKER

    # The same tracker again: its labels are now reviews in the plan, and nothing changes.
    assert sendbot("import", str(tracker)) == 0
    said = capsys.readouterr().out.splitlines()
    assert "Unchanged: 3 actions" in said
    assert not any("was added for them" in line for line in said)

    # The export has a BRAG and a Progress column per review, oldest first, after the rest.
    exported = tmp_path / "plan.xlsx"
    assert sendbot("export", str(exported)) == 0
    sheet = openpyxl.load_workbook(exported)["Actions"]
    headings = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert headings[-6:] == [
        "BRAG Q1 2019/20 30 Jun 2019",
        "Progress Q1 2019/20 30 Jun 2019",
        "BRAG Sept 19 30 Sep 2019",
        "Progress Sept 19 30 Sep 2019",
        "BRAG Q3 2019/20 31 Dec 2019",
        "Progress Q3 2019/20 31 Dec 2019",
    ]
    first = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert first[0] == "1.1"
    assert first[-6:] == ["Red (off track)", "Not begun", "Amber (at risk)", "Scoping"] + [
        "Green (on track)",
        "Data in",
    ]
    capsys.readouterr()
    for copy in (exported, tmp_path / "plan.csv"):
        if copy.suffix == ".csv":
            assert sendbot("export", str(copy)) == 0
            capsys.readouterr()
        assert sendbot("import", str(copy)) == 0
        said = capsys.readouterr().out.splitlines()
        assert "Unchanged: 3 actions" in said, said
    assert kept(database_url)[1] == FROM_THE_TRACKER

    # The next quarter's tracker puts one past BRAG right and fills in one it lacked.
    revised = TRACKER.replace("G,Data in,,G", "A,Data late,,G").replace(
        "30/04/2020,A,,,", "30/04/2020,A,R,Late start,"
    )
    tracker.write_text(revised, encoding="utf-8")
    assert sendbot("import", str(tracker)) == 0
    said = capsys.readouterr().out.splitlines()
    assert "Updated 2 actions: 1.1, 1.2" in said, said
    assert "Line 3: 1.1 at “Q3 2019/20”: BRAG green → amber (the snapshot was updated)." in said
    snaps = kept(database_url)[1]
    assert ("1.1", "Q3 2019/20", "amber", "Data late") in snaps
    assert ("1.2", "Q1 2019/20", "red", "Late start") in snaps
    db = Database(database_url)
    try:
        with db.session() as session:
            changed = session.execute(
                select(ActionHistory.field, ActionHistory.old_value, ActionHistory.new_value)
                .join(Action)
                .where(Action.ref == "1.1", ActionHistory.field.like("review_%"))
            ).all()
    finally:
        db.dispose()
    assert sorted(tuple(c) for c in changed) == [
        ("review_brag", "green", "amber"),
        ("review_progress", "Data in", "Data late"),
    ]
    # The history says what the import put right, as the export's History sheet shows it.
    assert sendbot("export", str(exported)) == 0
    history = openpyxl.load_workbook(exported)["History"]
    happened = [row[4] for row in history.iter_rows(min_row=2, values_only=True) if row[0] == "1.1"]
    assert "BRAG at the review “Q3 2019/20”: green → amber" in happened
    assert "Progress at the review “Q3 2019/20”: Data in → Data late" in happened


def test_a_failure_taking_snapshots_is_logged_and_the_sweep_goes_on(
    chat, plan, monkeypatch, caplog
):
    a_stocktake_passes_and_the_plan_moves_on(chat, plan)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("bot.reminder_sweep.take_due_snapshots", broken)
    sweep = ReminderSweep(plan.db, plan.board, None, plan.clock)
    with time_machine.travel(LATE_THAT_NIGHT, tick=False):
        assert sweep.run(None, now=LATE_THAT_NIGHT).window_open is False
    assert "Taking the snapshots of passed reviews failed" in caplog.text
    assert snapshots(plan.db) == []
    monkeypatch.undo()
    with time_machine.travel(LATE_THAT_NIGHT, tick=False):
        chat.says("", ADMIN, "/summary")  # the next reader takes them
    assert snapshots(plan.db) == AT_THE_STOCKTAKE
