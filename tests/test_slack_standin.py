"""The Slack stand-in, exercised over real HTTP through slack_sdk."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from slack_standin import Call, SlackStandIn
from slack_standin.__main__ import format_call
from slack_standin.server import UploadedFile

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Hello*"}}]
# PNG-ish bytes: NULs, CR/LF and "&=" that a form decoder would mangle.
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00&a=b\xff\r\n--x\r\n\x00"
BIG_BYTES = bytes(range(256)) * 1200  # 300 KiB


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    # No retry handlers: tests opt in explicitly, so nothing sleeps by accident.
    return WebClient(base_url=standin.url, token="xoxb-test", retry_handlers=[])


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response["error"]


def test_url_points_at_the_api(standin: SlackStandIn) -> None:
    assert standin.url.startswith("http://127.0.0.1:")
    assert standin.url.endswith("/api/")


def test_url_needs_a_running_server() -> None:
    with pytest.raises(RuntimeError, match="start"):
        _ = SlackStandIn().url


def test_auth_test(client: WebClient, standin: SlackStandIn) -> None:
    response = client.auth_test()
    assert response["user_id"] == "U0BOT"
    assert response["team_id"] == "T0STANDIN"
    assert standin.calls_to("auth.test")[0].token == "xoxb-test"


def test_missing_token_is_not_authed(standin: SlackStandIn) -> None:
    anonymous = WebClient(base_url=standin.url, retry_handlers=[])
    assert error_of(lambda: anonymous.chat_postMessage(channel="C1", text="hi")) == "not_authed"
    assert standin.calls_to("chat.postMessage")[0].failed


def test_token_may_come_as_a_param(standin: SlackStandIn) -> None:
    data = b"token=xoxb-form&channel=C1&text=hi"
    with urllib.request.urlopen(standin.url + "chat.postMessage", data=data) as response:
        assert json.load(response)["ok"] is True
    assert standin.calls_to("chat.postMessage")[0].token == "xoxb-form"


def test_post_message_json_body(client: WebClient, standin: SlackStandIn) -> None:
    response = client.chat_postMessage(channel="C1", text="hi", blocks=BLOCKS)
    assert response["channel"] == "C1"
    assert response["message"]["blocks"] == BLOCKS
    (call,) = standin.delivered("chat.postMessage")
    assert call.params == {"channel": "C1", "text": "hi", "blocks": BLOCKS}


def test_post_message_form_body_decodes_json_fields(
    client: WebClient, standin: SlackStandIn
) -> None:
    # api_call(params=...) sends application/x-www-form-urlencoded with blocks as JSON text.
    client.api_call(
        "chat.postMessage", params={"channel": "C1", "text": "hi", "blocks": json.dumps(BLOCKS)}
    )
    (call,) = standin.calls_to("chat.postMessage")
    assert call.params["blocks"] == BLOCKS
    assert call.params["channel"] == "C1"


def test_timestamps_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C1", text=str(i))["ts"] for i in range(3)]
    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 3
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


def test_post_message_without_channel(client: WebClient, standin: SlackStandIn) -> None:
    error = error_of(lambda: client.api_call("chat.postMessage", json={"text": "hi"}))
    assert error == "channel_not_found"
    assert standin.delivered("chat.postMessage") == []


def test_ephemeral_and_update(client: WebClient) -> None:
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    updated = client.chat_update(channel="C1", ts="1700000000.000100", text="edited")
    assert (updated["channel"], updated["ts"], updated["text"]) == (
        "C1",
        "1700000000.000100",
        "edited",
    )


def test_conversations_open(client: WebClient) -> None:
    assert client.conversations_open(users="U123,U456")["channel"]["id"] == "DU123"


def test_users_info(client: WebClient, standin: SlackStandIn) -> None:
    standin.add_user("U1", "ada", email="ada@example.com", real_name="Ada Lovelace")
    user = client.users_info(user="U1")["user"]  # sent as GET with a query string
    assert user["real_name"] == "Ada Lovelace"
    assert user["tz"] == "Europe/London"
    assert user["profile"]["email"] == "ada@example.com"
    assert standin.calls_to("users.info")[0].params == {"user": "U1"}

    assert client.users_info(user="W999")["user"]["id"] == "W999"
    assert error_of(lambda: client.users_info(user="nobody")) == "user_not_found"


def test_lookup_by_email_is_case_insensitive(client: WebClient, standin: SlackStandIn) -> None:
    standin.add_user("U1", "ada", email="Ada@Example.com")
    assert client.users_lookupByEmail(email="ada@EXAMPLE.COM")["user"]["id"] == "U1"
    error = error_of(lambda: client.users_lookupByEmail(email="who@example.com"))
    assert error == "users_not_found"


def test_views(client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Plan"}, "blocks": []}
    opened = client.views_open(trigger_id="T.1", view=view)["view"]
    assert opened["id"].startswith("V") and opened["hash"]
    assert opened["title"] == view["title"]

    home = {"type": "home", "blocks": BLOCKS}
    published = client.views_publish(user_id="U1", view=home)["view"]
    assert published["id"] != opened["id"]

    updated = client.views_update(view_id=opened["id"], view=view)["view"]
    assert updated["id"] == opened["id"]


def test_views_open_needs_trigger_id(client: WebClient) -> None:
    error = error_of(lambda: client.api_call("views.open", json={"view": {"type": "modal"}}))
    assert error == "invalid_arguments"


def test_unknown_method_is_recorded(client: WebClient, standin: SlackStandIn) -> None:
    assert error_of(lambda: client.api_call("reactions.add")) == "unknown_method"
    assert [c.method for c in standin.calls] == ["reactions.add"]


def test_response_urls(standin: SlackStandIn) -> None:
    first, second = standin.new_response_url(), standin.new_response_url()
    assert first != second and "/commands/T0STANDIN/" in first

    assert WebhookClient(first).send(text="done", replace_original=True).status_code == 200
    assert standin.wait_for_response(first) == [{"text": "done", "replace_original": True}]
    assert standin.responses(second) == []
    (call,) = standin.calls_to("response_url")
    assert call.response_id == first.rsplit("/", 1)[-1]


def test_rate_limit_answers_429_with_retry_after(standin: SlackStandIn) -> None:
    standin.fail_next("chat.postMessage", retry_after=1)
    request = urllib.request.Request(
        standin.url + "chat.postMessage",
        data=json.dumps({"channel": "C1", "text": "hi"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer xoxb-test"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request)
    assert info.value.code == 429
    assert info.value.headers["Retry-After"] == "1"
    assert json.load(info.value) == {"ok": False, "error": "ratelimited"}

    with urllib.request.urlopen(request) as response:  # only the next call fails
        assert response.status == 200
    assert [c.failed for c in standin.calls_to("chat.postMessage")] == [True, False]


def test_sdk_retries_after_rate_limit(standin: SlackStandIn) -> None:
    # slack_sdk sleeps Retry-After plus up to 1s of jitter; 0 keeps the test under a second.
    standin.fail_next("chat.postMessage", retry_after=0)
    client = WebClient(base_url=standin.url, token="xoxb-test")
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))

    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    assert len(standin.calls_to("chat.postMessage")) == 2
    assert len(standin.delivered("chat.postMessage")) == 1


def test_fail_next_with_slack_error(client: WebClient, standin: SlackStandIn) -> None:
    standin.fail_next("conversations.open", status=200, error="cannot_dm_bot", times=2)
    for _ in range(2):
        assert error_of(lambda: client.conversations_open(users="U0BOT")) == "cannot_dm_bot"
    assert client.conversations_open(users="U1")["ok"] is True
    assert len(standin.delivered("conversations.open")) == 1


def test_wait_for_sees_calls_from_other_threads(client: WebClient, standin: SlackStandIn) -> None:
    def post_later() -> None:
        client.chat_postMessage(channel="C1", text="first")
        client.chat_postMessage(channel="C2", text="second")

    threading.Timer(0.05, post_later).start()
    (call,) = standin.wait_for(
        "chat.postMessage", timeout=2, predicate=lambda c: c.params["channel"] == "C2"
    )
    assert call.params["text"] == "second"


def test_wait_for_times_out_quickly(client: WebClient, standin: SlackStandIn) -> None:
    client.auth_test()
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"chat\.postMessage.*auth\.test x1"):
        standin.wait_for("chat.postMessage", timeout=0.1)
    assert time.monotonic() - started < 1


def test_wait_for_response_times_out(standin: SlackStandIn) -> None:
    with pytest.raises(TimeoutError, match="response URL"):
        standin.wait_for_response(standin.new_response_url(), timeout=0.05)


def test_reset_keeps_users(client: WebClient, standin: SlackStandIn) -> None:
    standin.add_user("U1", "ada", email="ada@example.com")
    standin.fail_next("auth.test")
    url = standin.new_response_url()
    WebhookClient(url).send(text="x")
    client.chat_postMessage(channel="C1", text="hi")

    standin.reset()
    assert standin.calls == [] and standin.responses(url) == []
    assert client.auth_test()["ok"] is True  # pending failure forgotten
    assert client.users_lookupByEmail(email="ada@example.com")["user"]["id"] == "U1"


def test_format_call_is_one_line_without_token() -> None:
    call = Call("chat.postMessage", {"token": "xoxb-x", "text": "a\nb"}, "xoxb-x", failed=True)
    line = format_call(call)
    assert line == 'chat.postMessage FAILED {"text": "a\\nb"}'
    assert "\n" not in format_call(Call("response_url", {"blocks": BLOCKS * 50}, None, "r1"))


# -- file uploads (files_upload_v2: getUploadURLExternal, POST bytes, completeUploadExternal) ---


@pytest.mark.parametrize("content", [PNG_BYTES, BIG_BYTES], ids=["binary", "300KiB"])
def test_files_upload_v2_keeps_the_exact_bytes(
    client: WebClient, standin: SlackStandIn, content: bytes
) -> None:
    response = client.files_upload_v2(
        content=content,
        filename="chart.png",
        title="Progress chart",
        channel="D0ABC",
        initial_comment="Here is this week's chart",
    )
    file_id = response["file"]["id"]
    assert file_id.startswith("F")
    assert response["file"]["name"] == "chart.png"
    assert response["file"]["title"] == "Progress chart"
    assert response["file"]["size"] == len(content)
    assert response["file"]["mimetype"] == "image/png"
    assert standin.uploaded_files() == [
        UploadedFile(
            file_id=file_id,
            filename="chart.png",
            title="Progress chart",
            content=content,
            channel_id="D0ABC",
            initial_comment="Here is this week's chart",
            completed=True,
        )
    ]
    methods = [call.method for call in standin.calls]
    assert methods == ["files.getUploadURLExternal", "file_upload", "files.completeUploadExternal"]
    (upload,) = standin.delivered("file_upload")
    assert upload.params == {"file_id": file_id, "size": len(content)}
    (complete,) = standin.delivered("files.completeUploadExternal")
    assert complete.params["files"] == [{"id": file_id, "title": "Progress chart"}]


def test_upload_url_points_at_the_standin(client: WebClient, standin: SlackStandIn) -> None:
    got = client.files_getUploadURLExternal(filename="a.txt", length=3, alt_txt="notes")
    assert got["upload_url"] == standin.url.replace("/api/", "/upload/") + got["file_id"]
    params = standin.calls_to("files.getUploadURLExternal")[0].params
    assert params == {"filename": "a.txt", "length": "3", "alt_txt": "notes"}


def test_several_files_in_one_upload(client: WebClient, standin: SlackStandIn) -> None:
    response = client.files_upload_v2(
        file_uploads=[
            {"content": "plan,due\nEHCP,2025-01-01\n", "filename": "plan.csv", "title": "Plan"},
            {"file": PNG_BYTES, "filename": "chart.png"},
        ],
        channels=["C1", "C2"],
        thread_ts="1700000000.000100",
    )
    assert [f["name"] for f in response["files"]] == ["plan.csv", "chart.png"]
    uploads = standin.uploaded_files()
    assert [(u.filename, u.title, u.content) for u in uploads] == [
        ("plan.csv", "Plan", b"plan,due\nEHCP,2025-01-01\n"),
        ("chart.png", "chart.png", PNG_BYTES),  # slack_sdk defaults the title to the filename
    ]
    assert {(u.channel_id, u.initial_comment, u.thread_ts) for u in uploads} == {
        ("C1", None, "1700000000.000100")
    }
    assert len(standin.calls_to("files.completeUploadExternal")) == 1


def test_completing_unknown_or_unsent_files_fails(client: WebClient, standin: SlackStandIn) -> None:
    unknown = [{"id": "F0NOPE", "title": "x"}]
    assert error_of(lambda: client.files_completeUploadExternal(files=unknown)) == "file_not_found"

    file_id = client.files_getUploadURLExternal(filename="a.txt", length=2)["file_id"]
    pending = [{"id": file_id, "title": "a"}]
    assert error_of(lambda: client.files_completeUploadExternal(files=pending)) == "file_not_found"
    assert standin.uploaded_files() == []
    assert standin.calls_to("files.completeUploadExternal")[-1].failed

    not_json = {"files": "[not json"}
    error = error_of(lambda: client.api_call("files.completeUploadExternal", params=not_json))
    assert error == "invalid_arguments"


def test_get_upload_url_needs_filename_and_length(client: WebClient) -> None:
    for params in ({"length": "3"}, {"filename": "a.txt"}, {"filename": "a", "length": "x"}):
        error = error_of(lambda p=params: client.api_call("files.getUploadURLExternal", params=p))
        assert error == "invalid_arguments"


def test_upload_url_is_single_use(client: WebClient, standin: SlackStandIn) -> None:
    got = client.files_getUploadURLExternal(filename="a.txt", length=2)
    with urllib.request.urlopen(got["upload_url"], data=b"hi") as response:
        assert response.read() == b"OK - 2"
    client.files_completeUploadExternal(files=[{"id": got["file_id"], "title": "a"}])

    for url in (got["upload_url"], standin.url.replace("/api/", "/upload/") + "F0NOPE"):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url, data=b"again")
        assert info.value.code == 404
    assert [c.failed for c in standin.calls_to("file_upload")] == [False, True, True]
    assert [u.content for u in standin.uploaded_files()] == [b"hi"]


def test_multipart_upload_keeps_the_file_part(client: WebClient, standin: SlackStandIn) -> None:
    got = client.files_getUploadURLExternal(filename="chart.png", length=len(PNG_BYTES))
    body = (
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="filename"\r\n\r\nchart.png\r\n'
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="chart.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + PNG_BYTES + b"\r\n--BOUNDARY--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=BOUNDARY"}
    request = urllib.request.Request(got["upload_url"], data=body, headers=headers)
    urllib.request.urlopen(request).close()
    client.files_completeUploadExternal(files=[{"id": got["file_id"]}])
    (upload,) = standin.uploaded_files()
    assert (upload.content, upload.title) == (PNG_BYTES, None)


def test_complete_retries_after_rate_limit(standin: SlackStandIn) -> None:
    standin.fail_next("files.completeUploadExternal", status=429, retry_after=0)
    client = WebClient(base_url=standin.url, token="xoxb-test")
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))

    client.files_upload_v2(content=b"report", filename="report.txt", channel="C1")
    assert [u.content for u in standin.uploaded_files()] == [b"report"]
    assert [c.failed for c in standin.calls_to("files.completeUploadExternal")] == [True, False]


def test_fail_next_and_slow_apply_to_the_byte_upload(
    client: WebClient, standin: SlackStandIn
) -> None:
    standin.fail_next("file_upload", status=500)
    with pytest.raises(urllib.error.HTTPError) as info:  # slack_sdk does not wrap this step
        client.files_upload_v2(content=b"x", filename="x.txt")
    assert info.value.code == 500
    assert standin.uploaded_files() == []

    standin.slow("file_upload", 0.1)
    started = time.monotonic()
    client.files_upload_v2(content=b"x", filename="x.txt")
    assert time.monotonic() - started >= 0.1
    assert len(standin.uploaded_files()) == 1


def test_reset_forgets_uploads(client: WebClient, standin: SlackStandIn) -> None:
    client.files_upload_v2(content=b"old", filename="old.txt", channel="C1")
    got = client.files_getUploadURLExternal(filename="a.txt", length=1)
    urllib.request.urlopen(got["upload_url"], data=b"a").close()

    standin.reset()
    assert standin.uploaded_files() == []
    stale = [{"id": got["file_id"], "title": "a"}]
    assert error_of(lambda: client.files_completeUploadExternal(files=stale)) == "file_not_found"


def test_uploaded_files_are_copies(client: WebClient, standin: SlackStandIn) -> None:
    client.files_upload_v2(content=b"x", filename="x.txt")
    standin.uploaded_files()[0].title = "changed"
    assert standin.uploaded_files()[0].title == "x.txt"
    assert format_call(standin.calls_to("file_upload")[0]).startswith('file_upload {"file_id": "F')


def test_limit_rate_answers_429_past_a_channels_rate_and_the_workspace_burst():
    import urllib.error
    import urllib.request

    with SlackStandIn() as standin:
        standin.limit_rate("chat.postMessage", per_channel_per_second=1.0)

        def post(channel: str) -> int:
            request = urllib.request.Request(
                standin.url + "chat.postMessage",
                data=f"channel={channel}&text=hi".encode(),
                headers={"Authorization": "Bearer xoxb-test"},
            )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                assert int(error.headers["Retry-After"]) >= 1
                return error.code

        assert [post("C1"), post("C1"), post("C2")] == [200, 429, 200]
        standin.limit_rate("chat.postMessage", workspace_burst=2, workspace_per_minute=1)
        assert [post("C3"), post("C4"), post("C5")] == [200, 200, 429]
        standin.limit_rate("chat.postMessage")  # unlimited again
        assert post("C6") == 200 and post("C6") == 200
