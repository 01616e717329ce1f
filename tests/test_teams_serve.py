"""`sendbot serve` with the Teams settings, as an operator starts it: one process answering Teams
at /api/messages and Slack at /slack/events on one port, against one database."""

from urllib.parse import urlencode

import pytest

from slack_standin.signed_requests import SIGNING_SECRET, SlackSender, command_form
from teams_standin.sender import TeamsSender
from teams_standin.server import TeamsStandIn
from tests.conftest import BOT_TOKEN, OWNER
from tests.test_cli import _free_port
from tests.test_ctrl_c import _interrupt, _start, _wait_for_health


@pytest.fixture
def env(database_url: str, standin) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }


@pytest.fixture
def teams():
    with TeamsStandIn() as standin:
        yield standin


def teams_env(teams: TeamsStandIn) -> dict[str, str]:
    return {
        "TEAMS_APP_ID": teams.app_id,
        "TEAMS_APP_PASSWORD": teams.app_password,
        "TEAMS_TENANT_ID": teams.tenant_id,
        "TEAMS_OPENID_URL": teams.openid_url,
        "TEAMS_AUTHORITY_URL": teams.url,
    }


@pytest.mark.slow(20)
def test_one_process_answers_teams_and_slack_and_stops_quietly(env, teams, standin, tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = {
        **env,
        **teams_env(teams),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    process = _start(["serve"], settings, tmp_path)

    def both_doors_answer() -> None:
        _wait_for_health(url, process)
        sam = teams.add_member("Sam Smith", "sam.smith@council.example")
        activity = teams.activities.message(sam, "help")
        assert TeamsSender(url, teams).post(activity).status == 200
        conversation = activity["conversation"]["id"]
        teams.wait_for("send", predicate=lambda call: call.conversation_id == conversation)
        slack = SlackSender(url, standin)
        response_url = standin.new_response_url()
        form = command_form("/action", "help", OWNER, response_url)
        assert slack.post(urlencode(form)).status == 200
        assert standin.wait_for_response(response_url, timeout=10)

    _interrupt(process, both_doors_answer)


def serve_teams_alone(teams, tmp_path, database_url, extra: dict, **post) -> str:
    """`sendbot serve` with only the Teams settings (and `extra`): it answers `action help`
    posted with `post` (e.g. no token), then stops quietly; its log is returned."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = {
        **teams_env(teams),
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        **extra,
    }
    process = _start(["serve"], settings, tmp_path)

    def teams_answers() -> None:
        _wait_for_health(url, process)
        sam = teams.add_member("Sam Smith", "sam.smith@council.example")
        activity = teams.activities.message(sam, "action help")
        assert TeamsSender(url, teams).post(activity, **post).status == 200
        conversation = activity["conversation"]["id"]
        teams.wait_for("send", predicate=lambda call: call.conversation_id == conversation)

    return _interrupt(process, teams_answers)


@pytest.mark.slow(12)
def test_teams_alone_needs_no_slack_settings(teams, tmp_path, database_url):
    serve_teams_alone(teams, tmp_path, database_url, {})


@pytest.mark.slow(16)
def test_development_mode_answers_unsigned_activities_and_says_so_loudly(
    teams, tmp_path, database_url
):
    development = {"TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED": "true"}
    stderr = serve_teams_alone(teams, tmp_path, database_url, development, authorization="")
    warnings = [line for line in stderr.splitlines() if "DANGEROUSLY" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0], stderr
    assert "anyone who can reach this server can act as anyone" in warnings[0]
