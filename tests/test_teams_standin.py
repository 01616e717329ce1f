"""The Teams stand-in, exercised over real HTTP through Microsoft's Teams SDK for Python."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from microsoft_teams.api import (
    Account,
    ActivityTypeAdapter,
    ApiClient,
    CreateConversationParams,
    MessageActivityInput,
)
from microsoft_teams.apps.auth import InboundActivityTokenValidator
from microsoft_teams.common import ClientOptions

from teams_standin import BAD_TOKEN_KNOBS, NO_EXP_KNOBS, TeamsStandIn
from teams_standin.keys import BOT_FRAMEWORK_SCOPE
from teams_standin.sender import TeamsSender
from teams_standin.server import APP_ID, APP_PASSWORD, TENANT_ID

XLSX_BYTES = b"PK\x03\x04\x00\r\n\x00&a=b\xff" * 1000


class FakeClock:
    """Wall-clock seconds that stand still until a test moves them on, so limits are tested
    without sleeping and without depending on how fast requests go."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def server(clock: FakeClock) -> Iterator[TeamsStandIn]:
    with TeamsStandIn(clock=clock) as standin:
        team = standin.add_team("SEND Improvement Board")
        standin.add_channel(team, "Reminders")
        standin.add_member("Sam Smith", "sam@council.example", teams=[team])
        standin.add_member("Ola Okafor", "ola@nhs.example", teams=[team], personal=False)
        yield standin


@pytest.fixture
def teams(server: TeamsStandIn, clock: FakeClock) -> TeamsStandIn:
    server.reset()
    clock.now = time.time()
    return server


@pytest.fixture(scope="module")
def validator(server: TeamsStandIn) -> InboundActivityTokenValidator:
    return InboundActivityTokenValidator(APP_ID, cloud=server.cloud_environment())


def sam(teams: TeamsStandIn):
    return teams.directory.find_member("sam@council.example")


def ola(teams: TeamsStandIn):
    return teams.directory.find_member("ola@nhs.example")


def team_id(teams: TeamsStandIn) -> str:
    return next(iter(teams.directory.teams))


def get_token(teams: TeamsStandIn, secret: str = APP_PASSWORD, **form: str) -> httpx.Response:
    data = {
        "grant_type": "client_credentials",
        "client_id": APP_ID,
        "client_secret": secret,
        "scope": BOT_FRAMEWORK_SCOPE,
        **form,
    }
    return httpx.post(teams.token_url(TENANT_ID), data=data)


def api(teams: TeamsStandIn, token: str | None = None) -> ApiClient:
    token = token or get_token(teams).json()["access_token"]
    return ApiClient(teams.service_url, ClientOptions(token=token, timeout=5))


def connector(teams: TeamsStandIn, method: str, path: str, **kwargs: Any) -> httpx.Response:
    token = kwargs.pop("token", None) or teams.access_token()
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.request(method, teams.service_url + path.lstrip("/"), headers=headers, **kwargs)


# -- login and keys ------------------------------------------------------------------------


def test_url_needs_a_running_server() -> None:
    with pytest.raises(RuntimeError, match="start"):
        _ = TeamsStandIn().url


def test_openid_document_points_at_sibling_keys(teams: TeamsStandIn) -> None:
    document = httpx.get(teams.openid_url).json()
    assert document["issuer"] == "https://api.botframework.com"
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    # The SDK does not read jwks_uri: it swaps the last path segment, so both must agree.
    assert document["jwks_uri"] == teams.openid_url.replace("/openidconfiguration", "/keys")
    (key,) = httpx.get(document["jwks_uri"]).json()["keys"]
    assert key["kty"] == "RSA" and key["use"] == "sig" and key["endorsements"] == ["msteams"]
    assert {"kid", "n", "e"} <= key.keys()


def test_minted_token_has_the_connector_claims(teams: TeamsStandIn) -> None:
    token = teams.mint_token()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == "https://api.botframework.com"
    assert claims["aud"] == APP_ID
    assert claims["serviceurl"] == teams.service_url
    assert claims["nbf"] <= claims["iat"] < claims["exp"]
    assert jwt.get_unverified_header(token) == {
        "alg": "RS256",
        "typ": "JWT",
        "kid": "standin-botframework-1",
        "x5t": "standin-botframework-1",
    }


def test_sdk_validator_accepts_a_good_token(
    teams: TeamsStandIn, validator: InboundActivityTokenValidator
) -> None:
    claims = asyncio.run(validator.validate_token(teams.mint_token(), teams.service_url))
    assert claims["aud"] == APP_ID


@pytest.mark.parametrize("fault", sorted(BAD_TOKEN_KNOBS))
def test_sdk_validator_refuses_each_bad_token(
    teams: TeamsStandIn, validator: InboundActivityTokenValidator, fault: str
) -> None:
    token = teams.mint_token(**BAD_TOKEN_KNOBS[fault])
    with pytest.raises(jwt.InvalidTokenError):
        asyncio.run(validator.validate_token(token, teams.service_url))


def test_sdk_validator_lets_a_token_without_exp_through(
    teams: TeamsStandIn, validator: InboundActivityTokenValidator
) -> None:
    # Recorded so the door knows it must require exp itself (FINDINGS §2).
    token = teams.mint_token(**NO_EXP_KNOBS)
    assert "exp" not in asyncio.run(validator.validate_token(token, teams.service_url))


def test_token_endpoint_issues_and_counts(teams: TeamsStandIn) -> None:
    answer = get_token(teams)
    assert answer.status_code == 200
    body = answer.json()
    assert body.keys() == {"token_type", "expires_in", "ext_expires_in", "access_token"}
    assert (body["token_type"], body["expires_in"], body["ext_expires_in"]) == (
        "Bearer",
        3599,
        3599,
    )
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert (claims["aud"], claims["appid"], claims["tid"]) == (
        "https://api.botframework.com",
        APP_ID,
        TENANT_ID,
    )
    assert get_token(teams).status_code == 200
    assert teams.tokens_issued == 2
    (call, _) = teams.calls_to("token")
    assert call.body["client_secret"] == "<redacted>"


def test_token_endpoint_refuses_a_wrong_secret_as_entra_does(teams: TeamsStandIn) -> None:
    answer = get_token(teams, secret="client-secret-id-by-mistake")
    assert answer.status_code == 401
    body = answer.json()
    assert body["error"] == "invalid_client"
    assert body["error_description"].startswith("AADSTS7000215: ")
    assert body["error_codes"] == [7000215]
    assert teams.tokens_issued == 0


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"scope": "https://graph.microsoft.com/User.Read"}, "invalid_scope"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"client_id": "00000000-0000-0000-0000-000000000000"}, "unauthorized_client"),
    ],
)
def test_token_endpoint_other_refusals(teams: TeamsStandIn, form: dict, error: str) -> None:
    answer = get_token(teams, **form)
    assert (answer.status_code, answer.json()["error"]) == (400, error)


def test_token_endpoint_knows_only_its_tenant(teams: TeamsStandIn) -> None:
    answer = httpx.post(teams.token_url("another-tenant"), data={"grant_type": "x"})
    assert answer.json()["error_description"].startswith("AADSTS90002: ")


# -- the connector -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-jwt", "Basic abc"],
)
def test_connector_needs_a_token_from_the_token_endpoint(
    teams: TeamsStandIn, authorization: str | None
) -> None:
    conversation = teams.personal_conversation(sam(teams))
    headers = {"Authorization": authorization} if authorization else {}
    answer = httpx.post(
        f"{teams.service_url}v3/conversations/{conversation}/activities",
        json={"type": "message", "text": "hi"},
        headers=headers,
    )
    assert answer.status_code == 401
    assert answer.json() == {"message": "Authorization has been denied for this request."}
    assert teams.sent_to(conversation) == []
    assert teams.calls_to("send")[0].failed


def test_connector_refuses_an_inbound_style_token(teams: TeamsStandIn) -> None:
    conversation = teams.personal_conversation(sam(teams))
    answer = connector(
        teams,
        "POST",
        f"v3/conversations/{conversation}/activities",
        json={"type": "message"},
        token=teams.mint_token(),
    )
    assert answer.status_code == 401


def test_connector_refuses_an_expired_access_token(teams: TeamsStandIn, clock: FakeClock) -> None:
    token = get_token(teams).json()["access_token"]
    clock.advance(3600)
    conversation = teams.personal_conversation(sam(teams))
    answer = connector(
        teams,
        "POST",
        f"v3/conversations/{conversation}/activities",
        json={"type": "message"},
        token=token,
    )
    assert answer.status_code == 401


def test_sdk_sends_updates_and_deletes(teams: TeamsStandIn) -> None:
    conversation = teams.personal_conversation(sam(teams))

    async def scenario() -> tuple[str, str]:
        client = api(teams).conversations
        sent = await client.create_activity(conversation, MessageActivityInput(text="hello"))
        edit = MessageActivityInput(text="edited")
        updated = await client.update_activity(conversation, sent.id, edit)
        second = await client.create_activity(conversation, MessageActivityInput(text="bye"))
        await client.delete_activity(conversation, second.id)
        return sent.id, updated.id

    sent_id, updated_id = asyncio.run(scenario())
    assert sent_id == updated_id
    (first, second) = teams.sent_to(conversation)
    assert (first["id"], first["text"], second["text"]) == (sent_id, "hello", "bye")
    assert [a["text"] for a in teams.current(conversation)] == ["edited"]
    assert [c.kind for c in teams.calls] == ["token", "send", "update", "send", "delete"]
    assert all(c.authorization.startswith("Bearer ey") for c in teams.calls[1:])
    assert teams.calls_to("send")[0].app_id == APP_ID


def test_reply_to_an_activity(teams: TeamsStandIn) -> None:
    conversation = teams.personal_conversation(sam(teams))
    first = connector(
        teams,
        "POST",
        f"v3/conversations/{conversation}/activities",
        json={"type": "message", "text": "root"},
    ).json()["id"]
    answer = connector(
        teams,
        "POST",
        f"v3/conversations/{conversation}/activities/{first}",
        json={"type": "message", "text": "reply"},
    )
    assert answer.status_code == 201
    (posted_root, posted_reply) = teams.posted(conversation)
    assert posted_reply.reply_to_id == first
    assert teams.wait_for("reply")[0].activity_id == first


def test_update_of_an_unknown_activity(teams: TeamsStandIn) -> None:
    conversation = teams.personal_conversation(sam(teams))
    answer = connector(
        teams,
        "PUT",
        f"v3/conversations/{conversation}/activities/123",
        json={"type": "message", "text": "x"},
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "ActivityNotFoundInConversation"


def test_unknown_conversation_is_404(teams: TeamsStandIn) -> None:
    answer = connector(
        teams,
        "POST",
        "v3/conversations/a:1nobody/activities",
        json={"type": "message", "text": "x"},
    )
    assert answer.status_code == 404
    assert answer.json() == {
        "error": {"code": "ConversationNotFound", "message": "Conversation not found."}
    }


def test_activity_without_type_is_a_bad_argument(teams: TeamsStandIn) -> None:
    conversation = teams.personal_conversation(sam(teams))
    answer = connector(teams, "POST", f"v3/conversations/{conversation}/activities", json={})
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "BadArgument")


def test_channel_thread_ids_reach_the_channel(teams: TeamsStandIn) -> None:
    channel = team_id(teams)
    thread = f"{channel};messageid=1690000000001"
    answer = connector(
        teams,
        "POST",
        f"v3/conversations/{thread}/activities",
        json={"type": "message", "text": "in thread"},
    )
    assert answer.status_code == 201
    assert teams.sent_to(thread)[0]["text"] == "in thread"


def test_sdk_creates_a_personal_conversation(teams: TeamsStandIn) -> None:
    person = ola(teams)  # no personal install, but in the bot's team
    # isGroup and bot are not modelled: the SDK passes them on as extra (camelCase) fields.
    params = CreateConversationParams(
        members=[Account(id=person.id)],
        tenant_id=TENANT_ID,
        channel_data={"tenant": {"id": TENANT_ID}},
        **{"isGroup": False, "bot": {"id": f"28:{APP_ID}"}},
    )
    created = asyncio.run(api(teams).conversations.create(params))
    assert created.id.startswith("a:1")
    assert created.service_url == teams.service_url
    assert created.id == teams.personal_conversation(person)  # the same chat every time
    (call,) = teams.delivered("create_conversation")
    assert call.body["isGroup"] is False and call.body["bot"] == {"id": f"28:{APP_ID}"}
    assert call.conversation_id == created.id


def test_create_conversation_for_someone_without_the_app(teams: TeamsStandIn) -> None:
    stranger = {"members": [{"id": "29:1stranger"}], "tenantId": TENANT_ID, "isGroup": False}
    answer = connector(teams, "POST", "v3/conversations", json=stranger)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "BotNotInConversationRoster"


def test_member_lookups(teams: TeamsStandIn) -> None:
    team = team_id(teams)
    person = sam(teams)

    async def scenario():
        client = api(teams).conversations
        everyone = await client.get_members(team)
        by_upn = await client.get_member_by_id(team, "SAM@council.example")
        by_aad = await client.get_member_by_id(team, person.aad_object_id)
        return everyone, by_upn, by_aad

    everyone, by_upn, by_aad = asyncio.run(scenario())
    assert [m.name for m in everyone] == ["Sam Smith", "Ola Okafor"]
    assert by_upn.id == by_aad.id == person.id
    raw = connector(teams, "GET", f"v3/conversations/{team}/members/{person.id}").json()
    assert raw == {
        "id": person.id,
        "name": "Sam Smith",
        "aadObjectId": person.aad_object_id,
        "givenName": "Sam",
        "surname": "Smith",
        "email": "sam@council.example",
        "userPrincipalName": "sam@council.example",
        "tenantId": TENANT_ID,
        "userRole": "user",
    }
    missing = connector(teams, "GET", f"v3/conversations/{team}/members/nobody@example.org")
    assert missing.status_code == 404
    kinds = [c.kind for c in teams.calls]
    assert kinds == ["token", "get_members"] + ["get_member"] * 4


def test_paged_members(server: TeamsStandIn, teams: TeamsStandIn) -> None:
    team = teams.add_team("Paged")
    for n in range(5):
        teams.add_member(f"Person {n}", f"p{n}@example.org", teams=[team])

    async def pages() -> list[list[str]]:
        client = api(teams).conversations
        seen, token = [], None
        while True:
            page = await client.get_paged_members(team, 2, token)
            seen.append([m.name for m in page.members])
            token = page.continuation_token
            if token is None:
                return seen

    assert asyncio.run(pages()) == [
        ["Person 0", "Person 1"],
        ["Person 2", "Person 3"],
        ["Person 4"],
    ]
    assert len(teams.calls_to("get_paged_members")) == 3


# -- failures and limits ---------------------------------------------------------------------


def test_eighth_message_in_a_second_gets_429(teams: TeamsStandIn, clock: FakeClock) -> None:
    teams.limit_rate()
    conversation = teams.personal_conversation(sam(teams))
    path = f"v3/conversations/{conversation}/activities"
    answers = [
        connector(teams, "POST", path, json={"type": "message", "text": str(n)}) for n in range(8)
    ]
    assert [a.status_code for a in answers] == [201] * 7 + [429]
    assert answers[-1].headers["Retry-After"] == "1"
    assert answers[-1].json()["error"]["code"] == "Throttled"
    # Another conversation has its own allowance.
    other = connector(
        teams,
        "POST",
        f"v3/conversations/{team_id(teams)}/activities",
        json={"type": "message", "text": "x"},
    )
    assert other.status_code == 201
    # After Retry-After one more fits (8 in 2 s), then the 2 s window refuses the next.
    clock.advance(1.0)
    assert connector(teams, "POST", path, json={"type": "message"}).status_code == 201
    refused = connector(teams, "POST", path, json={"type": "message"})
    assert refused.status_code == 429
    clock.advance(2.0)
    assert connector(teams, "POST", path, json={"type": "message"}).status_code == 201
    assert len(teams.sent_to(conversation)) == 9


def test_thirty_second_and_hour_windows(teams: TeamsStandIn, clock: FakeClock) -> None:
    teams.limit_rate([(30, 3), (3600, 4)])
    conversation = teams.personal_conversation(sam(teams))
    path = f"v3/conversations/{conversation}/activities"
    for _ in range(3):
        assert connector(teams, "POST", path, json={"type": "message"}).status_code == 201
    refused = connector(teams, "POST", path, json={"type": "message"})
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "30")
    clock.advance(30)
    assert connector(teams, "POST", path, json={"type": "message"}).status_code == 201
    clock.advance(30)
    assert (
        int(connector(teams, "POST", path, json={"type": "message"}).headers["Retry-After"]) > 3000
    )
    teams.limit_rate(None)
    assert connector(teams, "POST", path, json={"type": "message"}).status_code == 201


def test_sdk_sees_429_with_retry_after(teams: TeamsStandIn) -> None:
    teams.fail_next("send", status=429, retry_after=7)
    conversation = teams.personal_conversation(sam(teams))
    with pytest.raises(httpx.HTTPStatusError) as info:
        asyncio.run(
            api(teams).conversations.create_activity(conversation, MessageActivityInput(text="x"))
        )
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    assert teams.sent_to(conversation) == []


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (403, "ConversationBlockedByUser"),
        (403, "BotNotInConversationRoster"),
        (412, "PreconditionFailed"),
        (502, "ServiceError"),
        (504, "GatewayTimeout"),
    ],
)
def test_errors_on_demand_for_n_calls(teams: TeamsStandIn, status: int, code: str) -> None:
    teams.fail_next("update", status=status, code=code if status == 403 else None, times=2)
    conversation = teams.personal_conversation(sam(teams))
    sent = connector(
        teams,
        "POST",
        f"v3/conversations/{conversation}/activities",
        json={"type": "message", "text": "v1"},
    ).json()["id"]
    path = f"v3/conversations/{conversation}/activities/{sent}"
    answers = [
        connector(teams, "PUT", path, json={"type": "message", "text": "v2"}) for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [status, status, 200]
    assert answers[0].json()["error"]["code"] == code
    assert "Retry-After" not in answers[0].headers
    assert [c.failed for c in teams.calls_to("update")] == [True, True, False]


def test_blocked_conversation_refuses_every_write(teams: TeamsStandIn) -> None:
    conversation = teams.personal_conversation(sam(teams))
    teams.block(conversation)
    answer = connector(
        teams, "POST", f"v3/conversations/{conversation}/activities", json={"type": "message"}
    )
    assert answer.status_code == 403
    assert answer.json()["error"] == {
        "code": "ConversationBlockedByUser",
        "message": "User blocked the conversation with the bot.",
    }
    teams.reset()
    assert (
        connector(
            teams, "POST", f"v3/conversations/{conversation}/activities", json={"type": "message"}
        ).status_code
        == 201
    )


def test_wait_for_times_out_with_a_summary(teams: TeamsStandIn) -> None:
    get_token(teams)
    with pytest.raises(TimeoutError, match="token x1"):
        teams.wait_for("send", timeout=0.05)


# -- file consent uploads --------------------------------------------------------------------


def test_upload_in_chunks(teams: TeamsStandIn) -> None:
    info = teams.new_upload("plan.xlsx")
    assert info["fileType"] == "xlsx" and info["name"] == "plan.xlsx"
    total = len(XLSX_BYTES)
    half = total // 2
    first = httpx.put(
        info["uploadUrl"],
        content=XLSX_BYTES[:half],
        headers={"Content-Range": f"bytes 0-{half - 1}/{total}"},
    )
    assert (first.status_code, first.json()) == (202, {"nextExpectedRanges": [f"{half}-"]})
    assert teams.uploads() == []
    last = httpx.put(
        info["uploadUrl"],
        content=XLSX_BYTES[half:],
        headers={"Content-Range": f"bytes {half}-{total - 1}/{total}"},
    )
    assert last.status_code == 201 and last.json()["size"] == total
    (upload,) = teams.uploads()
    assert (upload.name, upload.content) == ("plan.xlsx", XLSX_BYTES)
    assert [c.status for c in teams.calls_to("upload")] == [202, 201]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 400),  # no Content-Range
        ({"Content-Range": "bytes 5-9/10"}, 416),  # not from the start
        ({"Content-Range": "bytes 0-9/10", "Authorization": "Bearer x"}, 401),
    ],
)
def test_upload_refusals(teams: TeamsStandIn, headers: dict, status: int) -> None:
    info = teams.new_upload("plan.xlsx")
    assert (
        httpx.put(info["uploadUrl"], content=b"0123456789", headers=headers).status_code == status
    )
    assert teams.uploads() == []


# -- inbound activities ------------------------------------------------------------------------


def all_activities(teams: TeamsStandIn) -> dict[str, dict]:
    person, team = sam(teams), team_id(teams)
    build = teams.activities
    return {
        "message": build.message(person, "action mine"),
        "message_mentioning": build.message(
            person, "action add <at>Ola Okafor</at>", mentions=[ola(teams)]
        ),
        "submit": build.message(person, "", value={"action": "ok"}),
        "channel_message": build.channel_message(person, team, "summary here"),
        "card_action": build.card_action(person, "complete", {"action_id": 3}, reply_to_id="1"),
        "task_fetch": build.task_fetch(
            person, {"dialog": "update", "msteams": {"type": "task/fetch"}}
        ),
        "task_submit": build.task_submit(person, {"dialog": "update", "note": "done"}),
        "file_consent": build.file_consent(person, {"export": 1}, name="plan.xlsx"),
        "file_decline": build.file_consent(person, {"export": 1}, accept=False),
        "install_personal": build.installation_update(person),
        "install_team": build.installation_update(person, team_id=team),
        "bot_added_to_team": build.conversation_update(person, team_id=team),
        "bot_added_personal": build.conversation_update(person),
    }


def test_activities_parse_as_the_sdk_models_them(teams: TeamsStandIn) -> None:
    for name, activity in all_activities(teams).items():
        parsed = ActivityTypeAdapter.validate_python(activity)
        assert parsed.type == activity["type"], name
        assert activity["serviceUrl"] == teams.service_url
        assert activity["recipient"]["id"] == f"28:{APP_ID}"
        assert activity["channelData"]["tenant"] == {"id": TENANT_ID}


def test_channel_message_mentions_the_bot(teams: TeamsStandIn) -> None:
    activity = teams.activities.channel_message(sam(teams), team_id(teams), "summary here")
    assert activity["text"] == "<at>SEND bot</at> summary here"
    mention = activity["entities"][0]
    assert mention == {
        "type": "mention",
        "text": "<at>SEND bot</at>",
        "mentioned": {"id": f"28:{APP_ID}", "name": "SEND bot"},
    }
    conversation = activity["conversation"]
    assert conversation["conversationType"] == "channel" and conversation["isGroup"] is True
    assert conversation["id"] == f"{team_id(teams)};messageid={activity['id']}"
    assert activity["channelData"]["team"]["name"] == "SEND Improvement Board"
    parsed = ActivityTypeAdapter.validate_python(activity)
    assert parsed.is_recipient_mentioned()
    assert parsed.strip_mentions_text().text == "summary here"


def test_card_action_shape(teams: TeamsStandIn) -> None:
    activity = teams.activities.card_action(sam(teams), "complete", {"id": 3}, reply_to_id="99")
    assert (activity["type"], activity["name"], activity["replyToId"]) == (
        "invoke",
        "adaptiveCard/action",
        "99",
    )
    assert activity["value"] == {
        "action": {"type": "Action.Execute", "verb": "complete", "data": {"id": 3}},
        "trigger": "manual",
    }


def test_file_consent_hands_out_an_upload_url(teams: TeamsStandIn) -> None:
    activity = teams.activities.file_consent(sam(teams), {"n": 1}, name="plan.xlsx")
    info = activity["value"]["uploadInfo"]
    assert info["uploadUrl"].startswith(teams.url + "/upload/")
    assert (
        httpx.put(
            info["uploadUrl"], content=b"abc", headers={"Content-Range": "bytes 0-2/3"}
        ).status_code
        == 201
    )
    assert teams.uploads()[0].content == b"abc"


# -- the sender, against a bot that checks with the SDK's own validator ----------------------


class _CheckingBot(BaseHTTPRequestHandler):
    """A stand-in bot endpoint: validates like the SDK, answers 200 {"ok": true} or 401."""

    validator: InboundActivityTokenValidator
    seen: list[dict]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        activity = json.loads(body)
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        try:
            asyncio.run(self.validator.validate_token(token, activity.get("serviceUrl")))
            status, answer = 200, {"ok": True}
            self.seen.append(activity)
        except jwt.InvalidTokenError:
            status, answer = 401, {"ok": False}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def bot_url(validator: InboundActivityTokenValidator) -> Iterator[tuple[str, list[dict]]]:
    seen: list[dict] = []
    handler = type("Bot", (_CheckingBot,), {"validator": validator, "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    import threading

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_sender_signs_for_the_activitys_service_url(
    teams: TeamsStandIn, bot_url: tuple[str, list[dict]]
) -> None:
    url, seen = bot_url
    sender = TeamsSender(url, teams)
    activity = teams.activities.message(sam(teams), "help")
    assert sender.send(activity) == {"ok": True}
    assert seen == [activity]
    assert sender.post(activity, expires_in=-3600).status == 401
    assert sender.post(activity, authorization="").status == 401
    assert sender.post(activity, service_url=teams.service_url_for("emea")).status == 401
    assert urllib.request.urlopen(teams.keys_url).status == 200


# -- a real SDK App, in-process, against the stand-in ------------------------------------------


class _NoServer:
    """An HttpServerAdapter that only keeps the route the App registers (no uvicorn)."""

    def __init__(self) -> None:
        self.handlers: dict = {}

    def register_route(self, method: str, path: str, handler: Any) -> None:
        self.handlers[(method, path)] = handler

    def serve_static(self, path: str, directory: str) -> None:
        raise NotImplementedError

    async def start(self, port: int) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        pass


def test_sdk_app_authenticates_activities_and_replies_through_the_stand_in(
    teams: TeamsStandIn,
) -> None:
    from microsoft_teams.api import MessageActivity
    from microsoft_teams.apps import ActivityContext, App

    def token(scope: str, tenant_id: str | None) -> str:
        # What the door does for TEAMS_AUTHORITY_URL: client credentials at the token endpoint.
        return get_token(teams).json()["access_token"]

    app = App(
        client_id=APP_ID,
        token=token,
        tenant_id=TENANT_ID,
        cloud=teams.cloud_environment(),
        service_url=teams.service_url,
        http_server_adapter=_NoServer(),
        dangerously_allow_unauthenticated_requests=False,
    )

    @app.on_message
    async def echo(ctx: ActivityContext[MessageActivity]) -> None:
        await ctx.send(f"echo: {ctx.activity.text}")

    activity = teams.activities.message(sam(teams), "help")

    async def deliver(authorization: str) -> int:
        request = {"body": activity, "headers": {"authorization": authorization}}
        return (await app.server.handle_request(request))["status"]

    async def scenario() -> list[int]:
        await app.initialize()
        good = f"Bearer {teams.mint_token()}"
        forged = f"Bearer {teams.mint_token(foreign_key=True)}"
        return [await deliver(good), await deliver(forged)]

    assert asyncio.run(scenario()) == [200, 401]
    (reply,) = teams.sent_to(activity["conversation"]["id"])
    assert reply["text"] == "echo: help"
    assert teams.tokens_issued >= 1
