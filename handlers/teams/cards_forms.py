"""Cards that offer a form: a typed command cannot open a dialog in Teams, so `action add`,
`risk log` (without scores) and `risk update R1` (with nothing to change) answer with a card whose
button opens it."""

from dataclasses import asdict

from bot.risk_commands import OpenLogForm
from bot.risk_service import RiskForm
from handlers.teams.buttons import (
    ADD,
    LOG_RISK,
    ON_FORM,
    REVIEW_RISK,
    Pressed,
    button_row,
    dialog_button,
)
from handlers.teams.cards_kit import block, card, cut, inert
from handlers.teams.cards_risks import score_words


def add_form_card() -> dict:
    return card(
        [
            block("Press the button to add an action to the plan."),
            button_row(dialog_button("Add an action", Pressed(ADD, ON_FORM))),
        ]
    )


def risk_form_card(form: RiskForm) -> dict:
    risk = form.risk
    if risk is None:
        press = Pressed(LOG_RISK, ON_FORM, prefill=_prefill(form.prefill))
        return card(
            [
                block("Press the button to log a risk; anything you typed is filled in."),
                button_row(dialog_button("Log a risk", press)),
            ]
        )
    press = Pressed(REVIEW_RISK, ON_FORM, risk.ref, risk.version)
    return card(
        [
            block(f"**{inert(risk.ref)}** {inert(cut(risk.description, 500))}"),
            block(f"Now: {score_words(risk)}", spacing="None"),
            button_row(dialog_button("Review this risk", press)),
        ]
    )


def _prefill(prefill: OpenLogForm | None) -> dict:
    given = asdict(prefill) if prefill is not None else {}
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in given.items()
        if value is not None
    }
