"""Block Kit for the risk register: lists, one risk in full, and the risk forms."""

import json

from bot.dates import format_compact_year, format_long
from bot.risk_scale import IMPACT, LIKELIHOOD
from bot.risk_service import RiskCard, RiskDetail, RiskList
from handlers.render import (
    MAX_BLOCKS,
    context,
    cut,
    escape,
    header,
    message,
    mrkdwn,
    section,
    who,
)

TREND_ARROW = {"up": "↑ rising", "down": "↓ falling", "same": "→ steady"}
BAND_ICON = {
    "red": ":red_circle:",
    "amber": ":large_orange_circle:",
    "green": ":large_green_circle:",
}
DESCRIPTION_IN_LIST = 300


def score_words(card: RiskCard) -> str:
    arrow = f" {TREND_ARROW[card.trend]}" if card.trend else ""
    return (
        f"{BAND_ICON[card.band.colour]} *{card.score}* {card.band.name}{arrow} · "
        f"likelihood {card.likelihood} {LIKELIHOOD[card.likelihood - 1]} × "
        f"impact {card.impact} {IMPACT[card.impact - 1]}"
    )


def risk_line(card: RiskCard) -> str:
    extras = [f"owner <@{card.owner_id}>"]
    if card.group:
        extras.append(f"WG{card.group[0]}")
    if card.review_date:
        extras.append(f"review {format_compact_year(card.review_date)}")
    if card.status == "closed":
        extras.append("closed")
    return (
        f"*{card.ref}* {escape(cut(card.description, DESCRIPTION_IN_LIST))}\n"
        f"{score_words(card)}\n{' · '.join(extras)}"
    )


def render_risk_list(result: RiskList) -> dict:
    if not result.risks:
        return message(escape(result.empty), [section(escape(result.empty))])
    blocks = [header(f"{result.heading}: {result.total}")]
    shown = result.risks[: MAX_BLOCKS - 3]
    blocks += [section(risk_line(card)) for card in shown]
    if result.total > len(shown):
        blocks.append(
            context(f"…and {result.total - len(shown)} more. /risk list high narrows it.")
        )
    return message(f"{result.heading}: {result.total}", blocks)


def render_risk_detail(result: RiskDetail) -> dict:
    card = result.risk
    lines = [score_words(card), f"*Owner:* <@{card.owner_id}>"]
    if card.group:
        lines.append(f"*Working group:* {card.group[0]} {escape(card.group[1])}")
    if card.review_date:
        lines.append(f"*Review:* {format_long(card.review_date)}")
    lines.append(f"*Status:* {card.status}")
    blocks = [
        header(f"{card.ref} ({card.band.name} risk)"),
        section(escape(card.description)),
        section("\n".join(lines)),
    ]
    if card.mitigation:
        blocks.append(section(f"*Mitigation*\n{escape(card.mitigation)}"))
    history = [
        f"• {format_compact_year(h.on)} {who(h.actor_id)}: {mrkdwn(h.summary)}"
        for h in result.history
    ]
    blocks.append(section("*Latest history*\n" + "\n".join(history)))
    return message(escape(f"{card.ref} {cut(card.description, 100)}"), blocks)


# The forms

LOG_FORM = "risk_log_modal"
UPDATE_FORM = "risk_update_modal"


def _plain(value: str) -> dict:
    return {"type": "plain_text", "text": value}


def _scale_select(names: tuple[str, ...], chosen: int | None) -> dict:
    options = [{"text": _plain(f"{n} {name}"), "value": str(n)} for n, name in enumerate(names, 1)]
    element = {"type": "static_select", "options": options}
    if chosen:
        element["initial_option"] = options[chosen - 1]
    return element


def _input(block_id: str, label: str, element: dict, optional: bool = False) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": {**element, "action_id": "value"},
        "optional": optional,
    }


def _text(initial: str | None = None, multiline: bool = True) -> dict:
    element = {"type": "plain_text_input", "multiline": multiline, "max_length": 3000}
    if initial:
        element["initial_value"] = initial[:3000]
    return element


def _date(initial) -> dict:
    element = {"type": "datepicker"}
    if initial:
        element["initial_date"] = initial.isoformat()
    return element


def log_view(prefill, groups: list[tuple[int, str]], owner: str) -> dict:
    group_options = [
        {"text": _plain(cut(f"{n} {name}", 75)), "value": str(n)} for n, name in groups
    ]
    group = {"type": "static_select", "options": group_options}
    if prefill and prefill.group:
        chosen = [o for o in group_options if o["value"] == str(prefill.group)]
        if chosen:
            group["initial_option"] = chosen[0]
    owner_picker = {"type": "users_select", "initial_user": (prefill and prefill.owner) or owner}
    blocks = [
        _input(
            "description",
            "What could happen? (cause → event → consequence)",
            _text(prefill.description if prefill else None),
        ),
        _input(
            "likelihood", "Likelihood", _scale_select(LIKELIHOOD, prefill and prefill.likelihood)
        ),
        _input("impact", "Impact", _scale_select(IMPACT, prefill and prefill.impact)),
        _input("owner", "Owner", owner_picker),
        _input("group", "Working group", group, optional=True),
        _input("mitigation", "Mitigation", _text(), optional=True),
        _input("review", "Review date", _date(prefill and prefill.review), optional=True),
    ]
    return _view(LOG_FORM, "Log a risk", "Log risk", blocks, {})


def update_view(card: RiskCard) -> dict:
    blocks = [
        section(f"*{card.ref}* {escape(cut(card.description, 2500))}\nNow: {score_words(card)}"),
        _input("likelihood", "Likelihood", _scale_select(LIKELIHOOD, card.likelihood)),
        _input("impact", "Impact", _scale_select(IMPACT, card.impact)),
        _input("note", "What has changed?", _text(), optional=True),
        _input("mitigation", "Mitigation", _text(card.mitigation), optional=True),
        _input("review", "Next review", _date(card.review_date), optional=True),
    ]
    return _view(UPDATE_FORM, "Review a risk", "Save", blocks, {"ref": card.ref, "v": card.version})


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
