"""The action forms (Update, Mark complete, Add) checked the same way on every door.

A door reads its form into a dict keyed by the core's field names (people already resolved to
person ids) and calls one of these; a refusal names the field, and the door shows it beside that
field. Nothing is written by a refusal.
"""

from collections.abc import Mapping
from datetime import date

from bot import action_commands as cmd
from bot.errors import UserError
from bot.status import parse_status
from bot.tokens import parse_number
from bot.typed_text import form_text

Values = Mapping[str, object]


def update_form(ref: object, version: object, values: Values) -> cmd.UpdateStatus:
    status = parse_status(str(values.get("status") or ""))
    if status is None:
        raise UserError("Choose a status.", field="status")
    return cmd.UpdateStatus(
        form_ref(ref),
        status,
        form_text(values, "note"),
        form_text(values, "evidence"),
        _version(version),
    )


def complete_form(ref: object, version: object, values: Values) -> cmd.MarkDone:
    evidence = form_text(values, "evidence")
    if not evidence:
        raise UserError(
            "Please describe the evidence that this action is complete.", field="evidence"
        )
    return cmd.MarkDone(form_ref(ref), evidence, _version(version))


def add_form(values: Values) -> cmd.AddAction:
    ref = form_text(values, "ref", multiline=False)
    if ref is not None:
        try:
            ref = cmd.check_ref(ref)
        except UserError as error:
            raise UserError(error.reason, field="ref") from None
    title = form_text(values, "title", multiline=False)
    if not title or len(title) > cmd.MAX_TITLE:
        raise UserError(f"Give a title of 1 to {cmd.MAX_TITLE} characters.", field="title")
    group = parse_number(str(values.get("group") or ""))
    if group is None:
        raise UserError("Choose a working group.", field="group")
    owner = values.get("owner")
    if not isinstance(owner, int):
        raise UserError("Choose the owner.", field="owner")
    due = form_due(values)
    areas = values.get("areas") or []
    sro = values.get("sro")
    return cmd.AddAction(
        ref=ref,
        title=title,
        group=group,
        owner=owner,
        due=due,
        areas=tuple(n for a in areas if (n := parse_number(str(a))) is not None),
        description=form_text(values, "description"),
        sro=sro if isinstance(sro, int) else None,
        start=values.get("start"),
        source=form_text(values, "source", multiline=False),
        success_measures=form_text(values, "success"),
    )


NO_DATE_BOX = "No date agreed yet"  # the add form's tick box beside the due date
TICKED = "yes"  # what each door's form gives for the box when it is ticked


def form_due(values: Values) -> date | None:
    """The due date chosen, or None when “No date agreed yet” is ticked instead (SPEC §2)."""
    due = values.get("due")
    ticked = values.get("no_date")
    no_date = ticked == TICKED or (isinstance(ticked, list) and TICKED in ticked)
    if due and no_date:
        raise UserError(f"Choose a due date or tick “{NO_DATE_BOX}”, not both.", field="due")
    if not due and not no_date:
        raise UserError(f"Choose the due date, or tick “{NO_DATE_BOX}”.", field="due")
    return due if isinstance(due, date) else None


def form_ref(ref: object) -> str:
    """The action a form was opened for; a form from an older version of the bot is refused."""
    if not isinstance(ref, str):
        raise UserError("This form is out of date. Close it and press the button again.")
    return cmd.check_ref(ref)


def _version(version: object) -> int | None:
    return version if isinstance(version, int) else None
