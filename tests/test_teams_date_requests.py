"""Ask for a new date on Teams, through `POST /api/messages` as the Bot Framework sends it: the
overdue reminder's button, the owner's dialog, the admin's card with Approve and Decline."""

from datetime import UTC, date, datetime

import pytest

from bot.reminder_sweep import ReminderSweep
from handlers.teams.cards import render
from tests.conftest import ADMIN
from tests.support import plan_state
from tests.support.speak import SlackVoice
from tests.test_teams_cards import valid_card
from tests.test_teams_dialogs import (  # noqa: F401 (fixtures)
    SAM_SLACK,
    ask,
    button,
    chair,
    dialog_card,
    framework,
    inputs,
    lee,
    open_dialog,
    said,
    sam,
    submit,
    teams,
    under,
)
from tests.test_teams_door import door  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("plan")
TUESDAY = datetime(2020, 1, 21, 9, 30, tzinfo=UTC)


def sent_card(tenant, who, before: int) -> dict:
    """The card the bot sent last in `who`'s personal chat, once it has sent more than `before`."""
    conversation = tenant.personal_conversation(who)
    tenant.wait_for("send", before + 1, predicate=lambda c: c.conversation_id == conversation)
    return valid_card(tenant.sent_to(conversation)[-1]["attachments"][0]["content"])


def test_an_owner_asks_for_a_new_date_and_the_chair_approves_it_on_teams(
    teams,  # noqa: F811
    framework,  # noqa: F811
    sam,  # noqa: F811
    chair,  # noqa: F811
    lee,  # noqa: F811
    runtime,
):
    ask(teams, framework, sam, "action mine")  # both known on Teams, so both can be told
    ask(teams, framework, chair, "home")
    SlackVoice(runtime).action(
        ADMIN, f'add 5.2 "Train SENCos" wg 1 owner <@{SAM_SLACK}> due 10/01/2030'
    )
    plan_state.backdate_due(runtime, "5.2", date(2020, 1, 10))
    sweep = ReminderSweep(runtime.db, runtime.board, None, runtime.clock)
    bundles = sweep.run(None, now=TUESDAY, dry_run=True).sent
    (for_sam,) = [b for b in bundles if getattr(b.recipient, "email", None) == sam.email]
    reminder = valid_card(render(for_sam, for_sam.today))
    assert reminder["fallbackText"].startswith(
        "5.2 was due on Friday 10 January — update it or ask for a new date, and 1 more"
    )
    assert "Mark it complete, update it, or ask for a new date." in said(reminder)
    dialog = open_dialog(teams, framework, sam, button(reminder, "Ask for a new date"))
    assert "Train SENCos" in said(dialog) and "10 days overdue" in said(dialog)
    # Refused beside the field, with what was typed handed back.
    reason = "The trainer is off until February"
    again = dialog_card(submit(teams, framework, sam, dialog, date="2020-01-20", reason=reason))
    assert under(again, "date").startswith("The new date must be after today")
    assert inputs(again)["reason"]["value"] == reason
    chairs = len(teams.sent_to(teams.personal_conversation(chair)))
    answer = submit(teams, framework, sam, again, date="2020-02-28", reason=reason)
    assert answer["task"]["type"] == "message"
    assert "You have asked for 5.2 to be due on 28 February 2020" in answer["task"]["value"]
    request = sent_card(teams, chair, chairs)
    (notified,) = teams.sent_to(teams.personal_conversation(chair))[chairs:]
    assert notified["summary"] == (
        "Sam Smith asks for 5.2 to be due on 28 February 2020 — approve or decline it"
    )
    assert "Sam Smith asks for 5.2 Train SENCos to be due on Friday 28 February 2020" in said(
        request
    )
    assert reason in said(request)
    # Someone who is not an admin is refused; the chair approves with a note.
    refused = dialog_card(
        framework.send(teams.activities.task_fetch(lee, button(request, "Approve")["data"]))
    )
    assert "Only an admin (" in said(refused)
    approve = open_dialog(teams, framework, chair, button(request, "Approve"))
    sams = len(teams.sent_to(teams.personal_conversation(sam)))
    done = submit(teams, framework, chair, approve, note="Agreed with the forum")
    assert done["task"]["value"] == "Approved: 5.2 is now due on 28 February 2020."
    told = sent_card(teams, sam, sams)
    assert "Your request was approved: 5.2 is now due on 28 February 2020" in said(told)
    # Pressed again after it is decided: nothing changes, and it says who decided and when.
    late = open_dialog(teams, framework, chair, button(request, "Decline"))
    assert "already approved by Chris Chair on Monday 20 January 2020" in said(late)
    action = plan_state.action(runtime, "5.2")
    assert action.due_date == date(2020, 2, 28)
    assert action.due_revised_reason == f"{reason} (approved by Chris Chair: Agreed with the forum)"
