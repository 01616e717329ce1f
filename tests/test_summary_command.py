"""`/summary` and its variants, App Home for admins, and the files it sends (issue 5)."""

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import insert, select, update

from bot.people import PersonKey, ensure_person
from storage.models import Action, HighlightUpdate, Risk, WorkingGroup
from tests.conftest import ADMIN, LEAD, OTHER, OWNER
from tests.support.blockkit import assert_valid_message, assert_valid_view, flatten
from tests.support.speak import SlackVoice

pytestmark = pytest.mark.usefixtures("plan")
NOW = datetime(2020, 1, 20, 10, tzinfo=UTC)
# The plan fixture, on Monday 20 January 2020: 1.1 (WG1, due 31 Jan), 1.2 (WG1, due 6 Feb),
# 2.1 (WG2, due 31 Mar), 3.1 (WG3, due 10 Jan: overdue), 4.1 (WG4, due 28 Feb). All not started.


def test_the_overview_counts_brag_overall_and_per_group(chat):
    chat.ask("update 1.1 green", OWNER)
    chat.ask("done 1.2 Dashboard live", OWNER)
    chat.ask("update 2.1 red Provider withdrew", OTHER)
    said = chat.says("", ADMIN, "/summary")
    assert "SEND Improvement Board — where the plan stands" in said
    assert (
        ":red_circle: Red 1 · :large_orange_circle: Amber 0 · :large_green_circle: Green 1 · "
        ":white_circle: Not started 2 · :large_blue_circle: Blue 1"
    ) in said
    assert "*20% complete* (1 of 5 actions)" in said
    group_1 = (
        "*1 Understanding of Need* — 2 actions · :red_circle: Red 0 :large_orange_circle: Amber 0 "
        ":large_green_circle: Green 1 :white_circle: Not started 0 :large_blue_circle: Blue 1 · "
        "50% complete"
    )
    assert group_1 in said
    assert "*2 Commissioning* — 1 action · :red_circle: Red 1" in said


def test_the_overview_lists_overdue_due_soon_risks_and_deadlines(chat, plan):
    chat.ask("add visit 6/2/2020", ADMIN, "/deadline")
    SlackVoice(plan).risk(OWNER, "log Capacity in the SEND team L4 I5")
    said = chat.says("", OWNER, "/summary")
    assert "*Overdue (1), oldest first*" in said
    assert "*3.1* Launch the family-friendly WSoA" in said and "*10 days overdue*" in said
    assert "*Due in the next 14 days (1)*" in said and "due Fri 31 Jan (in 11 days)" in said
    assert "*Top risks (1 open)*" in said and "*R1* :red_circle: score 20 (high)" in said
    assert "DfE/NHSE monitoring visit* — Thursday 6 February 2020 (in 17 days)" in said
    assert "evidence due Thursday 23 January (in 3 days)" in said


def test_the_overview_names_what_is_off_track_by_area_and_the_groups_highlights(chat, plan):
    chat.ask("update 2.1 red Provider withdrew", OTHER)
    chat.ask("update 1.1 amber", OWNER)
    chat.ask("update 3.1 green", OWNER)  # ten days overdue
    chat.ask("add board 27/1/2020", ADMIN, "/deadline")
    with plan.db.session() as session:
        session.execute(update(Action).where(Action.ref == "4.1").values(status="red"))
        session.execute(update(Action).where(Action.ref == "1.2").values(withdrawn_at=NOW))
        group = session.scalar(select(WorkingGroup).where(WorkingGroup.number == 1))
        lead = ensure_person(session, NOW, PersonKey("slack", LEAD))
        for brag, achieved in (("green", "First draft"), ("amber", "Needs assessment drafted")):
            session.add(
                HighlightUpdate(
                    deadline_id=1,
                    working_group_id=group.id,
                    author_id=lead.id,
                    at=NOW,
                    brag=brag,
                    achievements=achieved,
                    issues="Data sharing agreement unsigned",
                )
            )
    said = chat.says("", ADMIN, "/summary")
    assert "(0 of 4 actions)" in said  # the withdrawn 1.2 is in no count
    assert "*Off track: red and amber actions (3)*" in said
    off = said.split("*Off track: red and amber actions (3)*")[1]
    assert off.index("*2.1*") < off.index("*4.1*") < off.index("*1.1*")  # red first
    assert f"*2.1* Commission speech and language therapy — <@{OTHER}> · last update today" in off
    assert f"*4.1* Transition protocol for care leavers — <@{OTHER}> · no update yet" in off
    assert (
        f"*3.1* Launch the family-friendly WSoA — <@{OWNER}> · "
        "*10 days overdue but marked on track* (:large_green_circle: Green)"
    ) in said
    assert "*By area of weakness*" in said and "*Area 9* — no actions yet" in said
    assert (
        "*Area 1* — 1 action · :red_circle: Red 0 :large_orange_circle: Amber 1 "
        ":large_green_circle: Green 0 :white_circle: Not started 0 :large_blue_circle: Blue 0 · "
        "0% complete"
    ) in said
    assert (
        "Highlight updates for SEND Improvement Board meeting, 27 January 2020 (in 7 days)" in said
    )
    assert (
        f"*Working group 1 Understanding of Need* :large_orange_circle: Amber — from <@{LEAD}>, "
        "20 January 2020"
    ) in said
    assert "Achievements: Needs assessment drafted" in said and "First draft" not in said
    assert "Issues: Data sharing agreement unsigned" in said
    assert "Not sent yet: Working group 2 Commissioning, Working group 3" in said
    area = chat.says("area 2", ADMIN, "/summary")
    assert "Area of weakness: Area 2" in area and "*2.1*" in area and "*1.1*" not in area
    assert "*Off track: red and amber actions (1)*" in area and "Highlight updates" not in area
    assert "There is no area of weakness 12" in chat.says("area 12", ADMIN, "/summary")


def test_stale_actions_are_listed(chat, plan):
    with time_machine.travel(datetime(2020, 3, 2, 10, tzinfo=UTC), tick=True):
        chat.ask("note 2.1 Still going", OTHER)
        said = chat.says("", OWNER, "/summary")
    assert "*No update for 28 days or more (4)*" in said
    assert "*2.1*" not in said.split("No update for 28 days")[1]


def test_what_changed_since_the_last_board_meeting(chat, plan):
    chat.ask("add board 13/01/2020 January board", ADMIN, "/deadline")
    chat.ask("done 3.1 Launched", OWNER)
    chat.ask("update 1.1 amber", OWNER)
    SlackVoice(plan).risk(OWNER, "log Funding gap L3 I3")
    said = chat.says("", ADMIN, "/summary")
    assert "*Since the last board meeting (13 January 2020)*" in said
    assert "• 2 status changes" in said
    assert "• 1 completed: 3.1" in said
    assert "• 1 new risk: R1" in said


def test_summary_for_one_working_group_lists_its_actions(chat):
    said = chat.says("wg 1", OWNER, "/summary")
    assert "Working group 1 Understanding of Need" in said
    assert "*Open actions (2)*" in said and "*1.1*" in said and "*1.2*" in said
    assert "*2.1*" not in said
    assert "There is no working group 9" in chat.says("wg 9", OWNER, "/summary")


def test_risk_summary_counts_bands_and_draws_the_heat_map(chat, plan):
    for text in ("A L5 I5", "B L4 I4", "C L1 I1", "D L2 I3"):
        SlackVoice(plan).risk(OWNER, f"log {text}")
    said = chat.says("risks", OWNER, "/summary")
    assert "*4 open risks*" in said
    assert (
        ":large_green_circle: low 1 · :large_orange_circle: medium 1 · :red_circle: high 2" in said
    )
    heat = said.split("*Heat map*")[1]
    assert "likelihood 5 (almost certain)" in heat and "`L5`" not in heat
    assert ":large_red_square:` 1`" in heat
    assert heat.count("` 1`") == 4


def test_readiness_counts_owners_updates_since_the_plan_started_not_the_import(chat, plan):
    # The plan was added on Monday 20 January; the visit is on 6 February, evidence by 23 January.
    chat.ask("add visit 6/2/2020", ADMIN, "/deadline")
    with time_machine.travel(datetime(2020, 1, 21, 10, tzinfo=UTC), tick=True):
        said = chat.says("visit", ADMIN, "/summary")
        assert "Evidence is due by Thursday 23 January 2020 (in 2 working days)." in said
        # Adding the plan the day before is not an update by anyone.
        assert (
            "*0 of 5 open actions (0%)* have been updated since the plan started on "
            "20 January 2020." in said
        )
        assert "*Still to update (2 people)*" in said
        assert f"<@{OWNER}> — 3 actions" in said and f"<@{OTHER}> — 2 actions" in said
        chat.ask("note 1.1 Evidence pack drafted", OWNER)
        chat.ask("update 2.1 red Provider withdrew", OTHER)
        said = chat.says("visit", ADMIN, "/summary")
    assert "*2 of 5 open actions (40%)* have been updated since the plan started" in said
    assert "1 Understanding of Need — 1 of 2 updated (50%)" in said
    assert "3 Engagement and Co-production — 0 of 1 updated (0%)" in said
    assert "*By area of weakness*" in said and "Area 2 — 1 of 1 updated (100%)" in said
    assert f"<@{OWNER}> — 2 actions" in said and f"<@{OTHER}> — 1 action" in said
    assert "*Off track: red and amber actions (1)*" in said
    assert (
        f":red_circle: Red · *2.1* Commission speech and language therapy — <@{OTHER}> · "
        "last update today"
    ) in said


def test_readiness_runs_from_the_last_visit_or_stocktake_never_from_a_guessed_quarter(chat):
    # A visit 92 days away: the window is the plan's start, not "visit minus 91 days" (tomorrow).
    chat.ask("add visit 21/4/2020", ADMIN, "/deadline")
    chat.ask("note 1.1 Drafted", OWNER)
    said = chat.says("visit", ADMIN, "/summary")
    assert "Evidence is due by Friday 3 April 2020 (in 54 working days)." in said
    assert "*1 of 5 open actions (20%)* have been updated since the plan started on" in said
    chat.ask("add visit 10/1/2020", ADMIN, "/deadline")  # a past visit, added afterwards
    said = chat.says("visit", ADMIN, "/summary")
    assert (
        "*1 of 5 open actions (20%)* have been updated since the last visit on 10 January" in said
    )
    chat.ask("add stocktake 21/1/2020", ADMIN, "/deadline")  # tomorrow: no window of its own yet
    assert "since the last visit on 10 January 2020." in chat.says("visit", ADMIN, "/summary")
    with time_machine.travel(datetime(2020, 1, 22, 10, tzinfo=UTC), tick=True):
        said = chat.says("visit", ADMIN, "/summary")
    assert "*0 of 5 open actions (0%)* have been updated since the stocktake on 21 January" in said


def test_no_visit_set_says_how_to_add_one(chat):
    assert "No monitoring visit is set" in chat.says("visit", ADMIN, "/summary")


def test_here_is_refused_to_a_non_admin_and_posts_to_the_channel_for_an_admin(chat, slack):
    said = chat.says("here", OWNER, "/summary")
    assert "Only an admin (" in said and ") can post a summary to the channel" in said
    answer = slack.command("/summary", "risks here", ADMIN)
    assert answer["response_type"] == "in_channel"
    assert_valid_message(answer)


def test_export_sends_the_whole_plan_by_dm_with_brag_colours(chat, standin, plan):
    chat.ask("update 1.1 green", OWNER)
    SlackVoice(plan).risk(OWNER, "log Capacity L4 I5")
    said = chat.says("export", ADMIN, "/summary")
    assert "The export is on its way to you in a direct message." in said
    (upload,) = standin.uploaded_files()
    assert upload.channel_id == f"D{ADMIN}" and upload.filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(upload.content))
    assert workbook.sheetnames == ["Summary", "Actions", "Withdrawn", "Risks", "History"]
    actions = workbook["Actions"]
    header = [c.value for c in actions[1]]
    status_column = header.index("Status")
    cells = {row[0].value: row[status_column] for row in actions.iter_rows(min_row=2)}
    assert set(cells) == {"1.1", "1.2", "2.1", "3.1", "4.1"}
    assert cells["1.1"].value == "Green (on track)"
    assert cells["1.1"].fill.start_color.rgb.endswith("00703C")
    assert cells["2.1"].fill.start_color.rgb.endswith("B1B4B6")
    risks = workbook["Risks"]
    assert [c.value for c in risks[2]][0] == "R1"


def test_csv_export_is_a_zip_of_each_sheet(chat, standin):
    chat.ask("export csv", ADMIN, "/summary")
    (upload,) = standin.uploaded_files()
    with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
        assert sorted(archive.namelist()) == [
            "actions.csv",
            "history.csv",
            "risks.csv",
            "withdrawn.csv",
        ]


def test_chart_is_a_png_of_brag_by_working_group(chat, standin):
    chat.ask("done 1.1 Published", OWNER)
    said = chat.says("chart", OWNER, "/summary")
    assert "The chart is on its way to you in a direct message." in said
    (upload,) = standin.uploaded_files()
    image = Image.open(io.BytesIO(upload.content))
    assert image.format == "PNG" and 800 <= image.width <= 2000 and 400 <= image.height <= 1600


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("wg", "Which working group?"),
        ("export pdf", "Export as xlsx or csv."),
        ("everything", "I don't know “everything”"),
    ],
)
def test_bad_summary_input_gets_a_reason(chat, text, reason):
    assert reason in chat.says(text, ADMIN, "/summary")


def test_summary_help_lists_every_variant(chat):
    said = chat.says("help", OWNER, "/summary")
    for usage in (
        "/summary wg N",
        "/summary risks",
        "/summary visit",
        "/summary export",
        "/summary chart",
    ):
        assert usage in said


def test_admins_see_the_board_overview_in_app_home(slack, standin):
    slack.event({"type": "app_home_opened", "user": ADMIN, "tab": "home"})
    view = standin.wait_for("views.publish")[0].params["view"]
    assert_valid_view(view)
    said = flatten(view)
    assert "You have no open actions" in said and "You own no open risks" in said
    assert "SEND Improvement Board — where the plan stands" in said


def test_members_see_their_risks_and_deadlines_but_not_the_board_overview(slack, standin, plan):
    SlackVoice(plan).risk(OWNER, "log Capacity L4 I5")
    SlackVoice(plan).deadline(ADMIN, "add visit 6/2/2020")
    slack.event({"type": "app_home_opened", "user": OWNER, "tab": "home"})
    said = flatten(standin.wait_for("views.publish")[0].params["view"])
    assert "Your open risks: 1" in said and "*R1* Capacity" in said
    assert "Upcoming deadlines" in said and "DfE/NHSE monitoring visit" in said
    assert "where the plan stands" not in said


def _big_plan(plan, actions: int, risks: int) -> None:
    """A plan far larger than any real one, written straight to the database."""
    with plan.db.session() as session:
        groups = session.scalars(select(WorkingGroup.id).order_by(WorkingGroup.number)).all()
        now = datetime(2019, 11, 1, tzinfo=UTC)
        owners = [
            ensure_person(session, now, PersonKey("slack", f"U0GEN{n:04d}")).id for n in range(300)
        ]
        admin = ensure_person(session, now, PersonKey("slack", ADMIN)).id
        statuses = ["not started", "red", "amber", "green", "blue"]
        rows = [
            {
                "ref": f"X{n}",
                "ref_key": f"X{n}",
                "title": f"Generated action {n} " + "x" * 80,
                "working_group_id": groups[n % len(groups)],
                "owner_id": owners[n % 300],
                "original_due_date": date(2020, 1, 1 + n % 28),
                "due_date": date(2020, 1, 1 + n % 28),
                "status": statuses[n % 5],
                "created_at": now,
                "last_update_at": now,
                "version": 1,
            }
            for n in range(actions)
        ]
        session.execute(insert(Action), rows)
        session.execute(
            insert(Risk),
            [
                {
                    "number": n + 1,
                    "description": f"Generated risk {n} " + "y" * 200,
                    "owner_id": owners[1],
                    "likelihood": 1 + n % 5,
                    "impact": 1 + (n // 5) % 5,
                    "status": "open",
                    "created_by": admin,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n in range(risks)
            ],
        )


def test_every_summary_fits_slack_with_10000_actions_and_1000_risks(chat, slack, standin, plan):
    _big_plan(plan, 10_000, 1_000)
    chat.ask("add visit 6/2/2020", ADMIN, "/deadline")
    for text in ("", "wg 1", "risks", "visit"):
        answer = chat.ask(text, ADMIN, "/summary")  # validated against Block Kit limits
        assert len(answer["blocks"]) <= 50
        assert "…and" in flatten(answer) or text in ("risks", "visit")
    said = chat.says("", ADMIN, "/summary")
    assert "(10005 actions)" in said or "of 10005 actions" in said
    slack.event({"type": "app_home_opened", "user": ADMIN, "tab": "home"})
    assert_valid_view(standin.wait_for("views.publish")[0].params["view"])
    assert len(json.dumps(standin.wait_for("views.publish")[0].params["view"])) < 250_000
