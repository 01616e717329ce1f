"""The Teams door through `POST /api/messages`, as the Bot Framework calls it: real tokens signed
by the stand-in's key and checked by the Teams SDK's validator, replies through the stand-in's
Bot Connector, and the same hardening as the Slack door (issue 10)."""

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from sendbot.local_server import BackgroundAsgiServer
from sendbot.runtime import Runtime
from sendbot.serve_teams import teams_application
from sendbot.settings import TeamsSettings
from teams_standin.keys import BAD_TOKEN_KNOBS, NO_EXP_KNOBS
from teams_standin.sender import TeamsSender
from teams_standin.server import TeamsStandIn
from tests.support import plan_state

pytestmark = pytest.mark.usefixtures("plan")

CARD_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "adaptive-card-1.5.json"


@pytest.fixture(scope="module")
def teams() -> Iterator[TeamsStandIn]:
    with TeamsStandIn() as standin:
        yield standin


def standin_settings(teams: TeamsStandIn) -> TeamsSettings:
    """The Teams settings of a bot registered on the stand-in, which is also its authority."""
    return TeamsSettings(
        app_id=teams.app_id,
        app_password=teams.app_password,
        tenant_id=teams.tenant_id,
        openid_url=teams.openid_url,
        authority_url=teams.url,
    )


@pytest.fixture
def door(teams: TeamsStandIn, runtime: Runtime) -> Iterator[BackgroundAsgiServer]:
    teams.reset()
    application = teams_application(runtime, standin_settings(teams))
    with BackgroundAsgiServer(application) as server:
        yield server


@pytest.fixture
def sender(door: BackgroundAsgiServer, teams: TeamsStandIn) -> TeamsSender:
    return TeamsSender(door.url, teams)


@pytest.fixture
def sam(teams: TeamsStandIn):
    found = teams.directory.find_member("sam.smith@council.example")
    return found or teams.add_member("Sam Smith", "sam.smith@council.example")


def reply_in(teams: TeamsStandIn, conversation_id: str) -> dict:
    """The card the bot posted in the conversation."""
    teams.wait_for("send", predicate=lambda call: call.conversation_id == conversation_id)
    (activity,) = teams.sent_to(conversation_id)
    (attachment,) = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    jsonschema.Draft6Validator(json.loads(CARD_SCHEMA.read_text())).validate(card)
    return card


def card_text(card: dict) -> str:
    return json.dumps(card, ensure_ascii=False)


# --- commands --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["action list", "/action list", "Action   list"])
def test_a_command_in_the_personal_chat_is_answered_with_a_card(teams, sender, sam, typed):
    activity = teams.activities.message(sam, typed)
    assert sender.post(activity).status == 200
    text = card_text(reply_in(teams, activity["conversation"]["id"]))
    assert "1.1" in text and "Joint strategic needs assessment for SEND" in text


def test_a_command_in_a_channel_is_answered_in_the_askers_personal_chat(teams, sender):
    team = teams.add_team("SEND Improvement Board")
    lee = teams.add_member("Lee Lead", "lee.lead@council.example", teams=(team,))
    activity = teams.activities.channel_message(lee, team, "action mine")
    assert sender.post(activity).status == 200
    # Teams has no private replies in a channel: the answer goes to Lee's personal chat …
    personal = teams.personal_conversation(lee)
    teams.wait_for("send", predicate=lambda call: call.conversation_id == personal)
    (answer,) = teams.sent_to(personal)
    assert "no open actions" in card_text(answer["attachments"][0]["content"])
    # … and the channel's thread gets one line saying where it went.
    thread = activity["conversation"]["id"]
    teams.wait_for("send", predicate=lambda call: call.conversation_id == thread)
    (pointer,) = teams.sent_to(thread)
    assert pointer["replyToId"] == activity["id"]
    assert "personal chat" in card_text(pointer["attachments"][0]["content"])


def test_summary_here_from_an_admin_is_posted_for_everyone_in_the_channel(
    teams, sender, runtime, monkeypatch
):
    team = teams.add_team("SEND Improvement Board")
    chair = teams.add_member("Chris Chair", "chair@council.example", teams=(team,))
    monkeypatch.setattr(runtime.people, "admins", runtime.people.admins | {"chair@council.example"})
    activity = teams.activities.channel_message(chair, team, "summary here")
    assert sender.post(activity).status == 200
    thread = activity["conversation"]["id"]
    teams.wait_for("send", predicate=lambda call: call.conversation_id == thread)
    assert teams.sent_to(teams.personal_conversation(chair)) == []


def test_someone_the_bot_cannot_reach_personally_is_told_how_in_the_thread(teams, sender):
    team = teams.add_team("SEND Improvement Board")
    # In the channel, but not in the team's roster and without the app: no personal chat.
    visitor = teams.add_member("Val Visitor", "val@nhs.example", personal=False)
    activity = teams.activities.channel_message(visitor, team, "action mine")
    assert sender.post(activity).status == 200
    thread = activity["conversation"]["id"]
    teams.wait_for("send", predicate=lambda call: call.conversation_id == thread)
    (pointer,) = teams.sent_to(thread)
    assert "Add the SEND bot app" in card_text(pointer["attachments"][0]["content"])


def test_bad_input_is_answered_with_the_reason_and_the_usage(teams, sender, sam, runtime):
    before = plan_state.snapshot(runtime)
    activity = teams.activities.message(sam, "action show 99.9")
    sender.post(activity)
    text = card_text(reply_in(teams, activity["conversation"]["id"]))
    assert "99.9" in text
    assert plan_state.snapshot(runtime) == before


def test_words_it_does_not_know_get_a_pointer_to_help(teams, sender, sam):
    activity = teams.activities.message(sam, "hello there")
    sender.post(activity)
    assert "help" in card_text(reply_in(teams, activity["conversation"]["id"]))


def test_people_are_kept_by_their_microsoft_account(teams, sender, sam, runtime):
    activity = teams.activities.message(sam, "action mine")
    sender.post(activity)
    reply_in(teams, activity["conversation"]["id"])
    person = runtime.people.by_account("teams", sam.aad_object_id, lambda: None)
    assert person is not None and person.name == "Sam Smith"


# --- authenticity ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "knobs", [*BAD_TOKEN_KNOBS.values(), NO_EXP_KNOBS], ids=[*BAD_TOKEN_KNOBS, "no_exp"]
)
def test_a_forged_expired_or_misdirected_token_gets_401_and_changes_nothing(
    teams, sender, sam, runtime, knobs
):
    before = plan_state.snapshot(runtime)
    activity = teams.activities.message(sam, "action mine")
    assert sender.post(activity, **knobs).status == 401
    assert plan_state.snapshot(runtime) == before
    assert teams.calls_to("send") == []
    assert runtime.people.by_account("teams", sam.aad_object_id, lambda: None) is None


@pytest.mark.parametrize(
    "authorization", ["", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer a.b.c"]
)
def test_a_missing_or_malformed_authorization_gets_401(teams, sender, sam, authorization):
    answer = sender.post(teams.activities.message(sam, "action mine"), authorization=authorization)
    assert answer.status == 401
    assert teams.calls_to("send") == []


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2, 3]", b'{"type": "message"}', b"[" * 100_000 + b"]" * 100_000],
    ids=["not JSON", "a list", "no serviceUrl", "deep nesting"],
)
def test_a_signed_request_that_is_not_an_activity_gets_400(teams, sender, body):
    answer = sender.post(raw_body=body, service_url=teams.service_url)
    assert answer.status == 400
    assert "Traceback" not in answer.body


def test_an_unsigned_malformed_body_gets_401_not_500(teams, sender):
    answer = sender.post(raw_body=b"{not json", authorization="")
    assert answer.status == 401


def test_a_body_over_a_megabyte_is_refused_with_413_before_it_is_read(teams, door, sam):
    token = teams.mint_token(service_url=teams.service_url)
    port = int(door.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        # Only the headers: a door that meant to read the body would wait here for it.
        sock.sendall(
            b"POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + token.encode() + b"\r\n"
            b"Content-Length: 1073741824\r\n\r\n"
        )
        reply = sock.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 413")
    assert teams.calls_to("send") == []


def test_a_chunked_body_over_a_megabyte_is_refused_with_413(teams, door):
    token = teams.mint_token(service_url=teams.service_url)
    port = int(door.url.rsplit(":", 1)[1])
    chunk = b"a" * 65536
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + token.encode() + b"\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        try:
            # Just past 1 MB, with no length to refuse it by; no more, so that the server has
            # read all we sent when it answers (unread bytes at its close would reset us).
            for _ in range(17):
                sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused part-way, as it should be
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413")
    assert teams.calls_to("send") == []


def test_a_replayed_activity_is_answered_once(teams, sender, sam):
    activity = teams.activities.message(sam, "action list")
    token = teams.mint_token(service_url=activity["serviceUrl"])
    assert [sender.post(activity, token=token).status for _ in range(3)] == [200, 200, 200]
    conversation = activity["conversation"]["id"]
    teams.wait_for("send", predicate=lambda call: call.conversation_id == conversation)
    assert len(teams.sent_to(conversation)) == 1


def test_healthz_answers_on_the_teams_door(door):
    import urllib.request

    with urllib.request.urlopen(door.url + "/healthz", timeout=5) as response:
        assert json.loads(response.read()) == {"ok": True, "database": "ok"}


# --- every command family answers with its card (issue 11: no "cannot be shown") -----------


def _asks(teams, sender, person, typed: str) -> str:
    activity = teams.activities.message(person, typed)
    assert sender.post(activity).status == 200
    said = card_text(reply_in(teams, activity["conversation"]["id"]))
    assert "cannot be shown in Teams" not in said
    return said


def test_summary_through_the_door_is_the_chairs_overview(teams, sender, sam):
    said = _asks(teams, sender, sam, "summary")
    assert "0% complete" in said and "(0 of 5 actions)" in said
    assert "Overdue (1), oldest first" in said and "As at 20 January 2020" in said


def test_risk_list_through_the_door_lists_the_register(teams, sender, sam, runtime):
    from tests.conftest import OWNER
    from tests.support.speak import SlackVoice

    SlackVoice(runtime).risk(OWNER, "log Capacity in the SEND team L4 I5")
    said = _asks(teams, sender, sam, "risk list")
    assert "Open risks: 1" in said
    assert "R1" in said and "Capacity in the SEND team" in said and "likelihood 4" in said


def test_deadline_list_through_the_door_lists_what_is_coming(teams, sender, sam, runtime):
    from tests.conftest import ADMIN
    from tests.support.speak import SlackVoice

    SlackVoice(runtime).deadline(ADMIN, "add visit 6/2/2020")
    said = _asks(teams, sender, sam, "/deadline list")
    assert "Upcoming deadlines" in said and "Thursday 6 February 2020 (in 17 days)" in said
