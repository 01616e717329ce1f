"""The dialogs (Teams' task modules): Update, Mark complete, Add an action, Log a risk and Review
a risk. Built here, and read back here when they are submitted.

A refused submission shows the dialog again with everything typed still in it and the reason
under the field it is about (Teams shows an input's `errorMessage` only for its own checks, so
the reason is a red line of text).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.action_forms import NO_DATE_BOX, TICKED
from bot.errors import UserError
from bot.people import PersonRef
from bot.results import ActionCard
from bot.risk_scale import IMPACT, LIKELIHOOD
from bot.risk_service import RiskCard
from bot.status import Status
from handlers.teams.buttons import Pressed, button_row
from handlers.teams.cards_kit import attachment, block, card, cut, inert, status_words
from handlers.teams.cards_risks import score_words

MAX_PEOPLE = 500  # choices in a person picker; a board names far fewer
MAX_TYPED = 20_000
CHANGED = "This has changed since that card was sent: you are seeing it as it is now."
TITLES = {
    "update": "Update action",
    "complete": "Mark complete",
    "add": "Add an action",
    "log_risk": "Log a risk",
    "review_risk": "Review a risk",
}
# How a dialog's inputs come back: every value is text, so each is read into what the core's
# form checkers expect.
PEOPLE_FIELDS = ("owner", "sro")
DATE_FIELDS = ("due", "start", "review", "meeting")
LIST_FIELDS = ("areas",)


@dataclass(frozen=True)
class Problem:
    """Why a submission was refused (Teams words, already inert), and the field it is about."""

    reason: str
    field: str | None = None


def task_card(title: str, content: dict) -> dict:
    """The answer to task/fetch or task/submit that shows a dialog."""
    return {"task": {"type": "continue", "value": {"title": title, "card": attachment(content)}}}


def message_dialog(title: str, body: list[dict]) -> dict:
    """A dialog with something to read and nothing to fill in."""
    return task_card(title, card(body))


def update_dialog(action: ActionCard, press: Pressed, typed: Mapping, problem: Problem | None):
    statuses = [_choice(s.label, s.value) for s in Status]
    fields = [
        _choices("status", "Status", statuses, typed.get("status", action.status.value)),
        _text("note", "Progress note", typed, multiline=True),
        _text(
            "evidence",
            "Evidence of impact",
            typed,
            multiline=True,
            placeholder="What has changed for children, young people and families?",
        ),
    ]
    body = _action_summary(action, press) + _with_problem(fields, problem)
    return _form(press, body, "Save")


def complete_dialog(action: ActionCard, press: Pressed, typed: Mapping, problem: Problem | None):
    evidence = _text(
        "evidence",
        "Evidence that it is done",
        typed,
        multiline=True,
        required="Please describe the evidence that this action is complete.",
        placeholder="What shows it is complete, and the difference it makes for families?",
    )
    body = _action_summary(action, press) + _with_problem([evidence], problem)
    return _form(press, body, "Mark complete")


def add_dialog(
    boards: tuple[list[tuple[int, str]], list[tuple[int, str]]],
    people: list[PersonRef],
    press: Pressed,
    typed: Mapping,
    problem: Problem | None,
) -> dict:
    groups, areas = boards
    # A draft from minutes fills the dialog in; what the person typed since comes first.
    typed = {**{k: str(v) for k, v in press.prefill.items() if v not in (None, "")}, **typed}
    fields = [
        _text(
            "ref",
            "Reference (leave empty and the bot numbers it)",
            typed,
            placeholder="As the plan writes it, like 3.4",
        ),
        _text("title", "Title", typed, required="Give the action a title."),
        _choices("group", "Working group", _numbered(groups), typed.get("group"), required=True),
        _choices("owner", "Owner", _people(people), typed.get("owner"), required=True),
        _date("due", "Due date", typed),
        _tick("no_date", NO_DATE_BOX, typed),
        _choices("areas", "Areas of weakness", _numbered(areas), typed.get("areas"), multi=True),
        _text("description", "Description", typed, multiline=True),
        _text("success", "Success measures", typed, multiline=True),
        _choices("sro", "Senior responsible officer", _people(people), typed.get("sro")),
        _date("start", "Start date", typed),
        _text("source", "Source", typed, placeholder="Where it comes from, e.g. WSoA"),
    ]
    return _form(press, _with_problem(fields, problem), "Add")


def log_risk_dialog(
    groups: list[tuple[int, str]],
    people: list[PersonRef],
    asker: int,
    press: Pressed,
    typed: Mapping,
    problem: Problem | None,
) -> dict:
    typed = {**_prefill(press.prefill, asker), **typed}
    fields = [
        _text(
            "description",
            "What could happen? (cause → event → consequence)",
            typed,
            multiline=True,
            required="Describe the risk: cause → event → consequence.",
        ),
        _scale("likelihood", "Likelihood", LIKELIHOOD, typed.get("likelihood")),
        _scale("impact", "Impact", IMPACT, typed.get("impact")),
        _choices("owner", "Owner", _people(people), typed.get("owner"), required=True),
        _choices("group", "Working group", _numbered(groups), typed.get("group")),
        _text("mitigation", "Mitigation", typed, multiline=True),
        _date("review", "Review date", typed),
    ]
    return _form(press, _with_problem(fields, problem), "Log risk")


def review_risk_dialog(risk: RiskCard, press: Pressed, typed: Mapping, problem: Problem | None):
    now = {
        "likelihood": str(risk.likelihood),
        "impact": str(risk.impact),
        "mitigation": risk.mitigation or "",
        "review": risk.review_date.isoformat() if risk.review_date else "",
    }
    typed = {**now, **typed}
    summary = [
        block(f"**{inert(risk.ref)}** {inert(cut(risk.description, 2500))}"),
        block(f"Now: {score_words(risk)}", spacing="None"),
    ]
    if press.version != risk.version:
        summary.append(block(CHANGED, isSubtle=True))
    fields = [
        _scale("likelihood", "Likelihood", LIKELIHOOD, typed.get("likelihood")),
        _scale("impact", "Impact", IMPACT, typed.get("impact")),
        _text("note", "What has changed?", typed, multiline=True),
        _text("mitigation", "Mitigation", typed, multiline=True),
        _date("review", "Next review", typed),
    ]
    return _form(press, summary + _with_problem(fields, problem), "Save")


def read_form(data: Mapping) -> dict:
    """The submitted values as the core's form checkers take them: people as person ids,
    dates as dates (a value Teams' date picker could not have sent is refused on its field)."""
    values: dict[str, object] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            continue
        value = value.strip()
        if key in PEOPLE_FIELDS:
            values[key] = int(value) if value.isdigit() else None
        elif key in DATE_FIELDS:
            try:
                values[key] = date.fromisoformat(value) if value else None
            except ValueError:
                raise UserError("Choose the date from the calendar.", field=key) from None
        elif key in LIST_FIELDS:
            values[key] = [part for part in value.split(",") if part.strip()]
        else:
            values[key] = value
    return values


def typed_back(data: Mapping) -> dict[str, str]:
    """What the person typed or chose, to put back in the dialog: text values only, bounded."""
    return {key: value[:MAX_TYPED] for key, value in data.items() if isinstance(value, str)}


# --- parts --------------------------------------------------------------------------------------


def _form(press: Pressed, body: list[dict], save: str) -> dict:
    submit = {"type": "Action.Submit", "title": save, "data": press.data(), "style": "positive"}
    return task_card(TITLES[press.do], card([*body, button_row(submit)]))


def _action_summary(action: ActionCard, press: Pressed) -> list[dict]:
    summary = [
        block(f"**{inert(action.ref)}** {inert(action.title)}"),
        block(f"Now: {status_words(action.status)}", spacing="None"),
    ]
    if press.version != action.version:
        summary.append(block(CHANGED, isSubtle=True))
    return summary


def _with_problem(fields: list[dict], problem: Problem | None) -> list[dict]:
    """The fields, with the reason for a refusal under its field (or above them all)."""
    if problem is None:
        return fields
    shown = block(problem.reason, color="Attention", spacing="Small")
    ids = [f.get("id") for f in fields]
    if problem.field not in ids:
        return [shown, *fields]
    at = ids.index(problem.field) + 1
    return [*fields[:at], shown, *fields[at:]]


def _text(
    key: str,
    label: str,
    typed: Mapping,
    *,
    multiline: bool = False,
    required: str | None = None,
    placeholder: str | None = None,
) -> dict:
    element: dict = {"type": "Input.Text", "id": key, "label": label, "isMultiline": multiline}
    if typed.get(key):
        element["value"] = str(typed[key])
    if placeholder:
        element["placeholder"] = placeholder
    if required:
        element |= {"isRequired": True, "errorMessage": required}
    return element


def _date(key: str, label: str, typed: Mapping, required: bool = False) -> dict:
    element: dict = {"type": "Input.Date", "id": key, "label": label}
    if typed.get(key):
        element["value"] = str(typed[key])
    if required:
        element |= {"isRequired": True, "errorMessage": "Choose a date."}
    return element


def _tick(key: str, title: str, typed: Mapping) -> dict:
    """A box to tick: its value is TICKED when ticked, empty when not."""
    element: dict = {"type": "Input.Toggle", "id": key, "title": title}
    element |= {"valueOn": TICKED, "valueOff": "", "value": str(typed.get(key) or "")}
    return element


def _choices(
    key: str,
    label: str,
    choices: list[dict],
    chosen: object,
    *,
    required: bool = False,
    multi: bool = False,
) -> dict:
    element: dict = {
        "type": "Input.ChoiceSet",
        "id": key,
        "label": label,
        "style": "compact",
        "choices": choices,
        "isMultiSelect": multi,
    }
    if chosen not in (None, ""):
        element["value"] = str(chosen)
    if required:
        element |= {"isRequired": True, "errorMessage": f"Choose the {label.lower()}."}
    return element


def _scale(key: str, label: str, names: tuple[str, ...], chosen: object) -> dict:
    choices = [_choice(f"{n} {name}", str(n)) for n, name in enumerate(names, 1)]
    return _choices(key, label, choices, chosen, required=True)


def _choice(title: str, value: str) -> dict:
    return {"title": title, "value": value}


def _numbered(items: list[tuple[int, str]]) -> list[dict]:
    return [_choice(f"{n} {name}", str(n)) for n, name in items]


def _people(people: list[PersonRef]) -> list[dict]:
    """Everyone the plan knows, by name (and email, where two share a name)."""
    return [
        _choice(f"{p.shown} ({p.email})" if p.email and p.name else p.shown, str(p.id))
        for p in people
    ]


def _prefill(prefill: Mapping, asker: int) -> dict[str, str]:
    """What a typed `risk log …` already said, as the dialog's values; the owner defaults to
    the person logging it."""
    filled = {key: str(value) for key, value in prefill.items() if value not in (None, "")}
    return {"owner": str(asker), **filled}
