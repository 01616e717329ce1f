"""Highlight updates on Slack: the form the Send highlight update button opens, and what saving
it does."""

from slack_bolt import App

from bot.dates import format_weekday_long
from bot.highlight_updates import (
    GROUP_STATUSES,
    HighlightForm,
    HighlightService,
)
from bot.people import Actor
from handlers.slack.context import BotContext
from handlers.slack.form_buttons import opens_form
from handlers.slack.guard import answer
from handlers.slack.highlight_request import BUTTON
from handlers.slack.modal_errors import inline_errors
from handlers.slack.modal_kit import input_block, metadata, modal, option, select, text_input
from handlers.slack.modal_kit import values as form_values
from handlers.slack.render import escape, section
from handlers.slack.render_result import render
from handlers.slack.replies import reply_function, trusted_response_url
from handlers.slack.slash_command import ack_now

MODAL = "highlight_update_modal"


def register(app: App, ctx: BotContext) -> None:
    app.action(BUTTON)(ack=ack_now, lazy=[opens_form(ctx, _form(ctx))])
    app.view(MODAL)(_save(ctx))


def _service(ctx: BotContext) -> HighlightService:
    return HighlightService(ctx.deadlines.db, ctx.deadlines.clock)


def _form(ctx: BotContext):
    def make(pressed: dict, actor: Actor, origin: dict) -> dict:
        form = _service(ctx).open_form(actor, pressed.get("meeting"), pressed.get("wg"))
        return form_view(form, origin)

    return make


def _save(ctx: BotContext):
    def on_submit(ack, body, view, client) -> None:
        user_id = body["user"]["id"]
        meta = metadata(view)
        with inline_errors(ack, view) as ok:
            actor = ctx.actor(client, user_id)
            saved = _service(ctx).save(
                actor, meta.get("meeting"), meta.get("wg"), form_values(view)
            )
        if not ok:
            return
        ack()
        reply = reply_function(client, user_id, trusted_response_url(ctx, meta.get("r")))
        answer(lambda: render(saved, ctx.deadlines.today()), reply)

    return on_submit


def form_view(form: HighlightForm, origin: dict) -> dict:
    draft = form.draft
    choices = [option(status.label, status.value) for status in GROUP_STATUSES]
    when = format_weekday_long(form.meeting_date)
    intro = f"*{escape(form.group_words)}* — for the board meeting on {when}."
    blocks = [section(intro)]
    if form.sent_before:
        blocks.append(
            section("You have sent one already: it is filled in below. Saving sends a new one.")
        )
    blocks += [
        input_block(
            "achievements",
            "What the group has achieved",
            text_input(initial=draft.achievements),
            hint="Since the last board: what has been done, and what difference it makes.",
        ),
        input_block("issues", "Issues and risks", text_input(initial=draft.issues), optional=True),
        input_block(
            "next_steps", "Next steps", text_input(initial=draft.next_steps), optional=True
        ),
        input_block(
            "brag", "The group's BRAG status", select(choices, draft.brag and draft.brag.value)
        ),
    ]
    meta = {"meeting": form.meeting_id, "wg": form.group_number, **origin}
    return modal(MODAL, "Highlight update", "Send", blocks, meta)
