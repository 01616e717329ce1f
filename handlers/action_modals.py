"""The modals for actions: Update, Mark complete and Add. Built here, read back here."""

import json
from datetime import date

from bot.action_commands import MAX_NOTE, MAX_TITLE
from bot.results import ActionCard
from bot.status import Status
from handlers.render import cut, escape, status_words

UPDATE = "action_update_modal"
COMPLETE = "action_complete_modal"
ADD = "action_add_modal"


def _plain(value: str) -> dict:
    return {"type": "plain_text", "text": value}


def _option(label: str, value: str) -> dict:
    return {"text": _plain(cut(label, 75)), "value": value}


def _input(
    block_id: str, label: str, element: dict, optional: bool = False, hint: str = ""
) -> dict:
    block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": {**element, "action_id": "value"},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text_input(multiline: bool = True, max_length: int = MAX_NOTE, initial: str = "") -> dict:
    element = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    return element


def _summary(card: ActionCard, changed: bool) -> list[dict]:
    text = f"*{escape(card.ref)}* {escape(card.title)}\nNow: {status_words(card.status)}"
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": cut(text, 3000)}}]
    if changed:
        note = "This action has changed since that message; you are seeing it as it is now."
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return blocks


def _view(callback_id: str, title: str, submit: str, blocks: list[dict], metadata: dict) -> dict:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title),
        "submit": _plain(submit),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def update_view(card: ActionCard, origin: dict, changed: bool = False) -> dict:
    options = [_option(s.label, s.value) for s in Status]
    status = {
        "type": "static_select",
        "options": options,
        "initial_option": _option(card.status.label, card.status.value),
    }
    blocks = _summary(card, changed) + [
        _input("status", "Status", status),
        _input("note", "Progress note", _text_input(), optional=True),
        _input(
            "evidence",
            "Evidence of impact",
            _text_input(),
            optional=True,
            hint="What has changed for children, young people and families?",
        ),
    ]
    return _view(
        UPDATE, "Update action", "Save", blocks, {"ref": card.ref, "v": card.version, **origin}
    )


def complete_view(card: ActionCard, origin: dict, changed: bool = False) -> dict:
    blocks = _summary(card, changed) + [
        _input(
            "evidence",
            "Evidence that it is done",
            _text_input(),
            hint="Say what shows it is complete and the difference it makes for families.",
        )
    ]
    metadata = {"ref": card.ref, "v": card.version, **origin}
    return _view(COMPLETE, "Mark complete", "Mark complete", blocks, metadata)


def add_view(groups: list[tuple[int, str]], areas: list[tuple[int, str]]) -> dict:
    group_options = [_option(f"{n} {name}", str(n)) for n, name in groups]
    area_options = [_option(f"{n} {title}", str(n)) for n, title in areas][:100]
    blocks = [
        _input(
            "ref",
            "Reference",
            _text_input(False, 20),
            optional=True,
            hint="As the plan writes it, like 3.4. Leave empty and the bot numbers it.",
        ),
        _input("title", "Title", _text_input(False, MAX_TITLE)),
        _input("group", "Working group", {"type": "static_select", "options": group_options}),
        _input("owner", "Owner", {"type": "users_select"}),
        _input("due", "Due date", {"type": "datepicker"}),
        _input(
            "areas",
            "Areas of weakness",
            {"type": "multi_static_select", "options": area_options},
            optional=True,
        ),
        _input("description", "Description", _text_input(), optional=True),
        _input("success", "Success measures", _text_input(), optional=True),
        _input("sro", "Senior responsible officer", {"type": "users_select"}, optional=True),
        _input("start", "Start date", {"type": "datepicker"}, optional=True),
        _input(
            "source",
            "Source",
            _text_input(False, 200),
            optional=True,
            hint="Where the action comes from, e.g. WSoA or Board 10/12/2019",
        ),
    ]
    return _view(ADD, "Add an action", "Add", blocks, {})


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
    if kind == "multi_static_select":
        return [o["value"] for o in element.get("selected_options") or []]
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "datepicker":
        try:
            return date.fromisoformat(element.get("selected_date") or "")
        except ValueError:
            return None
    return (element.get("value") or "").strip() or None


def metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}
