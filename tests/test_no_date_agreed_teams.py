"""The add form on Teams leaves the date as "no date agreed" when that box is ticked (SPEC §2):
the same rule as the Slack modal, in the Teams dialog."""

import pytest

from tests.support import plan_state
from tests.test_teams_dialogs import (  # noqa: F401 (fixtures)
    ask,
    button,
    chair,
    dialog_card,
    door,
    framework,
    inputs,
    open_dialog,
    said,
    submit,
    teams,
    under,
)

pytestmark = pytest.mark.usefixtures("plan")  # Monday 20 January 2020


def test_the_add_dialog_takes_no_date_agreed_instead_of_a_date(teams, framework, chair, runtime):  # noqa: F811
    offer = ask(teams, framework, chair, "action add")
    dialog = open_dialog(teams, framework, chair, button(offer.card, "Add an action"), offer)
    assert inputs(dialog)["no_date"]["title"] == "No date agreed yet"
    owner = next(c["value"] for c in inputs(dialog)["owner"]["choices"])
    typed = {"title": "Short breaks review", "group": "1", "owner": owner}

    # Neither a date nor the box, or both: refused beside the date, nothing written.
    before = plan_state.snapshot(runtime)
    again = dialog_card(submit(teams, framework, chair, dialog, offer, **typed))
    assert under(again, "due") == "Choose the due date, or tick “No date agreed yet”."
    both = dialog_card(
        submit(teams, framework, chair, again, offer, **typed, due="2020-03-31", no_date="yes")
    )
    assert under(both, "due") == "Choose a due date or tick “No date agreed yet”, not both."
    assert plan_state.snapshot(runtime) == before

    assert submit(teams, framework, chair, both, offer, **typed, due="", no_date="yes") is None
    added = plan_state.action(runtime, "A1")
    assert (added.title, added.due_date, added.original_due_date) == (
        "Short breaks review",
        None,
        None,
    )
    assert "Added A1" in said(offer.now())
