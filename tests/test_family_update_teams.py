"""The family-friendly update on Teams: the chair drafts it by typing, and approves it with the
card's button; a member is refused. The same core as on Slack (tests/test_family_update.py)."""

import pytest
from sqlalchemy import select

from storage.models import FamilyUpdate as DraftRow
from tests.test_teams_cards import valid_card
from tests.test_teams_dialogs import (  # noqa: F401 (fixtures)
    ask,
    button,
    chair,
    framework,
    lee,
    said,
    teams,
)
from tests.test_teams_door import door  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("plan")  # Monday 20 January 2020


def drafts(runtime) -> list[tuple[int, bool]]:
    with runtime.db.session() as session:
        rows = session.scalars(select(DraftRow).order_by(DraftRow.id))
        return [(row.id, row.approved_at is not None) for row in rows]


def test_the_chair_drafts_and_approves_on_teams(teams, framework, chair, lee, runtime):  # noqa: F811
    refused = said(ask(teams, framework, lee, "summary family-update").card)
    assert "can make or approve the family-friendly update. Nothing was made or shared." in refused
    assert drafts(runtime) == []

    offer = ask(teams, framework, chair, "summary family-update")
    shown = said(offer.card)
    assert "Draft 1 of the family-friendly update is ready: reading ease" in shown
    assert "On Teams the files are not sent in chat: sendbot family-update writes them." in shown
    assert drafts(runtime) == [(1, False)]

    pressed = button(offer.card, "Approve draft 1")
    assert pressed["type"] == "Action.Execute"
    answer = framework.send(teams.activities.card_action(chair, pressed["verb"], pressed["data"]))
    done = said(valid_card(answer["value"]))
    assert done.startswith("Draft 1 of the family-friendly update was approved by Chris Chair on ")
    assert "20 January 2020. Share the approved files yourself" in done
    assert drafts(runtime) == [(1, True)]
