"""The HTTP door itself: signatures, the health check, and a database that goes away."""

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from sendbot.local_server import BackgroundServer
from sendbot.runtime import Runtime
from sendbot.web import wsgi_app
from storage.database import Database
from tests.conftest import ADMIN, OWNER
from tests.support import plan_state

pytestmark = pytest.mark.usefixtures("plan")


def _form(user: str, text: str, response_url: str) -> str:
    return urlencode(
        {
            "command": "/action",
            "text": text,
            "user_id": user,
            "team_id": "T0STANDIN",
            "response_url": response_url,
            "trigger_id": "t.1",
            "channel_id": "C0GENERAL",
        }
    )


@pytest.mark.parametrize(
    ("timestamp_offset", "signature"),
    [
        (0, "v0=" + "0" * 64),  # forged
        (-301, None),  # signed correctly but over five minutes old: a replay
        (0, ""),  # unsigned
    ],
)
def test_forged_replayed_and_unsigned_requests_get_401_and_change_nothing(
    slack, standin, plan, timestamp_offset, signature
):
    before = plan_state.snapshot(plan)
    url = standin.new_response_url()
    answer = slack.post(
        _form(ADMIN, "remove 1.1", url),
        timestamp=int(time.time()) + timestamp_offset,
        signature=signature,
    )
    assert answer.status == 401
    assert plan_state.snapshot(plan) == before
    assert standin.responses(url) == []


def test_a_correctly_signed_request_is_accepted(slack, standin, plan):
    url = standin.new_response_url()
    assert slack.post(_form(ADMIN, "remove 1.1", url)).status == 200
    assert "withdrawn" in standin.wait_for_response(url)[0]["text"]


def test_healthz_is_200_when_the_database_answers(bot):
    with urllib.request.urlopen(bot.url + "/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"ok": True, "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(bot):
    unreachable = Database("postgresql://postgres@127.0.0.1:1/none")
    with (
        BackgroundServer(wsgi_app(bot.app, unreachable, "secret"), threads=1) as server,
        pytest.raises(urllib.error.HTTPError) as caught,
    ):
        urllib.request.urlopen(server.url + "/healthz", timeout=10)
    assert caught.value.code == 503
    assert json.loads(caught.value.read())["database"] == "unreachable"


def test_a_command_when_the_database_is_unreachable_says_so(slack, standin, runtime: Runtime):
    runtime.db.engine.dispose()
    runtime.db.engine = Database("postgresql://postgres@127.0.0.1:1/none").engine
    runtime.db._sessions.configure(bind=runtime.db.engine)
    url = standin.new_response_url()
    assert slack.post(_form(OWNER, "mine", url)).status == 200
    said = standin.wait_for_response(url)[0]["text"]
    assert "cannot reach its database just now; nothing was changed" in said


def test_an_unexpected_error_gets_an_apology_with_an_id_that_is_in_the_log(
    slack, standin, runtime: Runtime, monkeypatch, caplog
):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(runtime.actions, "_mine", explode)
    url = standin.new_response_url()
    slack.post(_form(OWNER, "mine", url))
    answer = standin.wait_for_response(url)[0]
    said = answer["text"]
    assert "Sorry — something went wrong on our side" in said
    error_id = said.split("error id `")[1].split("`")[0]
    assert any(error_id in r.getMessage() for r in caught_records(caplog))
    assert "Traceback" not in json.dumps(answer) and "boom" not in json.dumps(answer)
    assert "/action mine" in json.dumps(answer)  # what they typed is handed back


def test_typed_text_handed_back_after_an_error_is_escaped_once(
    slack, standin, runtime: Runtime, monkeypatch
):
    monkeypatch.setattr(runtime.actions, "_add_note", lambda *a: 1 / 0)
    url = standin.new_response_url()
    slack.post(_form(OWNER, "note 1.1 Q&amp;A with &lt;b&gt;", url))
    body = json.dumps(standin.wait_for_response(url)[0])
    assert "Q&amp;A with &lt;b&gt;" in body
    assert "&amp;amp;" not in body


def caught_records(caplog):
    return caplog.records
