"""What a person would read in a message or view, as plain terminal text."""

import re

_EMOJI = {
    ":white_circle:": "⚪",
    ":red_circle:": "🔴",
    ":large_orange_circle:": "🟠",
    ":large_green_circle:": "🟢",
    ":large_blue_circle:": "🔵",
    ":warning:": "⚠️",
    ":information_source:": "ℹ️",
    ":clipboard:": "📋",
    ":mag:": "🔍",
    ":large_green_square:": "🟩",
    ":large_orange_square:": "🟧",
    ":large_red_square:": "🟥",
    ":busts_in_silhouette:": "👥",
    ":spiral_calendar_pad:": "🗓️",
}
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


def readable(body: dict, names: dict[str, str] | None = None) -> str:
    """Blocks (or the fallback text) rendered as lines; buttons shown as [Label]."""
    blocks = body.get("blocks") or []
    lines = [_block(b) for b in blocks] if blocks else [body.get("text", "")]
    return _unmark("\n".join(line for line in lines if line), names or {})


def _block(block: dict) -> str:
    kind = block.get("type")
    if kind in ("header", "section"):
        return block.get("text", {}).get("text", "")
    if kind == "context":
        return "  ".join(e.get("text", "") for e in block.get("elements", []))
    if kind == "actions":
        return "  ".join(f"[{e['text']['text']}]" for e in block.get("elements", []) if "text" in e)
    if kind == "input":
        return f"{block['label']['text']}: ______"
    return ""


def _unmark(text: str, names: dict[str, str]) -> str:
    text = _MENTION.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    for code, symbol in _EMOJI.items():
        text = text.replace(code, symbol)
    text = re.sub(r"\*([^*\n]+)\*", r"\1", text)  # bold markers
    text = text.replace("`", "")  # code markers
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
