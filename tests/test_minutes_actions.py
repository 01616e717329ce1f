"""Draft actions from minutes: what was AGREED becomes an instruction; what was noted does not.

The parser is tested on the seed minutes (a real board's) and on minutes written here in three
styles councils and the NHS use: a county committee's numbered RESOLVED clauses, an integrated
care board's "Agreed:"/"ACTION:" lines and action log table, and a forum's informal action list.
"""

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.minutes_actions import draft_actions
from bot.minutes_suggestions import (
    KnownPerson,
    meeting_date_in,
    source_for,
    suggest_due,
    suggest_owner,
)

SEED = Path(__file__).parents[2] / "shared" / "seed" / "board-minutes-send-update.txt"
MINUTES = Path(__file__).parent / "minutes"


def drafts_of(name: str) -> list[tuple[str, str | None, str | None]]:
    text = (MINUTES / f"{name}.txt").read_text(encoding="utf-8")
    return [(d.title, d.owner_hint, d.due_hint) for d in draft_actions(text)]


def test_the_seed_minutes_give_exactly_their_two_agreed_actions():
    drafts = draft_actions(SEED.read_text(encoding="utf-8"))
    assert [(d.title, d.due_hint) for d in drafts] == [
        ("Draft a response and circulate it to the members of the Board", None),
        (
            "Table an item at the January meeting of the SEND Improvement Board asking for the"
            " Scrutiny Advisory Board – Children and Young People to be represented on each of"
            " the SEND Working Groups",
            "the January meeting",
        ),
    ]
    # Each draft keeps the sentence it came from, and where it is, for the admin to check.
    assert drafts[0].decision.startswith("It was AGREED that a response be drafted")
    assert [d.line for d in drafts] == [49, 52]
    assert "Portfolio Holder" in drafts[0].context


def test_a_resolution_to_note_is_not_an_action():
    assert draft_actions("RESOLVED that,   members note the contents of the report.") == []
    assert draft_actions("RESOLVED: That the report be noted.") == []
    assert draft_actions("It was agreed that the terms of reference be approved.") == []


def test_numbered_resolutions_of_a_county_committee():
    assert drafts_of("county_committee") == [
        (
            "Bring a further report on EHCP timeliness to the March meeting",
            "officers",
            "the March meeting",
        ),
        ("Publish the family friendly plan on the Local Offer", None, "the end of February"),
    ]


def test_agreed_and_action_lines_and_an_action_log_of_an_integrated_care_board():
    assert drafts_of("icb_board") == [
        ("Share the CAMHS waiting times data at the next meeting", "the DCO", "the next meeting"),
        ("Circulate the revised tracker to all members", "Head of SEND", "26 February 2027"),
        ("Update the SEND sufficiency strategy", "Head of SEND Commissioning", "31/03/2027"),
        (
            "Arrange a workshop with the Parent Carer Forum on co-production",
            "Co-production Lead",
            "April meeting",
        ),
    ]


def test_an_informal_action_list_and_an_acronym_that_is_not_a_verb():
    assert drafts_of("forum_notes") == [
        (
            "Rewrite the annual review letters with parents",
            "SEND Engagement Officer",
            "31 March 2027",
        ),
        ("Send the survey link to schools", "Forum co-chairs", None),
    ]


def test_the_meeting_date_comes_from_the_heading_not_the_discussion():
    assert meeting_date_in((MINUTES / "county_committee.txt").read_text()) == date(2027, 1, 14)
    assert meeting_date_in((MINUTES / "icb_board.txt").read_text()) == date(2027, 2, 3)
    assert meeting_date_in((MINUTES / "forum_notes.txt").read_text()) == date(2027, 2, 17)
    # The seed's only dates are in long paragraphs of discussion: no meeting date is guessed.
    assert meeting_date_in(SEED.read_text(encoding="utf-8")) is None
    assert source_for(date(2019, 12, 10)) == "Board 10/12/2019"


def test_a_meeting_named_by_month_is_the_next_board_meeting_in_that_month():
    meetings = [date(2019, 11, 12), date(2020, 1, 14), date(2020, 3, 10), date(2021, 1, 12)]
    meeting = date(2019, 12, 10)
    assert suggest_due("the January meeting", meeting, meetings) == date(2020, 1, 14)
    assert suggest_due("the next meeting", meeting, meetings) == date(2020, 1, 14)
    assert suggest_due("the March meeting", meeting, meetings) == date(2020, 3, 10)
    # No board meeting that month is set: nothing is suggested rather than a guess.
    assert suggest_due("the February meeting", meeting, meetings) is None
    assert suggest_due("the next meeting", meeting, []) is None
    assert suggest_due("31/03/2020", meeting, meetings) == date(2020, 3, 31)
    assert suggest_due("the end of February", meeting, meetings) == date(2020, 2, 29)
    assert suggest_due("when funding allows", meeting, meetings) is None
    assert suggest_due(None, meeting, meetings) is None


PEOPLE = [
    KnownPerson(1, "Ann Lee", "Head of SEND"),
    KnownPerson(2, "Bo Khan", "Designated Clinical Officer"),
    KnownPerson(3, "Cy Ross", "Head of SEND Commissioning"),
    KnownPerson(4, "Di Ward", "Portfolio Holder for Children’s Services"),
]


def test_the_suggested_owner_is_the_person_whose_role_the_minutes_name():
    def owner(hint: str | None, decision: str = "", context: str = "") -> str | None:
        found = suggest_owner(hint, decision, context, PEOPLE)
        return found.name if found else None

    assert owner("Head of SEND") == "Ann Lee"
    assert owner("Head of SEND Commissioning") == "Cy Ross"  # the longest role named wins
    assert owner("the DCO") == "Bo Khan"  # initials of the role
    assert owner(None, "", "the Portfolio Holder for Children's Services asked") == "Di Ward"
    # The minutes name someone the board does not know: nobody else is put in their place.
    assert owner("Forum co-chairs", "", "the Head of SEND said") is None
    assert owner(None, "officers to report back") is None
    assert owner(None, "", "the dco") is None  # initials count only in capitals


MARKERS = ("agree", "resolv", "action", "decision", "tabled")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_is_read_without_failing_and_without_a_marker_proposes_nothing(text: str):
    drafts = draft_actions(text)
    if not any(marker in text.lower() for marker in MARKERS):
        assert drafts == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Members discussed the report.",
                "RESOLVED that the report be noted.",
                "It was AGREED that officers circulate the dashboard.",
                "The Chair thanked officers.",
                "ACTION: Head of SEND to update the tracker by 31 March 2027.",
                "",
            ]
        ),
        max_size=12,
    )
)
def test_each_agreed_action_is_proposed_once_and_nothing_else(lines: list[str]):
    drafts = draft_actions("\n".join(lines))
    expected = [
        "Circulate the dashboard" if line.startswith("It was") else "Update the tracker"
        for line in lines
        if line.startswith(("It was", "ACTION"))
    ]
    assert [d.title for d in drafts] == expected
