"""What a person would read on an Adaptive Card, as plain terminal text (the demo prints it).

Text blocks are lines with their Markdown undone; facts are "Title: value"; tables and columns
are their cells side by side; buttons are [Title]; a form's inputs are "Label: ______".
"""

import re

# A backslash keeps the next Markdown character literal (see handlers/teams/cards_kit.inert).
_ESCAPED = re.compile(r"\\(.)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CONTAINERS = {"Container": "items", "Column": "items", "TableCell": "items"}


def readable_activity(activity: dict) -> str:
    """Every card an activity carries (or its text), one after the other."""
    cards = [
        a["content"]
        for a in activity.get("attachments") or []
        if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]
    return "\n".join(readable(card) for card in cards) or _unmark(str(activity.get("text", "")))


def readable(card: dict) -> str:
    lines = _elements(card.get("body") or [])
    if card.get("actions"):
        lines.append(_buttons(card["actions"]))
    return "\n".join(line for line in lines if line.strip())


def _elements(elements: list) -> list[str]:
    return [line for element in elements for line in _element(element)]


def _element(element: dict) -> list[str]:
    kind = element.get("type", "")
    if kind == "TextBlock":
        return _unmark(element.get("text", "")).split("\n")
    if kind == "RichTextBlock":
        return ["".join(_unmark(run.get("text", "")) for run in element.get("inlines", []))]
    if kind == "FactSet":
        return [f"{_unmark(f['title'])}: {_unmark(f['value'])}" for f in element.get("facts", [])]
    if kind in _CONTAINERS:
        return _elements(element.get(_CONTAINERS[kind]) or [])
    if kind == "ColumnSet":
        return [_side_by_side(element.get("columns", []))]
    if kind == "Table":
        return [_side_by_side(row.get("cells", [])) for row in element.get("rows", [])]
    if kind == "ActionSet":
        return [_buttons(element.get("actions", []))]
    if kind == "Image":
        return [f"[picture: {element.get('altText') or 'image'}]"]
    if kind.startswith("Input."):
        return [f"{_unmark(element.get('label') or element.get('id', ''))}: ______"]
    return []


def _side_by_side(cells: list) -> str:
    return "  ".join(" ".join(_element(cell)) for cell in cells)


def _buttons(actions: list) -> str:
    return "  ".join(f"[{action.get('title', '')}]" for action in actions)


def _unmark(text: str) -> str:
    text = _BOLD.sub(r"\1", text)
    text = re.sub(r"\n\n+", "\n", text)  # Teams needs a blank line between lines; a terminal not
    return _ESCAPED.sub(r"\1", text)
