"""The highlight update dialog on Teams: opened by Send highlight update (task/fetch), saved by
its Send button (task/submit).

Its button carries a key of its own (highlight_request.HIGHLIGHT), so these invokes are picked
out here and every other dialog goes on to the action and risk dialogs (handlers/teams/invokes.py).
A refusal about one field shows the dialog again with everything typed and the reason under the
field; any other refusal says why and hands back what was typed.
"""

import asyncio
import logging
import uuid
from collections.abc import Mapping

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.dates import format_weekday_long
from bot.errors import UserError
from bot.highlight_updates import GROUP_STATUSES, NO_LONGER_WORKS, HighlightForm, HighlightService
from handlers.teams.buttons import button_row
from handlers.teams.cards_kit import block, card, inert, inert_lines, words
from handlers.teams.dialogs import MAX_TYPED, message_dialog, task_card
from handlers.teams.highlight_request import HIGHLIGHT
from handlers.teams.invokes import Invoke
from handlers.teams.messages import UNREACHABLE_WORDS, apology_words
from handlers.teams.people import TeamsPeople

log = logging.getLogger(__name__)
TITLE = "Highlight update"
TYPED = ("achievements", "issues", "next_steps")


def with_highlight_updates(
    invokes: dict[str, Invoke], people: TeamsPeople, service: HighlightService
) -> dict[str, Invoke]:
    """The invokes table with the highlight update dialog in front of the other dialogs."""
    dialog = HighlightDialog(people, service)
    return {
        **invokes,
        "task/fetch": dialog.in_front_of(invokes["task/fetch"], dialog.open),
        "task/submit": dialog.in_front_of(invokes["task/submit"], dialog.submit),
    }


class HighlightDialog:
    def __init__(self, people: TeamsPeople, service: HighlightService) -> None:
        self.people = people
        self.service = service

    def in_front_of(self, others: Invoke, mine) -> Invoke:
        async def invoke(activity: dict) -> tuple[int, dict | None]:
            data = _data(activity)
            if HIGHLIGHT not in data:
                return await others(activity)
            return 200, await asyncio.to_thread(self._guarded, activity, data, mine)

        return invoke

    def open(self, activity: dict, button: Mapping, data: Mapping) -> dict:
        form = self._form(activity, button)
        return highlight_dialog(form, _draft(form), None)

    def submit(self, activity: dict, button: Mapping, data: Mapping) -> dict:
        actor = self.people.actor(activity)
        typed = _typed(data)
        try:
            saved = self.service.save(actor, button.get("meeting"), button.get("wg"), typed)
        except UserError as error:
            if error.field is None:
                raise
            form = self._form(activity, button)
            return highlight_dialog(form, typed, (words(error.reason), error.field))
        return message_dialog(TITLE, [block(words(saved.text))])

    def _form(self, activity: dict, button: Mapping) -> HighlightForm:
        actor = self.people.actor(activity)
        return self.service.open_form(actor, button.get("meeting"), button.get("wg"))

    def _guarded(self, activity: dict, data: Mapping, work) -> dict:
        """A refusal or a failure is a dialog saying so, with what was typed handed back."""
        try:
            button = data.get(HIGHLIGHT)
            if not isinstance(button, dict):
                raise UserError(NO_LONGER_WORKS)
            return work(activity, button, data)
        except UserError as error:
            body = [block(words(error.reason))]
        except (OperationalError, DBAPIError):
            log.error("database unreachable answering the highlight update dialog")
            body = [block(UNREACHABLE_WORDS)]
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("unexpected error %s answering the highlight update dialog", error_id)
            body = [block(apology_words(error_id))]
        given = _typed(data)
        typed = [inert_lines(given[key]) for key in TYPED if key in given]
        if typed:
            body.append(block("What you typed, so you can try again:", isSubtle=True))
            body += [block(text, fontType="Monospace") for text in typed]
        return message_dialog(TITLE, body)


def highlight_dialog(
    form: HighlightForm, typed: Mapping[str, str], problem: tuple[str, str] | None
) -> dict:
    when = format_weekday_long(form.meeting_date)
    intro = [block(f"**{inert(form.group_words)}** — for the board meeting on {when}.")]
    if form.sent_before:
        intro.append(
            block("You have sent one already: it is filled in below. Sending makes a new one.")
        )
    fields = [
        _text(
            "achievements",
            "What the group has achieved",
            typed,
            required="Please say what the group has achieved.",
        ),
        _text("issues", "Issues and risks", typed),
        _text("next_steps", "Next steps", typed),
        {
            "type": "Input.ChoiceSet",
            "id": "brag",
            "label": "The group's BRAG status",
            "style": "compact",
            "choices": [{"title": s.label, "value": s.value} for s in GROUP_STATUSES],
            "isRequired": True,
            "errorMessage": "Choose the group's BRAG status.",
            **({"value": typed["brag"]} if typed.get("brag") else {}),
        },
    ]
    if problem is not None:
        reason, field = problem
        ids = [f["id"] for f in fields]
        at = ids.index(field) + 1 if field in ids else 0
        fields.insert(at, block(reason, color="Attention", spacing="Small"))
    carried = {HIGHLIGHT: {"meeting": form.meeting_id, "wg": form.group_number}}
    send = {"type": "Action.Submit", "title": "Send", "data": carried, "style": "positive"}
    return task_card(TITLE, card([*intro, *fields, button_row(send)]))


def _text(key: str, label: str, typed: Mapping, required: str | None = None) -> dict:
    element: dict = {"type": "Input.Text", "id": key, "label": label, "isMultiline": True}
    if typed.get(key):
        element["value"] = str(typed[key])
    if required:
        element |= {"isRequired": True, "errorMessage": required}
    return element


def _typed(data: Mapping) -> dict[str, str]:
    """What was typed or chosen in the dialog: its own fields only, bounded."""
    return {
        key: data[key][:MAX_TYPED]
        for key in (*TYPED, "brag")
        if isinstance(data.get(key), str) and data[key].strip()
    }


def _draft(form: HighlightForm) -> dict[str, str]:
    """The latest update sent, to start from."""
    draft = form.draft
    shown = {
        "achievements": draft.achievements,
        "issues": draft.issues,
        "next_steps": draft.next_steps,
        "brag": draft.brag.value if draft.brag else None,
    }
    return {key: value for key, value in shown.items() if value}


def _data(activity: dict) -> dict:
    value = activity.get("value")
    data = value.get("data") if isinstance(value, dict) else None
    return data if isinstance(data, dict) else {}
