"""Ask for a new date on Teams: the dialogs the buttons of date_request_cards.py open, and what
saving them does. Put in front of the other invokes: a button of its own is answered here, any
other goes on to TeamsInvokes.

Saving answers with a short message in the dialog (Teams' "message" task), the admins get the
request as a card, and the owner is told of the decision in their personal chat.
"""

import asyncio
import logging
import uuid
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.date_requests import NO_LONGER_WORKS, DateRequests
from bot.delivery import Delivery, DeliveryError, tell_each
from bot.errors import UserError
from bot.message_text import Text, plain
from handlers.teams import date_request_cards as cards
from handlers.teams import dialogs as d
from handlers.teams.cards_kit import block, inert_lines, teams_words, words
from handlers.teams.invokes import Activity, Invoke, TeamsInvokes
from handlers.teams.messages import UNREACHABLE_WORDS, apology_words

log = logging.getLogger(__name__)


class DateRequestInvokes:
    def __init__(self, invokes: TeamsInvokes, delivery: Callable[[], Delivery]) -> None:
        self.people = invokes.people
        self.today = invokes.messages.today
        actions = invokes.actions
        self.requests = DateRequests(
            actions.db, actions.clock, self.people.people.admin_refs, actions.plan
        )
        self.delivery = delivery
        self.others = invokes.table()

    def table(self) -> dict[str, Invoke]:
        return {
            **self.others,
            "task/fetch": self._mine_or(self.others["task/fetch"], self._open),
            "task/submit": self._mine_or(self.others["task/submit"], self._submit),
        }

    def _mine_or(self, other: Invoke, mine: Callable[[Activity, dict], dict]) -> Invoke:
        async def invoke(activity: Activity) -> tuple[int, dict | None]:
            carried = _carried(activity)
            if carried is None:
                return await other(activity)
            return 200, await asyncio.to_thread(self._guarded, mine, activity, carried)

        return invoke

    def _open(self, activity: Activity, carried: dict) -> dict:
        actor = self.people.actor(activity)
        match carried.get("do"), carried.get("ref"), carried.get("id"):
            case cards.ASK, str(ref), _:
                action = self.requests.prepare(actor, ref)
                return cards.ask_dialog(action, self.today(), {}, None)
            case (cards.APPROVE | cards.DECLINE) as do, _, int(request_id):
                request = self.requests.pending(actor, request_id)
                return cards.decide_dialog(request, do == cards.APPROVE, {}, None)
        raise UserError(NO_LONGER_WORKS)

    def _submit(self, activity: Activity, carried: dict) -> dict:
        actor = self.people.actor(activity)
        data = _data(activity)
        typed = d.typed_back(data)
        match carried.get("do"), carried.get("ref"), carried.get("id"):
            case cards.ASK, str(ref), _:
                try:
                    asked = self.requests.ask(actor, ref, typed)
                except UserError as error:
                    if error.field is None:
                        raise
                    action = self.requests.prepare(actor, ref)
                    problem = d.Problem(words(error.reason), error.field)
                    return cards.ask_dialog(action, self.today(), typed, problem)
                self._tell(lambda sender: _to_admins(sender, asked.to_admins))
                return _said(asked.notice.text)
            case (cards.APPROVE | cards.DECLINE) as do, _, int(request_id):
                approve = do == cards.APPROVE
                try:
                    decided = self.requests.decide(actor, request_id, approve, typed.get("note"))
                except UserError as error:
                    if error.field is None:
                        raise
                    request = self.requests.pending(actor, request_id)
                    problem = d.Problem(words(error.reason), error.field)
                    return cards.decide_dialog(request, approve, typed, problem)
                self._tell(lambda sender: tell_each(sender, decided.messages))
                return _said(decided.notice.text)
        raise UserError(NO_LONGER_WORKS)

    def _tell(self, send: Callable[[Delivery], None]) -> None:
        """Others are told after the change is made; a failure to tell is logged."""
        try:
            send(self.delivery())
        except Exception:
            log.exception("could not send a date request's news on Teams")

    def _guarded(self, work, activity: Activity, carried: dict) -> dict:
        """A refusal or a failure is a dialog saying so, with the reason typed handed back."""
        try:
            return work(activity, carried)
        except UserError as error:
            body = [block(teams_words(words(error.reason)))]
        except (OperationalError, DBAPIError):
            log.error("database unreachable answering a Teams date request")
            body = [block(UNREACHABLE_WORDS)]
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("unexpected error %s answering a Teams date request", error_id)
            body = [block(apology_words(error_id))]
        typed = d.typed_back(_data(activity))
        kept = [typed[k] for k in ("reason", "note") if typed.get(k)]
        if kept:
            body += [block("What you typed, so you can try again:", isSubtle=True)]
            body += [block(inert_lines(text), fontType="Monospace") for text in kept]
        return d.message_dialog(cards.TITLES.get(carried.get("do"), "SEND bot"), body)


def _to_admins(sender: Delivery, to_admins) -> None:
    for item in to_admins:
        try:
            sender.to_person(item.admin, item.request)
        except DeliveryError as error:
            log.warning("could not send a date request to %s: %s", item.admin.shown, error.reason)


def _data(activity: Activity) -> dict:
    value = activity.get("value")
    data = value.get("data") if isinstance(value, dict) else None
    return data if isinstance(data, dict) else {}


def _carried(activity: Activity) -> dict | None:
    carried = _data(activity).get(cards.KEY)
    return carried if isinstance(carried, dict) else None


def _said(text: str | Text) -> dict:
    """Close the dialog with a short message (plain text: Teams shows it as it is)."""
    return {"task": {"type": "message", "value": teams_words(plain(text))}}
