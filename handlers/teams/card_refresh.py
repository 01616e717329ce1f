"""The card a button was on, shown again after the change the button made: what was done at the
top, then the card as it now is (App Home, `action mine` or the action in full); a notice or a
reminder becomes the action as it now is. Mark complete so turns the card blue."""

from collections.abc import Callable
from datetime import date

from bot import action_commands as cmd
from bot.action_service import ActionService
from bot.people import Actor
from bot.results import Notice
from handlers.teams import buttons
from handlers.teams.cards_actions import detail_card, list_card, notice_card
from handlers.teams.cards_kit import block, card, note, words

REST_OF_REMINDER = "Type home to see the rest of your actions, risks and deadlines."
ABOUT_ONE_ACTION = (buttons.UPDATE, buttons.COMPLETE, buttons.SNOOZE)


def refreshed(
    press: buttons.Pressed,
    actor: Actor,
    said: Notice,
    actions: ActionService,
    home: Callable[[Actor], dict],
    today: date,
) -> dict:
    """`said` is the core's answer to the change the button made."""
    match press.on:
        case buttons.ON_HOME:
            return _above(notice_card(said, today), home(actor), press.on)
        case buttons.ON_MINE:
            mine = actions.execute(actor, cmd.Mine()).result
            return _above(notice_card(said, today), list_card(mine, today), press.on)
        case buttons.ON_DETAIL:
            detail = actions.execute(actor, cmd.Show(press.ref)).result
            return _above(card([block(words(said.text))]), detail_card(detail, today), press.on)
    if said.action is None and press.do in ABOUT_ONE_ACTION:
        now = actions.execute(actor, cmd.Show(press.ref)).result.action
        said = Notice(said.text, now)
    shown = notice_card(said, today)
    if press.more:
        shown["body"].append(note(REST_OF_REMINDER))
    return shown


def _above(top: dict, rest: dict, on: str) -> dict:
    """One card: what was done, then the card as it now is, every button still on it."""
    return card(buttons.shown_on([*top["body"], *rest["body"]], on))
