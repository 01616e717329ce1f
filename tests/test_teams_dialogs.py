"""Buttons and dialogs on Teams, through `POST /api/messages` as the Bot Framework sends them:
Update, Mark complete and Snooze on an action; Add an action, Log a risk and Review a risk.
Every card and dialog the bot answers with must be a valid Adaptive Card (1.5)."""

import logging
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.reminder_sweep import ReminderSweep
from bot.status import Status
from handlers.teams import dialogs
from handlers.teams.cards import render
from storage.models import Risk
from teams_standin.sender import TeamsSender
from teams_standin.server import TeamsStandIn
from tests.conftest import ADMIN
from tests.support import plan_state
from tests.support.speak import SlackVoice
from tests.test_teams_cards import teams_reading, valid_card
from tests.test_teams_door import door  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("plan")
SAM_SLACK = "U0SAM0001"
SAM_EMAIL = "sam.smith@council.example"
CHAIR_EMAIL = "chair@council.example"
TASK_FETCH = {"type": "task/fetch"}


@pytest.fixture
def framework(door, teams) -> TeamsSender:  # noqa: F811
    """The Bot Framework's side: posts token-bearing activities to the bot's /api/messages."""
    return TeamsSender(door.url, teams)


@pytest.fixture(scope="module")
def teams():
    """One tenant for the module (each test's door resets what it recorded)."""
    with TeamsStandIn() as standin:
        yield standin


def member(teams: TeamsStandIn, name: str, email: str):
    return teams.directory.find_member(email) or teams.add_member(name, email)


@pytest.fixture
def sam(standin, teams, runtime):
    """Sam owns 5.1 (due in two weeks, so its reminder offers Snooze) and works in Teams."""
    standin.add_user(SAM_SLACK, "sam", SAM_EMAIL, real_name="Sam Smith")
    SlackVoice(runtime).action(
        ADMIN, f'add 5.1 "Publish the local offer" wg 1 owner <@{SAM_SLACK}> due 03/02/2020'
    )
    return member(teams, "Sam Smith", SAM_EMAIL)


@pytest.fixture
def chair(teams, runtime, monkeypatch):
    monkeypatch.setattr(runtime.people, "admins", runtime.people.admins | {CHAIR_EMAIL})
    return member(teams, "Chris Chair", CHAIR_EMAIL)


@pytest.fixture
def lee(teams):
    return member(teams, "Lee Lead", "lee.lead@council.example")


# --- talking to the bot ---------------------------------------------------------------------


class Posted:
    """A card the bot posted in someone's personal chat."""

    def __init__(self, teams: TeamsStandIn, conversation: str, activity: dict) -> None:
        self.teams = teams
        self.conversation = conversation
        self.id = activity["id"]
        self.card = valid_card(activity["attachments"][0]["content"])

    def now(self) -> dict:
        """The card as the chat shows it now (after any update in place)."""
        (shown,) = [a for a in self.teams.current(self.conversation) if a["id"] == self.id]
        return valid_card(shown["attachments"][0]["content"])


def ask(teams: TeamsStandIn, framework, who, text: str) -> Posted:
    conversation = teams.personal_conversation(who)
    before = len(teams.sent_to(conversation))
    framework.send(teams.activities.message(who, text))
    teams.wait_for("send", before + 1, predicate=lambda c: c.conversation_id == conversation)
    return Posted(teams, conversation, teams.sent_to(conversation)[-1])


def button(card: dict, title: str, ref: str | None = None) -> dict:
    """The first button with this title (on the action `ref`)."""
    found = []

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            data = node.get("data")
            carried = data.get("sendbot") if isinstance(data, dict) else None
            mine = ref is None or (isinstance(carried, dict) and carried.get("ref") == ref)
            if str(node.get("type")).startswith("Action.") and node["title"] == title and mine:
                found.append(node)
            for value in node.values():
                walk(value)

    walk(card)
    assert found, f"no {title!r} button on {teams_reading(card)!r}"
    return found[0]


def open_dialog(teams, framework, who, pressed: dict, on: Posted | None = None) -> dict:
    assert pressed["type"] == "Action.Submit"
    assert pressed["data"]["msteams"] == TASK_FETCH
    activity = teams.activities.task_fetch(who, pressed["data"], reply_to_id=on and on.id)
    return dialog_card(framework.send(activity))


def dialog_card(answer: dict) -> dict:
    """The dialog an invoke answered with, checked against the schema."""
    assert answer["task"]["type"] == "continue"
    attachment = answer["task"]["value"]["card"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return valid_card(attachment["content"])


def submit(teams, framework, who, dialog: dict, on: Posted | None = None, **typed) -> dict | None:
    """Fill the dialog in as Teams does: every input's value (as shown, or as `typed`) merged
    into its Save button's data."""
    save = button(dialog, dialog_save(dialog))
    shown = {key: field.get("value", "") for key, field in inputs(dialog).items()}
    data = {**save["data"], **shown, **typed}
    activity = teams.activities.task_submit(who, data, reply_to_id=on and on.id)
    return framework.send(activity)


def dialog_save(dialog: dict) -> str:
    (row,) = [part for part in dialog["body"] if part["type"] == "ActionSet"]
    return row["actions"][0]["title"]


def inputs(dialog: dict) -> dict[str, dict]:
    return {part["id"]: part for part in dialog["body"] if part["type"].startswith("Input.")}


def under(dialog: dict, field: str) -> str:
    """The line shown under a field (where a refusal's reason goes)."""
    ids = [part.get("id") for part in dialog["body"]]
    shown = dialog["body"][ids.index(field) + 1]
    assert shown.get("color") == "Attention", shown
    return shown["text"]


def said(card: dict) -> str:
    return teams_reading(card)


# --- Update and Mark complete ---------------------------------------------------------------


def test_update_opens_a_dialog_and_saving_it_changes_the_card_in_place(
    teams, framework, sam, runtime
):
    mine = ask(teams, framework, sam, "action mine")
    dialog = open_dialog(teams, framework, sam, button(mine.card, "Update", "5.1"), mine)
    assert "Now: ⚪ Not started" in said(dialog)
    assert inputs(dialog)["status"]["value"] == "not started"
    assert (
        submit(teams, framework, sam, dialog, mine, status="amber", note="Draft with the forum")
        is None
    )
    assert plan_state.action(runtime, "5.1").status == Status.AMBER
    assert plan_state.history(runtime, "5.1")[-1].note == "Draft with the forum"
    now = said(mine.now())
    assert "5.1 is now Amber (at risk). Your note is saved." in now
    assert "Your open actions" in now  # the same card, as it now is


def test_mark_complete_turns_the_card_blue_and_a_second_press_changes_nothing(
    teams, framework, sam, runtime
):
    home = ask(teams, framework, sam, "home")
    pressed = button(home.card, "Mark complete", "5.1")
    assert pressed["data"]["sendbot"]["on"] == "home"
    dialog = open_dialog(teams, framework, sam, pressed, home)
    submit(teams, framework, sam, dialog, home, evidence="Published on the Local Offer")
    now = home.now()
    assert "5.1 is complete — thank you. The evidence is saved." in said(now)
    assert "🔵 Blue (complete)" in said(now) and "home shows this again" in said(now)
    (blue,) = [c for c in now["body"] if c.get("style") == "accent"]
    assert "Publish the local offer" in said({"body": [blue]})
    before = plan_state.snapshot(runtime)
    # The same button pressed again (an old copy of the card): the dialog says so …
    again = open_dialog(teams, framework, sam, pressed, home)
    assert "5.1 is already complete. Nothing was changed." in said(again)
    assert "Input.Text" not in str(again)
    # … and the same dialog saved twice completes it once.
    submit(teams, framework, sam, dialog, home, evidence="Published on the Local Offer")
    assert "already complete" in said(home.now())
    assert plan_state.snapshot(runtime) == before


def test_a_refused_dialog_comes_back_with_what_was_typed_and_the_reason_by_the_field(
    teams, framework, sam, runtime
):
    mine = ask(teams, framework, sam, "action mine")
    dialog = open_dialog(teams, framework, sam, button(mine.card, "Mark complete", "5.1"), mine)
    before = plan_state.snapshot(runtime)
    answer = submit(teams, framework, sam, dialog, mine, evidence="   ")
    again = dialog_card(answer)
    assert under(again, "evidence") == "Please describe the evidence that this action is complete."
    update = open_dialog(teams, framework, sam, button(mine.card, "Update", "5.1"), mine)
    typed = "A long note about the forum meeting\nwith a second line"
    again = dialog_card(submit(teams, framework, sam, update, mine, status="purple", note=typed))
    assert under(again, "status") == "Choose a status."
    assert inputs(again)["note"]["value"] == typed
    assert plan_state.snapshot(runtime) == before
    assert mine.now() == mine.card


def test_a_dialog_from_an_out_of_date_card_shows_the_action_as_it_now_is(
    teams, framework, sam, runtime
):
    mine = ask(teams, framework, sam, "action mine")
    pressed = button(mine.card, "Update", "5.1")
    SlackVoice(runtime).action(ADMIN, "update 5.1 red Data late")
    dialog = open_dialog(teams, framework, sam, pressed, mine)
    assert "Now: 🔴 Red (off track)" in said(dialog)
    assert dialogs.CHANGED in said(dialog)
    # Changed again while the dialog was open: nothing saved, the typed note kept, and the
    # dialog now shows (and saves against) the action as it is.
    SlackVoice(runtime).action(ADMIN, "update 5.1 amber Data in")
    again = dialog_card(submit(teams, framework, sam, dialog, mine, status="green", note="Mine"))
    assert "5.1 has changed since you opened it" in said(again)
    assert "Now: 🟠 Amber (at risk)" in said(again)
    assert inputs(again)["note"]["value"] == "Mine"
    assert plan_state.action(runtime, "5.1").status == Status.AMBER
    assert submit(teams, framework, sam, again, mine, status="green", note="Mine") is None
    assert plan_state.action(runtime, "5.1").status == Status.GREEN


def test_someone_who_may_not_change_the_action_gets_the_cores_refusal(
    teams, framework, sam, lee, runtime
):
    shown = ask(teams, framework, lee, "action show 5.1")
    assert "Update" not in str(shown.card)  # no buttons for a reader
    mine = ask(teams, framework, sam, "action mine")
    pressed = button(mine.card, "Update", "5.1")
    before = plan_state.snapshot(runtime)
    refusal = open_dialog(teams, framework, lee, pressed)
    assert "Only the owner of 5.1 (Sam Smith)" in said(refusal)
    data = {**pressed["data"], "status": "green"}
    answer = framework.send(teams.activities.task_submit(lee, data))
    assert "Only the owner of 5.1 (Sam Smith)" in said(dialog_card(answer))
    typed = ask(teams, framework, sam, "action add")
    assert "Only an admin (U0ADMIN01) can add actions" in said(typed.card)
    # An "Add an action" button from someone else's card, pressed by Sam:
    add = {"do": "add", "on": "form"}
    add = {"type": "Action.Submit", "data": {"sendbot": add, "msteams": TASK_FETCH}}
    assert "Only an admin (U0ADMIN01)" in said(open_dialog(teams, framework, sam, add))
    assert plan_state.snapshot(runtime) == before


def test_a_button_with_malformed_data_says_it_no_longer_works(teams, framework, sam, runtime):
    before = plan_state.snapshot(runtime)
    for data in (
        {"sendbot": {"do": "update", "on": "mine", "ref": "5.1; drop", "v": 1}},
        {"sendbot": {"do": "update", "on": "mine"}},
        {"do": "update", "on": "mine", "ref": "5.1"},
        None,
    ):
        answer = framework.send(teams.activities.task_fetch(sam, data))
        assert "That button no longer works. Type action mine" in said(dialog_card(answer))
    pressed = framework.send(teams.activities.card_action(sam, "snooze", {"sendbot": {"ref": 5.1}}))
    assert pressed["statusCode"] == 200
    assert pressed["type"] == "application/vnd.microsoft.activity.message"
    assert pressed["value"].startswith("That button no longer works.")
    assert plan_state.snapshot(runtime) == before


def test_the_action_in_full_has_buttons_for_its_owner_and_is_shown_again_after_a_change(
    teams, framework, sam, runtime
):
    detail = ask(teams, framework, sam, "action show 5.1")
    dialog = open_dialog(teams, framework, sam, button(detail.card, "Update", "5.1"), detail)
    submit(teams, framework, sam, dialog, detail, status="green")
    now = said(detail.now())
    assert "5.1 is now Green (on track)." in now
    assert "Status\n🟢 Green (on track)" in now and "Latest history" in now


# --- Snooze on a reminder -------------------------------------------------------------------


def test_snooze_on_a_reminder_acts_at_once_and_the_card_says_until_when(
    teams, framework, sam, runtime
):
    ask(teams, framework, sam, "action mine")  # Sam is known on Teams
    sweep = ReminderSweep(runtime.db, runtime.board, None, runtime.clock, runtime.summaries.digest)
    bundles = sweep.run(None, now=datetime(2020, 1, 20, 9, 5, tzinfo=UTC), dry_run=True).sent
    (for_sam,) = [b for b in bundles if getattr(b.recipient, "email", None) == SAM_EMAIL]
    reminder = valid_card(render(for_sam, for_sam.today))
    pressed = button(reminder, "Snooze 2 working days", "5.1")
    assert pressed["type"] == "Action.Execute"
    press = teams.activities.card_action(sam, pressed["verb"], pressed["data"])
    answer = framework.send(press)
    assert answer["statusCode"] == 200
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    card = said(valid_card(answer["value"]))
    assert "Reminders for 5.1 are snoozed until Wednesday 22 January 2020." in card
    assert "Publish the local offer" in card
    assert str(plan_state.action(runtime, "5.1").snoozed_until) == "2020-01-22"
    again = framework.send(teams.activities.card_action(sam, pressed["verb"], pressed["data"]))
    assert "already snoozed until Wednesday 22 January 2020" in said(valid_card(again["value"]))


def test_action_mine_offers_snooze_until_an_action_is_due_and_says_it_in_words(
    teams, framework, sam, chair, runtime
):
    SlackVoice(runtime).action(
        ADMIN, f'add 5.2 "Audit the annual reviews" wg 1 owner <@{SAM_SLACK}> due 10/01/2030'
    )
    plan_state.backdate_due(runtime, "5.2", date(2020, 1, 10))  # a past date cannot be typed
    mine = ask(teams, framework, sam, "action mine")
    words = said(mine.card)
    assert "WG" not in words and "(due in" not in words
    group = "Working group 1 Understanding of Need"
    assert f"⚪ Not started · due Mon 3 Feb (in 14 days) · {group} · Sam Smith" in words
    assert "due Fri 10 Jan (10 days overdue)" in words
    button(mine.card, "Snooze 2 working days", "5.1")
    with pytest.raises(AssertionError, match="no 'Snooze 2 working days' button"):
        button(mine.card, "Snooze 2 working days", "5.2")  # overdue: update it instead
    pressed = button(mine.card, "Snooze 2 working days", "5.1")
    answer = framework.send(teams.activities.card_action(sam, pressed["verb"], pressed["data"]))
    card = said(valid_card(answer["value"]))
    assert "Reminders for 5.1 are snoozed until Wednesday 22 January 2020." in card
    assert "Your open actions: 2" in card  # the list, shown again under what was done
    assert str(plan_state.action(runtime, "5.1").snoozed_until) == "2020-01-22"
    # A refusal names the admins the bot knows by name.
    ask(teams, framework, chair, "help")
    assert "admins (U0ADMIN01, Chris Chair) can add actions" in said(
        ask(teams, framework, sam, "action add").card
    )


# --- Add an action, Log a risk, Review a risk -----------------------------------------------


def test_add_an_action_chooses_the_owner_from_known_people_who_are_told(
    teams, framework, sam, chair, runtime
):
    ask(teams, framework, sam, "action mine")  # Sam has used the bot on Teams: he can be told
    offer = ask(teams, framework, chair, "action add")
    dialog = open_dialog(teams, framework, chair, button(offer.card, "Add an action"), offer)
    owners = {c["title"]: c["value"] for c in inputs(dialog)["owner"]["choices"]}
    sam_id = owners[f"Sam Smith ({SAM_EMAIL})"]
    before = plan_state.snapshot(runtime)
    typed = {"title": "Train SENCOs on the graduated approach", "group": "6", "due": "2020-03-31"}
    again = dialog_card(submit(teams, framework, chair, dialog, offer, **typed))
    assert under(again, "owner") == "Choose the owner."
    assert inputs(again)["title"]["value"] == typed["title"]
    assert plan_state.snapshot(runtime) == before
    assert submit(teams, framework, chair, again, offer, **typed, owner=sam_id) is None
    added = plan_state.action(runtime, "A1")
    assert (added.title, str(added.due_date)) == (typed["title"], "2020-03-31")
    assert "Added A1, owned by Sam Smith." in said(offer.now())
    told = teams.personal_conversation(sam)
    teams.wait_for(
        "send", predicate=lambda call: call.conversation_id == told and "A1" in str(call.body)
    )
    (message,) = [a for a in teams.sent_to(told) if "A1" in str(a)]
    text = said(valid_card(message["attachments"][0]["content"]))
    assert "You are the owner of a new action, given to you by Chris Chair" in text


def test_log_a_risk_then_review_it_in_dialogs(teams, framework, sam, runtime):
    offer = ask(teams, framework, sam, "risk log Too few educational psychologists")
    dialog = open_dialog(teams, framework, sam, button(offer.card, "Log a risk"), offer)
    fields = inputs(dialog)
    assert fields["description"]["value"] == "Too few educational psychologists"
    owner = {c["value"]: c["title"] for c in fields["owner"]["choices"]}[fields["owner"]["value"]]
    assert owner.startswith("Sam Smith")
    assert submit(teams, framework, sam, dialog, offer, likelihood="4", impact="3") is None
    assert "Logged R1: score 12 (medium), owned by Sam Smith." in said(offer.now())
    review = ask(teams, framework, sam, "risk update R1")
    dialog = open_dialog(teams, framework, sam, button(review.card, "Review this risk"), review)
    assert inputs(dialog)["likelihood"]["value"] == "4"
    submit(teams, framework, sam, dialog, review, likelihood="2", note="Two more recruited")
    assert "R1 now scores 6 (medium), down from 12." in said(review.now())
    with runtime.db.session() as session:
        risk = session.scalars(select(Risk)).one()
        assert (risk.likelihood, risk.impact) == (2, 3)


# --- failures -------------------------------------------------------------------------------


def test_an_unexpected_error_is_an_apology_with_an_id_in_the_log_and_typing_is_kept(
    teams, framework, sam, runtime, monkeypatch, caplog
):
    mine = ask(teams, framework, sam, "action mine")
    dialog = open_dialog(teams, framework, sam, button(mine.card, "Update", "5.1"), mine)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(runtime.actions, "execute", broken)
    with caplog.at_level(logging.ERROR):
        answer = submit(teams, framework, sam, dialog, mine, status="green", note="Keep this note")
    shown = said(dialog_card(answer))
    assert "Sorry — something went wrong on our side and nothing was changed" in shown
    assert "Keep this note" in shown
    error_id = shown.split("error id ")[1][:8]
    assert any(error_id in r.getMessage() for r in caplog.records)
    assert "a bug" not in shown

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(runtime.actions, "execute", unreachable)
    answer = framework.send(teams.activities.task_fetch(sam, button(mine.card, "Update")["data"]))
    assert "cannot reach its database just now" in said(dialog_card(answer))


def test_a_typed_change_tells_the_new_owner_as_a_dialog_does(
    teams, framework, sam, chair, lee, runtime
):
    ask(teams, framework, lee, "action mine")  # Lee has used the bot on Teams: she can be told
    conversation = teams.personal_conversation(chair)
    typed = teams.activities.message(chair, "action assign 5.1 <at>Lee Lead</at>", mentions=[lee])
    framework.send(typed)
    teams.wait_for("send", predicate=lambda call: call.conversation_id == conversation)
    assert plan_state.action(runtime, "5.1").owner.name == "Lee Lead"
    told = teams.personal_conversation(lee)
    teams.wait_for(
        "send", predicate=lambda call: call.conversation_id == told and "5.1" in str(call.body)
    )
    (message,) = [a for a in teams.sent_to(told) if "5.1" in str(a)]
    assert "Chris Chair" in said(valid_card(message["attachments"][0]["content"]))
