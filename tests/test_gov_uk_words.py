"""Words in GOV.UK style on the Slack door (issue 12): no internal codes, scores with their
band, every colour with its word, titles cut at a word, and refusals that name the admins."""

import re

import pytest

from tests.conftest import OTHER, OWNER
from tests.support import plan_state

LONG_RISK = (
    "Speech and language therapy waiting times are still rising because the service cannot "
    "recruit nearly enough therapists, so children wait longer for assessment and support, "
    "families lose confidence in the local offer, schools carry needs they cannot meet alone,"
    " more requests for assessment follow, and the area cannot show the monitoring visit "
    "improvement in time"
)


ADA = "U0ADA0001"


@pytest.fixture
def ada(plan, chat, standin, monkeypatch):
    """The chair, known to the bot by name: the admin a refusal should send people to."""
    standin.add_user(ADA, "ada", real_name="Ada Admin")  # an id no other test uses
    monkeypatch.setattr(plan.people, "admins", frozenset({ADA}))
    chat.says("mine", ADA)


def test_refusals_name_the_admins_and_change_nothing(plan, chat, ada):
    before = plan_state.snapshot(plan)
    said = chat.says(f'add 9.1 "Title" wg 1 owner {OWNER} due 01/03/2020', OWNER)
    assert "Only an admin (Ada Admin) can add actions. Nothing was changed." in said
    said = chat.says("update 1.1 green", OTHER)
    assert "the lead of Working group 1" in said and "or an admin (Ada Admin) can update" in said
    assert plan_state.snapshot(plan) == before
    chat.says("log Funding ends in March L3 I3", OWNER, "/risk")
    said = chat.says("close R1 no longer a risk", OTHER, "/risk")
    assert "or an admin (Ada Admin) can close it. Nothing was changed." in said


def test_risks_are_shown_in_words_with_no_codes(plan, chat):
    chat.says(f"log {LONG_RISK} L4 I3 wg 2", OWNER, "/risk")
    listed = chat.says("list", OWNER, "/risk")
    assert "score 12 (medium)" in listed
    assert "likelihood 4 (likely) × impact 3 (moderate)" in listed
    assert "Working group 2 Commissioning" in listed
    assert not re.search(r"\bWG\d|\bL4\b|\bI3\b", listed)
    # The description is cut at a word, never mid-word, and says it was cut.
    (shown,) = [line for line in listed.splitlines() if line.startswith("*R1*")]
    kept = shown.removeprefix("*R1* ").removesuffix("…")
    assert shown.endswith("…") and LONG_RISK.startswith(kept)
    assert not LONG_RISK[len(kept)].isalnum()
