"""`sendbot demo --teams` (issue 11, item 10): the same story as `sendbot demo`, played through the
real Teams door with signed activities, each card printed as plain text."""

import pytest

from tests.support.cli import sendbot

CHANNEL = "SEND Improvement Board › General"


@pytest.mark.slow(30)
def test_the_teams_demo_plays_the_story_and_prints_the_cards_readably(tmp_path):
    done = sendbot("demo", "--teams", cwd=tmp_path, timeout=120)

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Alex Carter adds the SEND bot app to the SEND Improvement Board team." in out
    assert "Created 12 actions: 1.1, 1.2, 1.3, 2.1, 2.2, 3.1, 3.2, 3.3" in out
    assert "Priya Shah types in their personal chat with the bot:  help" in out
    assert "│ action mine: e.g. action mine" in out
    assert "│ Your open actions: 2" in out
    assert "│ 1.2 stays Amber (at risk). Your note is saved." in out
    # An @mention in the channel: the answer in the asker's personal chat, a pointer in the thread.
    assert f"Maria Lopez types in {CHANNEL}:  @SEND bot action mine" in out
    assert (
        "sendbot (in Maria Lopez's personal chat):\n  │ Your open actions: 1\n"
        "  │ 6.1 Publish SEN Support guidance on the graduated approach for schools"
    ) in out
    assert (
        "sendbot (in the channel's thread, for everyone):\n"
        "  │ I've sent you the answer in our personal chat."
    ) in out
    assert "│ Logged R1: score 16 (high)" in out
    # The clock's sweep: reminders in personal chats, readiness in the board's channel.
    assert "sent to Jo Evans: 3.1 overdue — due Friday 17 January 2020 (3 days overdue)" in out
    assert "sendbot (a reminder in Priya Shah's personal chat):\n  │ 1 of your actions" in out
    assert f"sent to {CHANNEL}: visit readiness, DfE/NHSE monitoring visit" in out
    assert f"sendbot (a post in {CHANNEL}):\n  │ Monitoring visit readiness" in out
    assert "Sat 18 Jan 2020" not in out  # nothing goes out at weekends
    assert "│ SEND Improvement Board — where the plan stands" in out
    # Issue 12 on Teams: a lead's highlight update and a new date approved, both in dialogs;
    # the red action named and readiness counted from owners' own updates.
    assert "Priya Shah presses [Send highlight update]" in out
    assert "│ Approved: 1.1 is now due on 28 February 2020." in out
    assert "Your request was approved: 1.1 is now due on 28 February 2020" in out
    assert "Red · 2.2 Review the commissioning of speech and language therapy" in out
    assert "open actions (" in out and "have been updated since the plan started" in out
    # Plain text: the cards' Markdown is undone, and nothing went wrong on the way.
    assert "**" not in out and "\\(" not in out
    assert "Traceback" not in out + done.stderr
