"""`/action from-minutes` on Slack: the form's submission, and the drafts' two buttons.

"Add this action" opens the ordinary Add form filled in from the draft: only saving that form
creates anything. "Drop" takes the draft off the list.
"""

from slack_bolt import App

from bot import action_commands as cmd
from bot.minutes_service import MinutesService
from bot.people import refs
from handlers.slack import action_modals
from handlers.slack import minutes_drafts as drafts
from handlers.slack.context import BotContext
from handlers.slack.form_buttons import button_value
from handlers.slack.guard import answer
from handlers.slack.ids import PLATFORM
from handlers.slack.modal_errors import inline_errors
from handlers.slack.modal_kit import values
from handlers.slack.replies import reply_function
from handlers.slack.slash_command import ack_now


def register(app: App, ctx: BotContext) -> None:
    app.view(drafts.FORM)(_submitted(ctx))
    app.action(drafts.ADD)(ack=ack_now, lazy=[_add_pressed(ctx)])
    app.action(drafts.DROP)(ack=ack_now, lazy=[_drop_pressed(ctx)])


def minutes_service(ctx: BotContext) -> MinutesService:
    return MinutesService(ctx.actions.db, ctx.actions.clock)


def _submitted(ctx: BotContext):
    def on_submit(ack, body, view, client) -> None:
        user_id = body["user"]["id"]
        typed = values(view)
        with inline_errors(ack, view) as ok:
            found = minutes_service(ctx).propose(
                ctx.actor(client, user_id), str(typed.get("minutes") or ""), typed.get("meeting")
            )
        if not ok:
            return
        ack()
        # A direct message, not a reply that expires: the admin may work through the list later.
        answer(lambda: drafts.drafts_message(found), reply_function(client, user_id, None))

    return on_submit


def _add_pressed(ctx: BotContext):
    def on_press(body, client) -> None:
        user_id = body["user"]["id"]
        reply = reply_function(client, user_id, None)
        pressed = button_value(body)

        def work() -> None:
            ctx.actions.execute(ctx.actor(client, user_id), cmd.OpenAdd())  # admins only
            groups, areas = ctx.actions.board_lists()
            view = action_modals.add_view(groups, areas, _draft(ctx, body, pressed))
            client.views_open(trigger_id=body["trigger_id"], view=view)

        answer(work, reply)

    return on_press


def _draft(ctx: BotContext, body: dict, pressed: dict) -> action_modals.AddDraft:
    owner, hint = None, ""
    if isinstance(pressed.get("o"), int):
        with ctx.actions.db.session() as session:
            person = refs(session, [pressed["o"]]).get(pressed["o"])
        if person is not None:
            owner = person.account_on(PLATFORM)
            if owner is None:
                hint = (
                    f"Suggested: {person.shown}, who has no Slack account yet. Choose who will "
                    "do it, or link them first with /action link."
                )
    title = pressed.get("t")
    source = pressed.get("s")
    return action_modals.AddDraft(
        title=title if isinstance(title, str) else None,
        owner=owner,
        owner_hint=hint,
        due=drafts.pressed_due(pressed.get("d")),
        source=source if isinstance(source, str) else None,
    )


def _drop_pressed(ctx: BotContext):
    def on_press(body, client) -> None:
        user_id = body["user"]["id"]
        number = button_value(body).get("n")

        def work() -> None:
            ctx.actions.execute(ctx.actor(client, user_id), cmd.OpenAdd())  # admins only
            if isinstance(number, int):
                _edit_list(client, body, number, None)

        answer(work, reply_function(client, user_id, None))

    return on_press


def _edit_list(client, body: dict, number: int, replacement: str | None) -> None:
    message = body.get("message") or {}
    blocks = drafts.without_draft(message.get("blocks") or [], number, replacement)
    client.chat_update(
        channel=(body.get("channel") or {}).get("id"),
        ts=message.get("ts"),
        blocks=blocks,
        text="Draft actions from minutes",
    )
