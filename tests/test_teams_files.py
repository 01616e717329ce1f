"""Files and pictures on Teams (issue 11, item 6), through `POST /api/messages` as the Bot
Framework calls it: the export is offered with a file consent card in the asker's personal chat,
made afresh and saved to the upload URL when they accept (`fileConsent/invoke`), and shown with a
file info card; the chart is shown inline in a card, within Teams' picture limits."""

import base64
import io
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from bot.delivery import DeliveryError, Place
from bot.places import Places
from bot.plan_export import export_plan
from bot.reminder_sweep import ReminderSweep
from handlers.teams.connector import BotToken, Connector
from handlers.teams.delivery import TeamsDelivery
from handlers.teams.people import PLATFORM
from teams_standin.sender import TeamsSender
from teams_standin.server import TeamsStandIn
from tests.conftest import OWNER
from tests.support import plan_state
from tests.support.speak import SlackVoice
from tests.test_teams_cards import VALIDATOR, valid_card
from tests.test_teams_door import card_text, door, sender, standin_settings, teams  # noqa: F401

pytestmark = pytest.mark.usefixtures("plan")

CONSENT = "application/vnd.microsoft.teams.card.file.consent"
INFO = "application/vnd.microsoft.teams.card.file.info"
CHAIR_EMAIL = "chair@council.example"


class TeamsChat:
    """People writing to the running bot on Teams, and what it sent back."""

    def __init__(self, standin: TeamsStandIn, bot: TeamsSender) -> None:
        self.teams = standin
        self.sender = bot

    def ask(self, member, text: str) -> dict:
        """Type `text` in the personal chat; the one activity the bot answered with there."""
        activity = self.teams.activities.message(member, text)
        assert self.sender.post(activity).status == 200
        return self.answer_in(activity["conversation"]["id"])

    def answer_in(self, chat: str, count: int = 1) -> dict:
        """The `count`th activity the bot sent in `chat`, once it has."""
        self.teams.wait_for("send", count, predicate=lambda call: call.conversation_id == chat)
        return self.teams.sent_to(chat)[count - 1]

    def answer_offer(
        self, member, consent: dict, accept: bool = True, context: dict | None = None
    ) -> dict:
        """Accept (or decline) the file offered in `consent`, as Teams reports it (with the
        card's own context unless another is given)."""
        offer = offer_in(consent)
        activity = self.teams.activities.file_consent(
            member,
            context or offer["content"]["acceptContext"],
            accept=accept,
            name=offer["name"],
            reply_to_id=consent["id"],
        )
        answered = self.sender.post(activity)
        assert answered.status == 200 and answered.body == ""
        return activity

    def shown_now(self, chat: str, activity_id: str) -> str:
        """What a message the bot sent says now, after any update; its card must be valid."""
        (now,) = [a for a in self.teams.current(chat) if a["id"] == activity_id]
        (attachment,) = now["attachments"]
        return card_text(valid_card(attachment["content"]))


@pytest.fixture
def chat(teams, sender) -> TeamsChat:  # noqa: F811
    return TeamsChat(teams, sender)


@pytest.fixture
def chair(chat, runtime, monkeypatch):
    """The board's chair, an admin, who uses the bot on Teams."""
    monkeypatch.setattr(runtime.people, "admins", runtime.people.admins | {CHAIR_EMAIL})
    directory = chat.teams.directory
    return directory.find_member(CHAIR_EMAIL) or chat.teams.add_member("Chris Chair", CHAIR_EMAIL)


def offer_in(activity: dict) -> dict:
    """The file consent card, checked against the shape Microsoft documents."""
    (attachment,) = activity["attachments"]
    assert attachment["contentType"] == CONSENT
    content = attachment["content"]
    assert set(content) == {"description", "sizeInBytes", "acceptContext", "declineContext"}
    assert content["acceptContext"] == content["declineContext"]
    # What it takes to make the file again, never the file itself.
    assert len(json.dumps(content["acceptContext"])) < 300
    return attachment


def workbook_values(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


# --- the export ------------------------------------------------------------------------------


def test_the_export_is_saved_to_onedrive_when_accepted_and_holds_the_plan(
    chat, chair, runtime, tmp_path: Path
):
    consent = chat.ask(chair, "summary export")
    offer = offer_in(consent)
    assert offer["name"].endswith(".xlsx") and offer["content"]["sizeInBytes"] > 0
    assert "The whole plan (5 actions)" in offer["content"]["description"]

    accepted = chat.answer_offer(chair, consent)

    (upload,) = chat.teams.uploads()
    assert upload.name == offer["name"]
    expected = tmp_path / "expected.xlsx"
    export_plan(runtime.db, expected, tz=runtime.clock.tz, bands=runtime.board.risk_bands)
    assert workbook_values(upload.content) == workbook_values(expected.read_bytes())
    refs = [row[0] for row in workbook_values(upload.content)["Actions"][1:]]
    assert sorted(refs) == ["1.1", "1.2", "2.1", "3.1", "4.1"]
    # The file info card points at what was saved ...
    personal = accepted["conversation"]["id"]
    info = chat.answer_in(personal, 2)["attachments"][0]
    upload_info = accepted["value"]["uploadInfo"]
    assert info == {
        "contentType": INFO,
        "contentUrl": upload_info["contentUrl"],
        "name": upload_info["name"],
        "content": {"uniqueId": upload_info["uniqueId"], "fileType": "xlsx"},
    }
    # ... and the consent card gives way to what happened, so it cannot be accepted again.
    assert "Saved to your OneDrive" in chat.shown_now(personal, consent["id"])


def test_declining_the_export_saves_nothing_and_says_so(chat, chair, runtime):
    consent = chat.ask(chair, "summary export")
    before = plan_state.snapshot(runtime)
    declined = chat.answer_offer(chair, consent, accept=False)
    assert chat.teams.uploads() == []
    assert "You declined" in chat.shown_now(declined["conversation"]["id"], consent["id"])
    assert plan_state.snapshot(runtime) == before


def test_a_repeated_accept_saves_the_file_once_and_says_so(chat, chair):
    consent = chat.ask(chair, "summary export")
    chat.answer_offer(chair, consent)
    again = chat.answer_offer(chair, consent)
    assert len(chat.teams.uploads()) == 1
    personal = again["conversation"]["id"]
    # The consent card, the file info card, then the answer to the second accept.
    assert "already answered this offer" in card_text(chat.answer_in(personal, 3))
    assert "Saved to your OneDrive" in chat.shown_now(personal, consent["id"])


def test_an_offer_accepted_after_it_ran_out_sends_nothing_and_says_so(chat, chair):
    consent = chat.ask(chair, "summary export")
    # The card's context as it comes back from a card offered a day and more ago. (Moving the
    # clock on instead would make the bot's Bot Connector token out of date too.)
    context = offer_in(consent)["content"]["acceptContext"]
    accepted = chat.answer_offer(chair, consent, context={**context, "until": int(time.time()) - 1})
    assert chat.teams.uploads() == []
    assert "has run out" in chat.shown_now(accepted["conversation"]["id"], consent["id"])


def test_a_member_who_may_not_export_gets_the_cores_refusal(chat, runtime):
    member = chat.teams.directory.find_member("mo.member@school.example") or (
        chat.teams.add_member("Mo Member", "mo.member@school.example")
    )
    before = plan_state.snapshot(runtime)
    (attachment,) = chat.ask(member, "summary export")["attachments"]
    assert refusal_in(card_text(valid_card(attachment["content"])))
    assert chat.teams.uploads() == [] and plan_state.snapshot(runtime) == before


def test_permission_is_checked_again_when_the_offer_is_accepted(chat, chair, runtime, monkeypatch):
    consent = chat.ask(chair, "summary export")
    monkeypatch.setattr(runtime.people, "admins", frozenset())  # no longer an admin
    accepted = chat.answer_offer(chair, consent)
    assert chat.teams.uploads() == []
    assert refusal_in(chat.shown_now(accepted["conversation"]["id"], consent["id"]))


def test_asked_in_a_channel_the_export_is_offered_in_the_personal_chat(chat, chair):
    team = chat.teams.add_team("SEND Improvement Board")
    chat.teams.directory.add_member(chair, (team,))
    activity = chat.teams.activities.channel_message(chair, team, "summary export here")
    assert chat.sender.post(activity).status == 200
    offer_in(chat.answer_in(chat.teams.personal_conversation(chair)))
    pointer = chat.answer_in(activity["conversation"]["id"])
    assert pointer["replyToId"] == activity["id"]
    assert "personal chat" in card_text(valid_card(pointer["attachments"][0]["content"]))


def test_an_upload_teams_refuses_is_said_and_no_file_is_shown(chat, chair):
    consent = chat.ask(chair, "summary export")
    offer = offer_in(consent)
    accepted = chat.teams.activities.file_consent(
        chair, offer["content"]["acceptContext"], name=offer["name"], reply_to_id=consent["id"]
    )
    # An upload session OneDrive does not know (run out, or cancelled): it answers 404.
    accepted["value"]["uploadInfo"]["uploadUrl"] += "-gone"
    assert chat.sender.post(accepted).status == 200
    assert chat.teams.uploads() == []
    personal = accepted["conversation"]["id"]
    assert "could not save" in chat.shown_now(personal, consent["id"])
    assert len(chat.teams.sent_to(personal)) == 1  # no file info card


def test_an_unexpected_error_on_accept_gets_an_apology_with_an_id_that_is_in_the_log(
    chat, chair, runtime, monkeypatch, caplog
):
    consent = chat.ask(chair, "summary export")

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(runtime.summaries, "handle", explode)
    accepted = chat.answer_offer(chair, consent)
    (said,) = chat.answer_in(accepted["conversation"]["id"], 2)["attachments"]
    apology = card_text(valid_card(said["content"]))
    assert "Sorry — something went wrong on our side" in apology and "boom" not in apology
    error_id = apology.split("error id ")[1][:8]
    assert any(error_id in record.getMessage() for record in caplog.records)
    assert chat.teams.uploads() == []


def refusal_in(said: str) -> bool:
    """Whether the core's refusal of an export is what was said."""
    return "or a working group lead can export the plan" in said.replace("\\", "")


# --- the chart -------------------------------------------------------------------------------


def chart_in(activity: dict) -> tuple[Image.Image, str, int]:
    """The chart card's picture, its words and its size in bytes. The card must be valid; its
    size is the stand-in's to judge (Teams does not count a base64 picture against its limit,
    the stand-in does)."""
    (attachment,) = activity["attachments"]
    card = attachment["content"]
    VALIDATOR.validate(card)
    (image,) = [element for element in card["body"] if element["type"] == "Image"]
    prefix = "data:image/png;base64,"
    assert image["url"].startswith(prefix)
    png = base64.b64decode(image["url"].removeprefix(prefix), validate=True)
    Image.open(io.BytesIO(png)).verify()
    return Image.open(io.BytesIO(png)), image["altText"], len(png)


def test_the_chart_is_shown_inline_within_teams_limits_and_told_in_words(chat, chair, runtime):
    SlackVoice(runtime).action(OWNER, "update 1.1 red")
    picture, words, size = chart_in(chat.ask(chair, "summary chart"))
    assert picture.format == "PNG" and max(picture.size) <= 1024 and size < 1024 * 1024
    group_1 = "Working group 1 Understanding of Need: 2 actions: 1 red (off track), 1 not started."
    assert group_1 in words
    assert "All working groups: 5 actions: 1 red (off track), 4 not started." in words


def test_the_chart_here_is_posted_for_everyone_in_the_channel(chat, chair):
    team = chat.teams.add_team("SEND Improvement Board")
    chat.teams.directory.add_member(chair, (team,))
    activity = chat.teams.activities.channel_message(chair, team, "summary chart here")
    assert chat.sender.post(activity).status == 200
    chart_in(chat.answer_in(activity["conversation"]["id"]))
    assert chat.teams.sent_to(chat.teams.personal_conversation(chair)) == []


# --- files the clock and the CLI send ---------------------------------------------------------


@pytest.fixture
def delivery(chat, runtime):
    """What the clock and the CLI send through on Teams."""
    connector = Connector(BotToken(standin_settings(chat.teams)))
    places = Places(runtime.db, runtime.clock)
    sending = TeamsDelivery(connector, runtime.people, places, runtime.clock.today)
    yield sending
    sending.close()


def test_the_weekly_digest_shows_the_chart_inline_in_a_teams_channel(
    chat, chair, runtime, delivery
):
    team = chat.teams.add_team("SEND Improvement Board")
    # The app is added to the board's team: the bot keeps how to post in its channels.
    added = chat.teams.activities.installation_update(chair, team_id=team)
    assert chat.sender.post(added).status == 200
    chat.teams.wait_for("send", predicate=lambda call: call.conversation_id == team)
    chat.teams.reset()
    sweep = ReminderSweep(runtime.db, runtime.board, team, runtime.clock, runtime.summaries.digest)
    report = sweep.run(delivery, now=datetime(2020, 1, 20, 9, 5, tzinfo=UTC))
    assert [bundle.recipient for bundle in report.sent] == [Place(team)]
    overview, chart = chat.teams.sent_to(team)
    assert "Weekly digest" in card_text(valid_card(overview["attachments"][0]["content"]))
    picture, words, _ = chart_in(chart)
    assert max(picture.size) <= 1024 and "5 actions" in words


def test_an_export_sent_by_the_clock_is_offered_to_its_person(chat, chair, runtime, delivery):
    chat.ask(chair, "home")
    person = runtime.people.by_account(PLATFORM, chair.aad_object_id, lambda: None)
    admin = runtime.people.actor(person)
    export = runtime.summaries.handle(admin, "export").result.file
    delivery.file(admin.person, export)
    consent = chat.answer_in(chat.teams.personal_conversation(chair), 2)
    chat.answer_offer(chair, consent)
    (upload,) = chat.teams.uploads()
    assert upload.name == export.filename
    # A channel cannot be sent a file on Teams: said at once, and never tried again.
    with pytest.raises(DeliveryError) as refused:
        delivery.file(Place(chat.teams.add_team("Board")), export)
    assert refused.value.permanent and "personal chat" in refused.value.reason
