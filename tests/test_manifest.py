"""The Slack app manifest (manifest.yml) declares everything the bot needs, and is valid."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST_PATH = REPO_ROOT / "manifest.yml"
# CI checks shared/ out beside the repo, so the schema lives one level above the repo root.
SCHEMA_PATH = REPO_ROOT.parent / "shared" / "schemas" / "slack-app-manifest.json"

EVENTS_URL = "https://YOUR-HOST/slack/events"

COMMANDS = {"/action", "/risk", "/summary", "/deadline"}

# The bot scope each Web API method needs (Slack's method reference). Methods that need none,
# like views.open and views.publish, map to None.
SCOPE_OF_METHOD = {
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "conversations_open": "im:write",
    "users_info": "users:read",
    "users_lookupByEmail": "users:read.email",
    "views_open": None,
    "views_publish": None,
    "views_update": None,
    "files_upload_v2": "files:write",  # files.getUploadURLExternal, files.completeUploadExternal
}
CALL = re.compile(r"\bclient\.([a-z]+_[A-Za-z0-9_]+)\(")


def methods_the_code_calls() -> set[str]:
    """Every `client.<method>(` in the product code: the scopes follow from these."""
    found = set()
    for folder in ("bot", "handlers"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            found.update(CALL.findall(path.read_text(encoding="utf-8")))
    return found


def bot_scopes_used() -> set[str]:
    methods = methods_the_code_calls()
    unknown = methods - SCOPE_OF_METHOD.keys()
    assert not unknown, f"add the scope of {unknown} to SCOPE_OF_METHOD"
    scopes = {SCOPE_OF_METHOD[m] for m in methods} - {None}
    if "users:read.email" in scopes:
        scopes.add("users:read")  # Slack grants users:read.email only alongside users:read
    return scopes | {"commands"}  # the slash commands themselves


@pytest.fixture(scope="module")
def manifest() -> dict:
    with MANIFEST_PATH.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict), "manifest.yml must be a YAML mapping"
    return data


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    if not SCHEMA_PATH.is_file():
        pytest.skip(
            f"Slack app manifest schema not found at {SCHEMA_PATH} (shared/ not checked out)"
        )
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_manifest_validates_against_schema(manifest, validator):
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors
    )


@pytest.mark.parametrize(
    "path",
    [
        ("display_information", "name"),
        ("display_information",),
        ("features", "bot_user", "display_name"),
        ("settings", "interactivity", "is_enabled"),
    ],
    ids=lambda p: ".".join(p),
)
def test_validator_rejects_manifest_missing_required_key(manifest, validator, path):
    broken = copy.deepcopy(manifest)
    parent = broken
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]

    assert not validator.is_valid(broken)
    with pytest.raises(jsonschema.ValidationError, match=repr(path[-1])):
        validator.validate(broken)


def test_display_information(manifest):
    info = manifest["display_information"]
    assert info["name"] == "SEND Improvement Bot"
    assert info["description"].strip()
    # Slack rejects a long_description outside 175–4000 characters (the schema checks only the max).
    assert 175 <= len(info["long_description"]) <= 4000
    assert info["background_color"].startswith("#")


def test_bot_user(manifest):
    bot_user = manifest["features"]["bot_user"]
    assert bot_user["display_name"] == "sendbot"
    assert bot_user["always_online"] is True


def test_app_home_tabs(manifest):
    app_home = manifest["features"]["app_home"]
    assert app_home["home_tab_enabled"] is True
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is True


def test_slash_commands(manifest):
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == COMMANDS
    assert len(manifest["features"]["slash_commands"]) == len(COMMANDS), "duplicate command"
    for name, command in commands.items():
        assert command["should_escape"] is True, name
        assert command["description"].strip(), name
        assert command["usage_hint"].strip(), name
        assert command["url"] == EVENTS_URL, name
    assert (
        commands["/action"]["usage_hint"]
        == "mine | list | show REF | update REF STATUS [note] | help"
    )


def test_bot_scopes_are_exactly_those_used(manifest):
    bot_scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(bot_scopes) == len(set(bot_scopes)), "duplicate scope"
    assert set(bot_scopes) == bot_scopes_used()
    assert "user" not in manifest["oauth_config"]["scopes"], "the bot needs no user scopes"


def test_events_and_interactivity(manifest):
    settings = manifest["settings"]
    events = settings["event_subscriptions"]
    assert "app_home_opened" in events["bot_events"]
    assert events["request_url"] == EVENTS_URL
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"] == EVENTS_URL


def test_settings_flags(manifest):
    settings = manifest["settings"]
    assert settings["org_deploy_enabled"] is False
    assert settings["socket_mode_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    assert manifest["_metadata"]["major_version"] == 1


def test_header_comment_explains_host_and_socket_mode():
    lines = MANIFEST_PATH.read_text(encoding="utf-8").splitlines()
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    header_text = "\n".join(header)
    assert "YOUR-HOST" in header_text
    assert "sendbot serve" in header_text
    assert "socket_mode_enabled: true" in header_text
    assert "SLACK_APP_TOKEN" in header_text
