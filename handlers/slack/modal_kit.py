"""Building blocks for modals, and reading back what a person submitted."""

import json
from datetime import date

from bot.clean_text import clean
from bot.typed_text import strip_markers
from handlers.slack.render import cut, slack_words

MAX_INPUT = 3000


def plain(value: str) -> dict:
    return {"type": "plain_text", "text": clean(slack_words(value), multiline=False)}


def option(label: str, value: str) -> dict:
    return {"text": plain(cut(label, 75)), "value": value}


def select(options: list[dict], chosen: str | None = None) -> dict:
    element = {"type": "static_select", "options": options}
    initial = [o for o in options if o["value"] == chosen]
    if initial:
        element["initial_option"] = initial[0]
    return element


def input_block(
    block_id: str, label: str, element: dict, optional: bool = False, hint: str = ""
) -> dict:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {**element, "action_id": "value"},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def text_input(multiline: bool = True, max_length: int = MAX_INPUT, initial: str | None = None):
    element = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = clean(initial, multiline=multiline)[:max_length]
    return element


def date_input(initial: date | None = None) -> dict:
    element = {"type": "datepicker"}
    if initial:
        element["initial_date"] = initial.isoformat()
    return element


def modal(callback_id: str, title: str, submit: str, blocks: list[dict], metadata: dict) -> dict:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def values(view: dict) -> dict[str, object]:
    """Each input's value by block id: text, a date, a user, or a list for multi-selects."""
    found: dict[str, object] = {}
    for block_id, elements in view.get("state", {}).get("values", {}).items():
        element = elements.get("value", {})
        found[block_id] = _element_value(element)
    return found


def _element_value(element: dict) -> object:
    kind = element.get("type")
    if kind == "static_select":
        return (element.get("selected_option") or {}).get("value")
    if kind in ("multi_static_select", "checkboxes"):
        return [o["value"] for o in element.get("selected_options") or []]
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "datepicker":
        try:
            return date.fromisoformat(element.get("selected_date") or "")
        except ValueError:
            return None
    # Typed text reaches the core as typed, less the characters the core keeps for its markers.
    return strip_markers(element.get("value") or "").strip() or None


def metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}
