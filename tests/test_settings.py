"""Settings (SPEC §6) and the board file: every bad value is named in one line."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.board_config import default_board, load_board, parse_board
from bot.errors import ConfigError
from sendbot.identities import RULES
from sendbot.log_setup import redact
from sendbot.settings import load_settings
from storage.database import normalize_url


def test_defaults_when_nothing_is_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings({}, env_file=None)
    assert settings.database_url == "sqlite:///sendbot.db"
    assert settings.port == 3000
    assert settings.api_url == "https://slack.com/api/"
    assert settings.host == "0.0.0.0"
    assert str(settings.timezone) == "Europe/London"
    assert settings.board_config is None and not settings.socket_mode


def test_the_environment_wins_over_dotenv(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nBOT_ADMINS=U0AAA0001\n", encoding="utf-8")
    settings = load_settings({"PORT": "5000"}, env_file=str(env_file))
    assert (settings.port, settings.admins) == (5000, frozenset({"U0AAA0001"}))


def test_an_app_token_switches_on_socket_mode_without_a_signing_secret():
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, env_file=None
    )
    assert settings.socket_mode
    settings.require_serving()


def test_api_url_gets_its_trailing_slash():
    assert load_settings({"SLACK_API_URL": "http://127.0.0.1:9/api"}, env_file=None).api_url == (
        "http://127.0.0.1:9/api/"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://slack.com/api/",
        "https://slack-gov.com/api",
        "http://127.0.0.1:4000/api/",
        "http://127.8.9.10/api/",
        "http://localhost:4000/api/",
        "http://LOCALHOST/api/",
        "http://[::1]:4000/api/",
    ],
)
def test_an_api_url_is_https_or_plain_http_to_this_computer(url):
    assert load_settings({"SLACK_API_URL": url}, env_file=None).api_url.startswith(url)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://slack.com/api/", "slack.com"),
        ("http://10.0.0.5:8080/api/", "10.0.0.5"),
        ("http://127.0.0.1.evil.example/api/", "127.0.0.1.evil.example"),
        ("http://localhost.evil.example/api/", "localhost.evil.example"),
        ("http://127.0.0.1@proxy.example/api/", "proxy.example"),  # 127.0.0.1 is a user name
        ("http://[::ffff:10.0.0.5]/api/", "::ffff:10.0.0.5"),
        ("http://0.0.0.0/api/", "0.0.0.0"),
    ],
)
def test_an_api_url_over_plain_http_to_another_computer_is_refused(url, host):
    with pytest.raises(ConfigError) as caught:
        load_settings({"SLACK_API_URL": url}, env_file=None)
    assert str(caught.value) == (
        f"SLACK_API_URL must use https://: plain http:// to {host} would send the bot's token "
        "unencrypted (http:// is allowed only to this computer: localhost, 127.0.0.1 or ::1)."
    )


@pytest.mark.parametrize(
    "url", ["slack.com/api", "ftp://slack.com/", "https://", "https://x:port/", "https://a b/"]
)
def test_an_api_url_that_is_not_a_url_is_refused(url):
    with pytest.raises(ConfigError, match="^SLACK_API_URL is malformed: it should be a URL"):
        load_settings({"SLACK_API_URL": url}, env_file=None)


@given(st.ip_addresses())
def test_plain_http_is_allowed_to_loopback_addresses_only(address):
    host = f"[{address}]" if address.version == 6 else str(address)
    # Loopback, worked out independently: 127.0.0.0/8, and ::1 alone for IPv6.
    loopback = address.packed[0] == 127 if address.version == 4 else int(address) == 1
    try:
        load_settings({"SLACK_API_URL": f"http://{host}:4000/api/"}, env_file=None)
    except ConfigError as error:
        assert not loopback and str(error).startswith("SLACK_API_URL must use https://")
    else:
        assert loopback


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "127.0.0.1", "::", "::1", "localhost", "bot.council.example", "web-1"]
)
def test_host_is_an_ip_address_or_a_host_name(host):
    assert load_settings({"HOST": host}, env_file=None).host == host


@pytest.mark.parametrize(
    "host",
    ["999.1.1.1", "1.2.3", "[::1]", "bot council", "-bot.example", "bot_1.example", "a" * 64],
)
def test_a_host_that_is_neither_is_refused_naming_host(host):
    with pytest.raises(ConfigError) as caught:
        load_settings({"HOST": host}, env_file=None)
    assert str(caught.value).startswith(f"HOST is malformed: {host[:80]!r} is not an IP address")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_heroku_postgres_urls_are_rewritten_for_psycopg3(url, expected):
    assert normalize_url(url) == expected


def test_secrets_never_appear_in_the_settings_repr():
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-secret-value", "SLACK_SIGNING_SECRET": "shh-secret"},
        env_file=None,
    )
    assert "secret" not in repr(settings)


def test_the_default_board_is_the_seeds_six_groups_and_nine_areas():
    board = default_board()
    assert [g.name for g in board.groups][:2] == ["Understanding of Need", "Commissioning"]
    assert len(board.groups) == 6 and len(board.areas) == 9
    assert board.areas[8].title == "Area 9"


def test_a_board_file_overrides_groups_and_keeps_default_areas(tmp_path: Path):
    path = tmp_path / "board.toml"
    path.write_text(
        '[[working_groups]]\nnumber = 1\nname = "Data"\nlead = "U0LEAD001"\n', encoding="utf-8"
    )
    board = load_board(path, RULES)
    assert [(g.number, g.name, g.lead) for g in board.groups] == [(1, "Data", "U0LEAD001")]
    assert len(board.areas) == 9


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colour": 1}, "unknown section 'colour'"),
        ({"working_groups": []}, "working_groups must be one or more"),
        ({"working_groups": [{"number": 0, "name": "X"}]}, "working_groups[0].number"),
        ({"working_groups": [{"number": 1}]}, "working_groups[0].name must be some text"),
        ({"working_groups": [{"number": 1, "name": "X", "lead": "bob"}]}, "working_groups[0].lead"),
        ({"working_groups": [{"number": 1, "name": "X", "chair": "U1"}]}, "unknown key 'chair'"),
        (
            {"working_groups": [{"number": 1, "name": "X"}, {"number": 1, "name": "Y"}]},
            "number 1 is used twice",
        ),
        ({"areas": [{"number": 1, "title": ""}]}, "areas[0].title must be some text"),
        ({"board": {"admins": ["nobody"]}}, "board.admins"),
        ({"board": {"stale_after_days": 0}}, "board.stale_after_days"),
    ],
)
def test_a_wrong_board_file_names_the_key(data, message):
    with pytest.raises(ConfigError) as caught:
        parse_board(data, ids=RULES)
    assert message in str(caught.value)


def test_a_board_file_that_is_not_toml_says_so(tmp_path: Path):
    path = tmp_path / "board.toml"
    path.write_text("[[working_groups]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_board(path)


def test_the_example_board_file_is_valid():
    board = load_board(Path(__file__).resolve().parents[1] / "board.example.toml")
    assert board.reminders.before_due_days == (14, 7)
    assert board.evidence_lead_working_days == 10


@pytest.mark.parametrize(
    ("reminders", "message"),
    [
        ({"before_due_days": 14}, "reminders.before_due_days must be a list"),
        ({"digest_weekday": "Funday"}, "reminders.digest_weekday must be a day of the week"),
        ({"window_opens": "nine"}, "reminders.window_opens must be a time of day"),
        ({"window_opens": "18:00"}, "window_opens must be before window_closes"),
        ({"snooze": 2}, "unknown key 'snooze'"),
        ({"on_due_day": "yes"}, "reminders.on_due_day must be true or false"),
    ],
)
def test_a_wrong_reminders_section_names_the_key(reminders, message):
    with pytest.raises(ConfigError) as caught:
        parse_board({"reminders": reminders})
    assert message in str(caught.value)


def _bands(*ranges):
    return {
        "risk_bands": [
            {"name": name, "colour": colour, "from": low, "to": high}
            for name, colour, low, high in ranges
        ]
    }


def test_risk_bands_can_be_configured():
    board = parse_board(_bands(("low", "green", 1, 6), ("high", "red", 7, 25)))
    assert [(b.name, b.lowest, b.highest) for b in board.risk_bands] == [
        ("low", 1, 6),
        ("high", 7, 25),
    ]


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        (
            (("low", "green", 1, 4), ("high", "red", 6, 25)),
            "a risk scored 5 would fall outside every band",
        ),
        (
            (("low", "green", 1, 12), ("high", "red", 12, 25)),
            "a risk scored 12 would fall in two bands (low and high)",
        ),
        ((("low", "pink", 1, 25),), "risk_bands[0].colour must be one of green, amber, red"),
        ((("low", "green", 9, 2),), "from must not be more than to"),
    ],
)
def test_risk_bands_that_miss_or_overlap_a_possible_score_are_refused(ranges, message):
    with pytest.raises(ConfigError) as caught:
        parse_board(_bands(*ranges))
    assert message in str(caught.value)


TEAMS = {
    "TEAMS_APP_ID": "11111111-2222-3333-4444-555555555555",
    "TEAMS_APP_PASSWORD": "not-a-real-secret",
    "TEAMS_TENANT_ID": "66666666-7777-8888-9999-000000000000",
}


def test_teams_settings_default_to_microsoft_and_serve_without_slack():
    settings = load_settings(TEAMS, env_file=None)
    assert settings.teams is not None
    assert settings.teams.openid_url == (
        "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )
    assert settings.teams.authority_url == "https://login.microsoftonline.com"
    settings.require_serving()  # Teams alone needs no Slack token
    assert "not-a-real-secret" not in repr(settings.teams)


def test_no_teams_settings_means_no_teams_door():
    assert load_settings({}, env_file=None).teams is None


@pytest.mark.parametrize(
    ("changed", "named", "says"),
    [
        ({"TEAMS_APP_PASSWORD": ""}, "TEAMS_APP_PASSWORD", "is missing"),
        ({"TEAMS_TENANT_ID": ""}, "TEAMS_TENANT_ID", "is missing"),
        ({"TEAMS_APP_ID": "my-bot"}, "TEAMS_APP_ID", "should be a GUID"),
        ({"TEAMS_TENANT_ID": "council.example"}, "TEAMS_TENANT_ID", "should be a GUID"),
        (
            {"TEAMS_OPENID_URL": "http://login.example/v1/.well-known/openidconfiguration"},
            "TEAMS_OPENID_URL",
            "must use https://",
        ),
        (
            {"TEAMS_OPENID_URL": "https://login.example/v1/.well-known/keys"},
            "TEAMS_OPENID_URL",
            "should end /openidconfiguration",
        ),
        ({"TEAMS_AUTHORITY_URL": "login.microsoftonline.com"}, "TEAMS_AUTHORITY_URL", "https://"),
        ({"TEAMS_AUTHORITY_URL": "http://10.0.0.5"}, "TEAMS_AUTHORITY_URL", "must use https://"),
        (
            {"TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED": "yes please"},
            "TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED",
            "should be true or false",
        ),
        (
            # The default HOST (every interface) would let anyone on the network in.
            {"TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED": "true"},
            "TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED",
            "only with HOST=127.0.0.1",
        ),
        (
            {"TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED": "true", "HOST": "10.0.0.5"},
            "TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED",
            "only with HOST=127.0.0.1",
        ),
    ],
)
def test_a_bad_teams_setting_stops_start_up_naming_it(changed, named, says):
    with pytest.raises(ConfigError) as caught:
        load_settings({**TEAMS, **changed}, env_file=None)
    message = str(caught.value)
    assert message.startswith(named) and says in message and "\n" not in message


def test_teams_urls_may_be_plain_http_to_this_computer():
    local = {
        "TEAMS_OPENID_URL": "http://127.0.0.1:9000/v1/.well-known/openidconfiguration",
        "TEAMS_AUTHORITY_URL": "http://localhost:9000/",
    }
    settings = load_settings({**TEAMS, **local}, env_file=None)
    assert settings.teams is not None
    assert settings.teams.authority_url == "http://localhost:9000"


def test_teams_checks_every_activity_unless_development_mode_is_asked_for_on_loopback():
    assert load_settings(TEAMS, env_file=None).teams.allow_unauthenticated is False
    local = {"TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED": "TRUE", "HOST": "127.0.0.1"}
    assert load_settings({**TEAMS, **local}, env_file=None).teams.allow_unauthenticated is True


def test_the_teams_password_is_one_of_the_secrets_the_log_masks():
    settings = load_settings({**TEAMS, "SLACK_BOT_TOKEN": "xoxb-1-2-3"}, env_file=None)
    assert settings.secrets == ["xoxb-1-2-3", "not-a-real-secret"]
    assert redact("token not-a-real-secret sent", settings.secrets) == "token [redacted] sent"
