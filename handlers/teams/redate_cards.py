"""A re-date awaiting DfE/NHS England, as a Teams card: with a button to record approval."""

from bot.redate_approval import AwaitingNotice
from handlers.teams.buttons import DFE_APPROVED, ON_NOTICE, Pressed, button_row, execute_button
from handlers.teams.cards_kit import block, card, words

BUTTON_TEXT = "DfE/NHS England approved it"


def awaiting_card(result: AwaitingNotice) -> dict:
    press = Pressed(DFE_APPROVED, ON_NOTICE, result.ref)
    approve = execute_button(BUTTON_TEXT, press)
    return card([block(words(result.text)), button_row(approve)])
