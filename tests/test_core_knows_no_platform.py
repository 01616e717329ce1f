"""The core (bot/) and storage (storage/) know no chat platform: no platform SDK, no Slack wire
text, no Slack ID shapes, no slash-command syntax, and they never import a door or the entry
above them."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = [p for folder in ("bot", "storage") for p in sorted((ROOT / folder).rglob("*.py"))]
# Migrations before 0005 record the Slack-only past as it was; they are history, not the core.
CORE = [p for p in CORE if "migrations/versions" not in p.as_posix()]

FORBIDDEN_IMPORTS = ("slack_sdk", "slack_bolt", "slack_standin", "handlers", "sendbot", "microsoft")
WIRE_PATTERNS = {
    "a Slack user mention": re.compile(r"<@[UW]"),
    "a Slack special mention": re.compile(r"<!(channel|here|everyone|subteam)"),
    "a Slack channel link": re.compile(r"<#[CG]"),
    "a Slack link": re.compile(r"<https?://[^>]*\|"),
    "Slack's escaping": re.compile(r"&(lt|gt|amp);"),
    "a Slack user ID pattern": re.compile(r"\[UW\]|\[CG"),
    "mrkdwn": re.compile(r"mrkdwn", re.IGNORECASE),
    "Block Kit": re.compile(r"block[ _-]?kit|[\"']blocks[\"']", re.IGNORECASE),
    "a slash command": re.compile(r"(?<![\w/.])/(action|risk|summary|deadline)\b"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_core_imports_no_platform_and_no_door(path: Path):
    assert not _imports(path) & set(FORBIDDEN_IMPORTS)


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_core_holds_no_slack_wire_text(path: Path):
    text = path.read_text(encoding="utf-8")
    found = [what for what, pattern in WIRE_PATTERNS.items() if pattern.search(text)]
    assert found == []


def test_the_check_finds_what_it_looks_for(tmp_path: Path):
    """Break the rule once, on purpose: the same checks catch a Slack mention and an import."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        'from slack_sdk import WebClient\nTEXT = "<@U123> &lt; try /action help"\n',
        encoding="utf-8",
    )
    assert _imports(bad) & set(FORBIDDEN_IMPORTS) == {"slack_sdk"}
    text = bad.read_text(encoding="utf-8")
    found = {what for what, pattern in WIRE_PATTERNS.items() if pattern.search(text)}
    assert found == {"a Slack user mention", "Slack's escaping", "a slash command"}
