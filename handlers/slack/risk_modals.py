"""The risk forms: log a risk, and review (rescore) one."""

from bot.risk_commands import OpenLogForm
from bot.risk_scale import IMPACT, LIKELIHOOD
from bot.risk_service import RiskCard
from handlers.slack.modal_kit import date_input, input_block, modal, option, select, text_input
from handlers.slack.render import cut, escape, section
from handlers.slack.render_risks import score_words

LOG_FORM = "risk_log_modal"
UPDATE_FORM = "risk_update_modal"


def _scale(names: tuple[str, ...], chosen: int | None) -> dict:
    options = [option(f"{n} {name}", str(n)) for n, name in enumerate(names, 1)]
    return select(options, str(chosen) if chosen else None)


def log_view(prefill: OpenLogForm | None, groups: list[tuple[int, str]], owner: str) -> dict:
    prefill = prefill or OpenLogForm()
    group_options = [option(f"{n} {name}", str(n)) for n, name in groups]
    chosen_group = str(prefill.group) if prefill.group else None
    blocks = [
        input_block(
            "description",
            "What could happen? (cause → event → consequence)",
            text_input(initial=prefill.description),
        ),
        input_block("likelihood", "Likelihood", _scale(LIKELIHOOD, prefill.likelihood)),
        input_block("impact", "Impact", _scale(IMPACT, prefill.impact)),
        input_block(
            "owner", "Owner", {"type": "users_select", "initial_user": prefill.owner or owner}
        ),
        input_block("group", "Working group", select(group_options, chosen_group), optional=True),
        input_block("mitigation", "Mitigation", text_input(), optional=True),
        input_block("review", "Review date", date_input(prefill.review), optional=True),
    ]
    return modal(LOG_FORM, "Log a risk", "Log risk", blocks, {})


def update_view(card: RiskCard) -> dict:
    blocks = [
        section(f"*{card.ref}* {escape(cut(card.description, 2500))}\nNow: {score_words(card)}"),
        input_block("likelihood", "Likelihood", _scale(LIKELIHOOD, card.likelihood)),
        input_block("impact", "Impact", _scale(IMPACT, card.impact)),
        input_block("note", "What has changed?", text_input(), optional=True),
        input_block("mitigation", "Mitigation", text_input(initial=card.mitigation), optional=True),
        input_block("review", "Next review", date_input(card.review_date), optional=True),
    ]
    return modal(UPDATE_FORM, "Review a risk", "Save", blocks, {"ref": card.ref, "v": card.version})
