"""Every message and view the bot sends must parse with slack_sdk.models and fit Slack's limits."""

import json
import re

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.clean_text import clean
from bot.typed_text import CLOSE, COMMAND, OPEN

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION = 3000


def assert_valid_blocks(blocks: list[dict], limit: int) -> None:
    assert len(blocks) <= limit, f"{len(blocks)} blocks is over Slack's limit of {limit}"
    for block in Block.parse_all(blocks):
        assert block is not None
        block.validate_json()
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= MAX_SECTION


def assert_valid_message(body: dict) -> None:
    assert body.get("text"), "a message needs fallback text for notifications"
    assert_valid_blocks(body.get("blocks", []), MAX_MESSAGE_BLOCKS)
    assert_no_core_markers(body)
    assert_nothing_hidden(body)


def assert_valid_view(view: dict) -> None:
    View(**view).validate_json()
    assert_valid_blocks(view.get("blocks", []), MAX_VIEW_BLOCKS)
    assert_no_core_markers(view)
    assert_nothing_hidden(view)


# The core marks people and commands with private-use characters (bot/typed_text.py); the door
# must have turned every one into Slack's own words before anything is sent. (Other private-use
# characters a person typed are theirs, and come back as typed.)
CORE_MARKERS = re.compile(f"[{OPEN}{CLOSE}{COMMAND}]")


def assert_no_core_markers(body: dict) -> None:
    leaked = CORE_MARKERS.findall(json.dumps(body, ensure_ascii=False))
    assert not leaked, f"core markers reached Slack: {leaked[:5]}"


def assert_nothing_hidden(body: dict) -> None:
    """Whatever was typed or kept, nothing the bot sends holds a control character (bar a line
    break) or an invisible one that could hide or reorder words (the rule of bot/clean_text.py)."""
    hidden = [text for text in _strings(body) if clean(text, multiline=True) != text]
    assert not hidden, f"control or invisible characters reached Slack: {hidden[:3]!r}"


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return [text for item in node for text in _strings(item)]
    return []


def flatten(body: dict) -> str:
    """All the text a person would read in a message or view, joined by newlines."""
    parts = [body.get("text", "")]
    for block in body.get("blocks", []):
        parts.extend(_texts(block))
    return "\n".join(p for p in parts if p)


def _texts(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        for value in node.values():
            if isinstance(value, dict | list):
                found.extend(_texts(value))
        return found
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []
