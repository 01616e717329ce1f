"""The modals for actions: Update, Mark complete and Add. Built here, read back here."""

from dataclasses import dataclass
from datetime import date

from bot.action_commands import MAX_TITLE
from bot.action_forms import NO_DATE_BOX, TICKED
from bot.results import ActionCard
from bot.status import Status
from handlers.slack.modal_kit import date_input, input_block, modal, option, text_input
from handlers.slack.render import cut, escape, status_words


@dataclass(frozen=True)
class AddDraft:
    """What the Add form starts with: nothing, or a draft action from minutes."""

    title: str | None = None
    owner: str | None = None  # a Slack user ID
    owner_hint: str = ""  # the suggested owner in words, when they have no Slack account
    due: date | None = None
    source: str | None = None


UPDATE = "action_update_modal"
COMPLETE = "action_complete_modal"
ADD = "action_add_modal"


def _summary(card: ActionCard, changed: bool) -> list[dict]:
    text = f"*{escape(card.ref)}* {escape(card.title)}\nNow: {status_words(card.status)}"
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": cut(text, 3000)}}]
    if changed:
        note = "This action has changed since that message; you are seeing it as it is now."
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return blocks


def update_view(card: ActionCard, origin: dict, changed: bool = False) -> dict:
    options = [option(s.label, s.value) for s in Status]
    status = {
        "type": "static_select",
        "options": options,
        "initial_option": option(card.status.label, card.status.value),
    }
    blocks = _summary(card, changed) + [
        input_block("status", "Status", status),
        input_block("note", "Progress note", text_input(), optional=True),
        input_block(
            "evidence",
            "Evidence of impact",
            text_input(),
            optional=True,
            hint="What has changed for children, young people and families?",
        ),
    ]
    return modal(
        UPDATE, "Update action", "Save", blocks, {"ref": card.ref, "v": card.version, **origin}
    )


def complete_view(card: ActionCard, origin: dict, changed: bool = False) -> dict:
    blocks = _summary(card, changed) + [
        input_block(
            "evidence",
            "Evidence that it is done",
            text_input(),
            hint="Say what shows it is complete and the difference it makes for families.",
        )
    ]
    metadata = {"ref": card.ref, "v": card.version, **origin}
    return modal(COMPLETE, "Mark complete", "Mark complete", blocks, metadata)


def add_view(
    groups: list[tuple[int, str]], areas: list[tuple[int, str]], draft: AddDraft | None = None
) -> dict:
    """The Add form; filled in from a draft action (minutes) for the admin to check and save."""
    draft = draft or AddDraft()
    owner = {"type": "users_select"} | ({"initial_user": draft.owner} if draft.owner else {})
    group_options = [option(f"{n} {name}", str(n)) for n, name in groups]
    area_options = [option(f"{n} {title}", str(n)) for n, title in areas][:100]
    blocks = [
        input_block(
            "ref",
            "Reference",
            text_input(False, 20),
            optional=True,
            hint="As the plan writes it, like 3.4. Leave empty and the bot numbers it.",
        ),
        input_block("title", "Title", text_input(False, MAX_TITLE, draft.title)),
        input_block("group", "Working group", {"type": "static_select", "options": group_options}),
        input_block("owner", "Owner", owner, hint=draft.owner_hint),
        input_block("due", "Due date", date_input(draft.due), optional=True),
        input_block(
            "no_date",
            "If no date is agreed",
            {"type": "checkboxes", "options": [option(NO_DATE_BOX, TICKED)]},
            optional=True,
        ),
        input_block(
            "areas",
            "Areas of weakness",
            {"type": "multi_static_select", "options": area_options},
            optional=True,
        ),
        input_block("description", "Description", text_input(), optional=True),
        input_block("success", "Success measures", text_input(), optional=True),
        input_block("sro", "Senior responsible officer", {"type": "users_select"}, optional=True),
        input_block("start", "Start date", {"type": "datepicker"}, optional=True),
        input_block(
            "source",
            "Source",
            text_input(False, 200, draft.source),
            optional=True,
            hint="Where the action comes from, e.g. WSoA or Board 10/12/2019",
        ),
    ]
    return modal(ADD, "Add an action", "Add", blocks, {})
