"""What the bot does when a card's button is pressed or a dialog is used on Teams.

- `adaptiveCard/action` (Action.Execute: Snooze) acts at once and answers with the card as it
  now is, which Teams shows in place of the old one.
- `task/fetch` (a button that opens a dialog) answers with the dialog, filled in from the action
  as it now is.
- `task/submit` checks the dialog with the core's form checkers: a refusal shows the dialog again
  with everything typed kept; a change closes it, shows the card the button was on as it now is
  (in place), and tells others what the core says to tell them.

Each runs the synchronous core on a worker thread. Whatever happens the person gets an answer:
a reason, the database notice, or an apology with an error id that is in the log.
"""

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from sqlalchemy.exc import DBAPIError, OperationalError

from bot import action_commands as cmd
from bot import risk_commands as risk_cmd
from bot.action_forms import add_form, complete_form, update_form
from bot.delivery import Delivery, tell_each
from bot.errors import UserError
from bot.message_text import plain
from bot.minutes_service import MinutesService
from bot.people import Actor
from bot.results import DirectMessage, Notice
from bot.risk_forms import log_form, review_form
from handlers.teams import buttons
from handlers.teams import dialogs as d
from handlers.teams.card_refresh import refreshed
from handlers.teams.cards import render
from handlers.teams.cards_actions import action_block, notice_card
from handlers.teams.cards_kit import CARD_CONTENT_TYPE, block, inert_lines, teams_words, words
from handlers.teams.connector import Connector
from handlers.teams.family_update import family_card, pressed_draft
from handlers.teams.messages import UNREACHABLE_WORDS, TeamsMessages, apology_words
from handlers.teams.minutes_cards import drafts_card, minutes_dialog

log = logging.getLogger(__name__)
Activity = dict
Invoke = Callable[[Activity], Awaitable[tuple[int, dict | None]]]
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
# The free text a dialog holds: handed back whenever it could not be saved.
TYPED_TEXT = ("title", "description", "note", "evidence", "success", "mitigation", "source")


@dataclass(frozen=True)
class Saved:
    """A dialog whose change was made: the card to show in place, and whom to tell."""

    card: dict
    messages: list[DirectMessage] = field(default_factory=list)
    in_place: bool = True  # False: the card the button was on stays (a list of drafts)


class TeamsInvokes:
    def __init__(
        self,
        messages: TeamsMessages,
        connector: Connector,
        delivery: Callable[[], Delivery],
    ) -> None:
        self.messages = messages
        self.people = messages.people
        self.actions = messages.services["action"]
        self.risks = messages.services["risk"]
        self.connector = connector
        self.delivery = delivery
        self.minutes = MinutesService(self.actions.db, self.actions.clock)

    def table(self) -> dict[str, Invoke]:
        """The invokes handled, by the activity's name."""
        return {
            "adaptiveCard/action": self.card_action,
            "task/fetch": self.open_dialog,
            "task/submit": self.submit_dialog,
        }

    # --- Action.Execute -------------------------------------------------------------------

    async def card_action(self, activity: Activity) -> tuple[int, dict]:
        return 200, await asyncio.to_thread(self._card_action, activity)

    def _card_action(self, activity: Activity) -> dict:
        try:
            action = _value(activity).get("action")
            action = action if isinstance(action, dict) else {}
            draft = pressed_draft(action)
            if draft is not None:
                return self._family_approved(activity, draft)
            press = buttons.pressed(action.get("data"))
            if press.do == buttons.DFE_APPROVED == action.get("verb"):
                return self._dfe_approved(activity, press)
            if press.do != buttons.SNOOZE or action.get("verb") != buttons.SNOOZE:
                raise UserError(buttons.NO_LONGER_WORKS)
            actor = self.people.actor(activity)
            outcome = self.actions.execute(actor, cmd.Snooze(press.ref))
            shown = self._shown_again(press, actor, outcome.result)
            return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": shown}
        except UserError as error:
            return _message(teams_words(plain(error.reason)))
        except (OperationalError, DBAPIError):
            log.error("database unreachable answering a Teams button")
            return _message(UNREACHABLE_WORDS)
        except Exception:
            return _message(apology_words(_logged("answering a Teams button")))

    def _dfe_approved(self, activity: Activity, press: buttons.Pressed) -> dict:
        """Record DfE/NHS England's approval of a new date; the card says what was done."""
        actor = self.people.actor(activity)
        outcome = self.actions.execute(actor, cmd.RedateAnswer(str(press.ref), True))
        if outcome.messages:
            try:
                tell_each(self.delivery(), outcome.messages)
            except Exception:
                log.exception("could not tell the owner of a new date approved on Teams")
        shown = render(outcome.result, self.actions.today())
        return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": shown}

    def _family_approved(self, activity: Activity, draft: int) -> dict:
        """Approve a draft of the family-friendly update; the card says what was done."""
        actor = self.people.actor(activity)
        result = self.messages.services["summary"].handle(actor, f"family-update approve {draft}")
        shown = family_card(result.result)
        return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": shown}

    # --- dialogs ----------------------------------------------------------------------------

    async def open_dialog(self, activity: Activity) -> tuple[int, dict]:
        return 200, await asyncio.to_thread(self._guarded, activity, self._open)

    def _open(self, activity: Activity, press: buttons.Pressed) -> dict:
        return self._dialog(self.people.actor(activity), press, {}, None)

    async def submit_dialog(self, activity: Activity) -> tuple[int, dict | None]:
        answer = await asyncio.to_thread(self._guarded, activity, self._submit)
        if not isinstance(answer, Saved):
            return 200, answer
        if answer.in_place:
            await self._show_in_place(activity, answer.card)
        else:
            await self._send_below(activity, answer.card)
        if answer.messages:
            try:
                await asyncio.to_thread(tell_each, self.delivery(), answer.messages)
            except Exception:
                log.exception("could not tell others of a change made on Teams")
        return 200, None  # an empty answer closes the dialog

    def _submit(self, activity: Activity, press: buttons.Pressed) -> dict | Saved:
        data = _value(activity).get("data") or {}
        actor = self.people.actor(activity)
        try:
            outcome = self._apply(actor, press, d.read_form(data))
        except UserError as error:
            problem = d.Problem(words(error.reason), error.field)
            # A refusal about no one field (the action changed meanwhile) shows the dialog with
            # the action as it now is, so saving again applies what was typed to that.
            return self._dialog(actor, press, d.typed_back(data), problem, now=not error.field)
        if press.do == buttons.MINUTES:
            return Saved(drafts_card(outcome))
        in_place = press.on != buttons.ON_DRAFTS
        return Saved(self._shown_again(press, actor, outcome.result), outcome.messages, in_place)

    def _apply(self, actor: Actor, press: buttons.Pressed, values: dict):
        match press.do:
            case buttons.UPDATE:
                return self.actions.execute(actor, update_form(press.ref, press.version, values))
            case buttons.COMPLETE:
                return self.actions.execute(actor, complete_form(press.ref, press.version, values))
            case buttons.ADD:
                return self.actions.execute(actor, add_form(values))
            case buttons.LOG_RISK:
                return self.risks.execute(actor, log_form(values))
            case buttons.REVIEW_RISK:
                return self.risks.execute(actor, review_form(press.ref, press.version, values))
            case buttons.MINUTES:
                minutes = str(values.get("minutes") or "")
                meeting = values.get("meeting")
                return self.minutes.propose(actor, minutes, meeting)  # type: ignore[arg-type]
        raise UserError(buttons.NO_LONGER_WORKS)

    def _dialog(
        self,
        actor: Actor,
        press: buttons.Pressed,
        typed: dict,
        problem: d.Problem | None,
        now: bool = False,
    ) -> dict:
        """The dialog a button opens, filled in from how things are now; with `now`, it saves
        against the version shown rather than the one the button carried."""
        match press.do:
            case buttons.UPDATE | buttons.COMPLETE:
                completing = press.do == buttons.COMPLETE
                action = self.actions.execute(actor, cmd.PrepareForm(press.ref, completing))
                action = action.result
                press = replace(press, version=action.version) if now else press
                make = d.complete_dialog if completing else d.update_dialog
                return make(action, press, typed, problem)
            case buttons.ADD:
                self.actions.execute(actor, cmd.OpenAdd())
                everyone = self.people.people.everyone(d.MAX_PEOPLE)
                return d.add_dialog(self.actions.board_lists(), everyone, press, typed, problem)
            case buttons.MINUTES:
                self.actions.execute(actor, cmd.FromMinutes())  # admins only
                return minutes_dialog(press, typed, problem)
            case buttons.LOG_RISK:
                everyone = self.people.people.everyone(d.MAX_PEOPLE)
                groups = self.risks.groups()
                return d.log_risk_dialog(groups, everyone, actor.person_id, press, typed, problem)
            case buttons.REVIEW_RISK:
                found = risk_cmd.RISK_REF.match(press.ref or "")
                if found is None:
                    raise UserError(buttons.NO_LONGER_WORKS)
                form = risk_cmd.OpenUpdateForm(int(found.group(1)))
                risk = self.risks.execute(actor, form).result.risk
                press = replace(press, version=risk.version) if now else press
                return d.review_risk_dialog(risk, press, typed, problem)
        raise UserError(buttons.NO_LONGER_WORKS)

    def _guarded(self, activity: Activity, work) -> dict | Saved:
        """Run a dialog's work; a refusal or a failure is a dialog saying so, with everything
        typed handed back and, for an action, the action as it now is."""
        data = _value(activity).get("data")
        press = None
        try:
            press = buttons.pressed(data)
            return work(activity, press)
        except UserError as error:
            body = [block(words(error.reason))]
        except (OperationalError, DBAPIError):
            log.error("database unreachable answering a Teams dialog")
            body = [block(UNREACHABLE_WORDS)]
        except Exception:
            body = [block(apology_words(_logged("answering a Teams dialog")))]
        body += _typed_text(data) + self._as_it_now_is(activity, press)
        title = d.TITLES.get(press.do, "SEND bot") if press else "SEND bot"
        return d.message_dialog(title, body)

    def _as_it_now_is(self, activity: Activity, press: buttons.Pressed | None) -> list[dict]:
        if press is None or press.do not in (buttons.UPDATE, buttons.COMPLETE):
            return []
        try:
            actor = self.people.actor(activity)
            action = self.actions.execute(actor, cmd.Show(press.ref)).result.action
        except Exception:
            return []  # the reason already said why; nothing more to show
        return [action_block(action, self.messages.today())]

    # --- the card the button was on ---------------------------------------------------------

    def _shown_again(self, press: buttons.Pressed, actor: Actor, said: object) -> dict:
        """The card after the change. The change is made: if showing the card fails, the
        core's answer alone is shown (never an apology saying nothing was changed)."""
        notice = said if isinstance(said, Notice) else Notice("Done.")
        today = self.messages.today()
        try:
            return refreshed(press, actor, notice, self.actions, self.messages.home, today)
        except Exception:
            _logged("showing a Teams card again after a change")
            return notice_card(notice, today)

    async def _send_below(self, activity: Activity, card: dict) -> None:
        try:
            await self.connector.reply(activity, card)
        except Exception:
            log.exception("could not send a Teams card after a change")

    async def _show_in_place(self, activity: Activity, card: dict) -> None:
        """Update the message the button was on; if Teams will not, send the card anew."""
        if activity.get("replyToId"):
            try:
                await self.connector.update(activity, card)
                return
            except Exception as error:
                log.warning("could not update a Teams card in place (%s)", type(error).__name__)
        try:
            await self.connector.reply(activity, card)
        except Exception:
            log.exception("could not send a Teams card after a change")


def _value(activity: Activity) -> dict:
    value = activity.get("value")
    return value if isinstance(value, dict) else {}


def _message(text: str) -> dict:
    """An answer to Action.Execute that leaves the card as it is and shows a message."""
    return {"statusCode": 200, "type": MESSAGE_TYPE, "value": text}


def _typed_text(data: object) -> list[dict]:
    """The free text typed into a dialog that could not be saved, so that none of it is lost."""
    if not isinstance(data, dict):
        return []
    typed = [data[key] for key in TYPED_TEXT if isinstance(data.get(key), str) and data[key]]
    if not typed:
        return []
    shown = [block(inert_lines(text[: d.MAX_TYPED]), fontType="Monospace") for text in typed]
    return [block("What you typed, so you can try again:", isSubtle=True), *shown]


def _logged(doing: str) -> str:
    """Log the current exception under a short id the person can quote."""
    error_id = uuid.uuid4().hex[:8]
    log.exception("unexpected error %s %s", error_id, doing)
    return error_id
