"""The plan's own words (issue 13 item 7): two boards configured differently, an Accelerated
Progress Plan with support and challenge meetings and a Written Statement of Action with
monitoring visits, each find their own words in the answers, on Slack, on Teams and in the
export, and never the other's."""

from pathlib import Path

import openpyxl
import pytest

from bot.board_config import parse_board
from bot.errors import ConfigError
from tests.conftest import ADMIN, BOARD_TOML, OTHER
from tests.test_action_outcome import cli  # noqa: F401 (a fixture)
from tests.test_teams_dialogs import ask, chair, framework, said, teams  # noqa: F401
from tests.test_teams_door import door  # noqa: F401 (a fixture)

APP = """
[plan]
name = "Accelerated Progress Plan"
short_name = "APP"
review_kinds = ["support and challenge meeting", "stocktake"]
redate_approval = "dfe"
accountable_officers = [
  { name = "Dana Director", role = "Director of Children's Services", organisation = "Council" },
]
advisers = [{ name = "Ade Adviser", role = "SEND adviser", organisation = "DfE" }]
"""
WSOA = """
[plan]
name = "Written Statement of Action"
review_kinds = ["monitoring visit"]
accountable_officers = [{ name = "Wyn Chief", role = "Chief Executive" }]
advisers = [{ name = "Nell Adviser", organisation = "NHS England" }]
"""
BOARDS = {"app": APP, "wsoa": WSOA}
WORDS = {
    "app": ("Accelerated Progress Plan", "support and challenge meeting"),
    "wsoa": ("Written Statement of Action", "monitoring visit"),
}


@pytest.fixture(params=sorted(BOARDS))
def which(request) -> str:
    return request.param


@pytest.fixture
def board_file(tmp_path: Path, which: str) -> Path:
    path = tmp_path / "board.toml"
    path.write_text(BOARD_TOML + BOARDS[which], encoding="utf-8")
    return path


def ours_not_theirs(text: str, which: str) -> None:
    other = "wsoa" if which == "app" else "app"
    for word in WORDS[which]:
        assert word.lower() in text.lower(), f"{word!r} not in {text!r}"
    for word in WORDS[other]:
        assert word.lower() not in text.lower(), f"{word!r} in {text!r}"


def test_each_board_hears_its_own_words_on_slack(chat, plan, which):
    name, review = WORDS[which]
    help_text = chat.says("help", OTHER)
    assert f"/action — the actions of the {name}" in help_text
    deadline_help = chat.says("help", ADMIN, command="/deadline")
    typed = "visit" if review == "monitoring visit" else review  # as boards have always typed it
    assert f"/deadline add {typed} DATE [title]" in deadline_help
    added = chat.says(f"add {review} 14/02/2020", ADMIN, command="/deadline")
    assert f"DfE/NHSE {review} on 14 February 2020" in added
    assert "Evidence is due by" in added  # the main review has an evidence deadline
    readiness = chat.says("visit", ADMIN, command="/summary")
    assert f"{review[0].upper()}{review[1:]} readiness" in readiness
    overview = chat.says("", ADMIN, command="/summary")
    assert f"{name} — where the plan stands" in overview
    ours_not_theirs("\n".join((help_text, deadline_help, added, readiness, overview)), which)


def test_a_review_between_the_main_ones_has_no_evidence_deadline(chat, plan, which):
    added = chat.says("add stocktake 14/02/2020", ADMIN, command="/deadline")
    assert "Plan stocktake on 14 February 2020" in added and "Evidence" not in added
    listed = chat.says("list", OTHER, command="/deadline")
    assert "Plan stocktake" in listed


def test_the_export_front_sheet_names_the_plan_its_officers_and_advisers(
    plan,
    cli,  # noqa: F811
    tmp_path,
    which,
):
    export = tmp_path / "plan.xlsx"
    assert cli("export", str(export)) == 0
    sheet = openpyxl.load_workbook(export)["Summary"]
    cells = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    text = "\n".join(" | ".join(map(str, row)) for row in cells if row)
    name = WORDS[which][0]
    assert cells[0] == [f"The {name}"]
    if which == "app":
        assert (
            "Accountable officers\nDana Director | Director of Children's Services | Council"
            in (text)
        )
        assert "DfE/NHS England advisers\nAde Adviser | SEND adviser | DfE" in text
    else:
        assert "Accountable officers\nWyn Chief | Chief Executive" in text
        assert "DfE/NHS England advisers\nNell Adviser | NHS England" in text
    ours_not_theirs(text + "\n" + WORDS[which][1], which)


def test_each_board_hears_its_own_words_on_teams(
    teams,  # noqa: F811
    framework,  # noqa: F811
    chair,  # noqa: F811
    plan,
    which,
):
    name, review = WORDS[which]
    helped = said(ask(teams, framework, chair, "action help").card)
    assert f"the actions of the {name}" in helped
    added = said(ask(teams, framework, chair, f"deadline add {review} 14/02/2020").card)
    assert f"DfE/NHSE {review} on 14 February 2020" in added
    readiness = said(ask(teams, framework, chair, "summary visit").card)
    assert f"{review[0].upper()}{review[1:]} readiness" in readiness
    overview = said(ask(teams, framework, chair, "summary").card)
    assert f"{name} — where the plan stands" in overview
    ours_not_theirs("\n".join((helped, added, readiness, overview)), which)


@pytest.mark.parametrize(
    ("plan_table", "error"),
    [
        ('redate_approval = "council"', 'plan.redate_approval must be "board" or "dfe"'),
        ("name = 3", "plan.name must be some text"),
        ("review_kinds = []", "plan.review_kinds must be a list of words"),
        ('review_kinds = ["board meeting"]', "can't be a kind of review"),
        ('review_kinds = ["stocktake", "Stocktake"]', "a kind of review is named twice"),
        ("advisers = [{ role = 'adviser' }]", "plan.advisers[0].name must be some text"),
        ("advisers = [{ name = 'A', phone = '1' }]", "plan.advisers[0]: unknown key 'phone'"),
        ("colour = 'blue'", "plan: unknown key 'colour'"),
    ],
)
def test_a_bad_plan_table_stops_start_up_with_one_line(plan_table: str, error: str):
    import tomllib

    with pytest.raises(ConfigError) as raised:
        parse_board(tomllib.loads(f"[plan]\n{plan_table}\n"))
    assert error in str(raised.value) and "\n" not in str(raised.value)
