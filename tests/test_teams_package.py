"""`sendbot teams-package` builds the zip a Teams admin uploads, and its manifest validates
against Microsoft's app manifest schema 1.29."""

import io
import json
import zipfile
from pathlib import Path

import jsonschema
from PIL import Image

from tests.support.cli import sendbot

SCHEMA = (
    Path(__file__).resolve().parents[2] / "shared" / "schemas" / "teams-app-manifest-v1.29.json"
)
APP_ID = "11111111-2222-3333-4444-555555555555"
TEAMS = {
    "TEAMS_APP_ID": APP_ID,
    "TEAMS_APP_PASSWORD": "not-a-real-secret",
    "TEAMS_TENANT_ID": "66666666-7777-8888-9999-000000000000",
}
ARGS = ("--publisher", "Anytown Council", "--website", "https://www.anytown.gov.uk/send")


def test_the_package_holds_a_valid_manifest_and_both_icons(tmp_path):
    out = tmp_path / "send-bot.zip"
    done = sendbot("teams-package", str(out), *ARGS, cwd=tmp_path, **TEAMS)
    assert done.returncode == 0, done.stderr
    assert "Upload it in the Teams admin centre" in done.stdout
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
    # The schema is draft-04, which ignores "const": the version is checked here.
    assert manifest["manifestVersion"] == "1.29"
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(manifest)
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["developer"]["privacyUrl"] == "https://www.anytown.gov.uk/send"
    titles = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert {"action mine", "summary", "help"} <= set(titles)
    assert color.size == (192, 192)
    assert outline.size == (32, 32) and outline.mode == "RGBA"
    # The outline icon is white on transparent: no other colour in it.
    raw = outline.tobytes()  # RGBA, four bytes a pixel
    pixels = {tuple(raw[i : i + 3]) for i in range(0, len(raw), 4) if raw[i + 3]}
    assert pixels == {(255, 255, 255)}


def test_without_the_teams_settings_it_says_which_is_missing(tmp_path):
    done = sendbot("teams-package", str(tmp_path / "p.zip"), *ARGS, cwd=tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1].startswith("sendbot: TEAMS_APP_ID is missing")
    assert "Traceback" not in done.stderr


def test_a_website_that_is_not_https_is_refused(tmp_path):
    args = ("--publisher", "Anytown Council", "--website", "http://www.anytown.gov.uk")
    done = sendbot("teams-package", str(tmp_path / "p.zip"), *args, cwd=tmp_path, **TEAMS)
    assert done.returncode == 2 and "is not a web address starting https://" in done.stderr
