"""The board pack on Teams (issue 14, item 1): `summary board-pack` typed in the personal chat
offers the Word document with a file consent card; accepting makes it afresh and saves it."""

import io

import pytest
from docx import Document

from tests.test_board_pack import PACK_HEADINGS, headings
from tests.test_board_pack import board as board  # noqa: F401 (a fixture)
from tests.test_board_pack import named as named  # noqa: F401 (a fixture)
from tests.test_teams_door import door, sender, standin_settings, teams  # noqa: F401
from tests.test_teams_files import TeamsChat, offer_in
from tests.test_teams_files import chair as chair  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("named")


@pytest.fixture
def chat(teams, sender) -> TeamsChat:  # noqa: F811
    return TeamsChat(teams, sender)


def test_the_board_pack_is_offered_on_teams_and_saved_when_accepted(
    chat,
    chair,  # noqa: F811
    board,  # noqa: F811
):
    consent = chat.ask(chair, "summary board-pack 29 January 2020")
    offer = offer_in(consent)
    assert offer["name"] == "board-pack-2020-01-29.docx"
    assert offer["content"]["acceptContext"]["command"] == "summary board-pack 2020-01-29"
    assert offer["content"]["description"].startswith("The highlight report for SEND")

    chat.answer_offer(chair, consent)

    (upload,) = chat.teams.uploads()
    assert upload.name == "board-pack-2020-01-29.docx"
    assert headings(Document(io.BytesIO(upload.content))) == PACK_HEADINGS


def test_a_member_who_is_not_an_admin_is_refused_on_teams(chat, board):
    member = chat.teams.add_member("Mo Member", "mo@council.example")
    answer = chat.ask(member, "summary board-pack")
    assert "can make the board pack" in str(answer)
    assert chat.teams.uploads() == []
