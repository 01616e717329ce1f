"""An action's intended outcome, progress commentary and the day it was achieved (SPEC §2):
imported from a tracker through `sendbot import`, shown by `/action show` on Slack, set when the
action goes blue in chat, and exported so that importing the export changes nothing."""

import csv
from datetime import date

import pytest

from tests.conftest import ADMIN, BOT_TOKEN, OWNER
from tests.support import plan_state
from tests.support.cli import SETTINGS, sendbot_in_process

TRACKER = """\
Ref,Action,Working group,Lead officer,Due date,RAG,Intended outcome,Progress update
5.1,Co-produce the emotional health strategy,5,Head of SEND,31/03/2030,Green,\
Families say support comes sooner,Draft strategy shared with the parent carer forum
5.2,Publish the mental health offer,5,Head of SEND,30/06/2030,Blue,,
"""


@pytest.fixture
def cli(monkeypatch, database_url, board_file, standin, tmp_path):
    """`sendbot` as the operator runs it beside the running bot, in-process: settings from the
    environment only."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOARD_CONFIG", str(board_file))
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", standin.url)

    return sendbot_in_process


def test_outcome_and_progress_come_in_show_and_go_out_with_the_date_achieved(
    plan, chat, cli, tmp_path, capsys
):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(TRACKER, encoding="utf-8")
    assert cli("import", str(tracker)) == 0
    assert "Created 2 actions: 5.1, 5.2" in capsys.readouterr().out
    assert plan_state.action(plan, "5.2").achieved_on == date(2020, 1, 20)  # imported blue
    assert plan_state.action(plan, "5.1").achieved_on is None
    # The same commentary again is not a new progress update.
    assert cli("import", str(tracker)) == 0
    assert "Unchanged: 2 actions" in capsys.readouterr().out

    shown = chat.says("show 5.1", OWNER)
    assert "Intended outcome" in shown and "Families say support comes sooner" in shown
    assert "Progress update: Draft strategy shared with the parent carer forum" in shown
    assert "Achieved on" not in shown
    # The plan's commentary is not an owner's report on progress.
    assert plan_state.action(plan, "5.1").progress_at is None

    chat.ask("done 5.1 Strategy published on the Local Offer", ADMIN)
    assert "*Achieved on:* 20 January 2020" in chat.says("show 5.1", OWNER)
    chat.ask("update 5.1 amber Waiting for sign-off", ADMIN)  # reopened: no longer achieved
    assert "Achieved on" not in chat.says("show 5.1", OWNER)
    assert plan_state.action(plan, "5.1").achieved_on is None
    chat.ask("update 5.1 blue Signed off", ADMIN)
    assert plan_state.action(plan, "5.1").achieved_on == date(2020, 1, 20)

    export = tmp_path / "plan.csv"
    assert cli("export", str(export)) == 0
    with export.open(encoding="utf-8-sig", newline="") as file:
        rows = {row["Reference"]: row for row in csv.DictReader(file)}
    assert rows["5.1"]["Intended outcome"] == "Families say support comes sooner"
    assert rows["5.1"]["Date achieved"] == "20/01/2020"
    assert rows["5.1"]["Latest progress update"] == (
        "Draft strategy shared with the parent carer forum"
    )
    assert rows["1.1"]["Date achieved"] == ""
    capsys.readouterr()
    assert cli("import", str(export)) == 0
    assert "Unchanged: 7 actions" in capsys.readouterr().out
