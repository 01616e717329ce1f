"""The button on a re-date awaiting DfE/NHS England: an admin records their approval."""

from slack_bolt import App

from bot import action_commands as cmd
from bot.delivery import tell_each
from bot.errors import UserError
from handlers.slack.context import BotContext
from handlers.slack.form_buttons import button_value
from handlers.slack.guard import answer, guarded
from handlers.slack.redate_views import APPROVED
from handlers.slack.render_result import render
from handlers.slack.replies import reply_function
from handlers.slack.slash_command import ack_now


def register(app: App, ctx: BotContext) -> None:
    app.action(APPROVED)(ack=ack_now, lazy=[_approved(ctx)])


def _approved(ctx: BotContext):
    def on_press(body, client) -> None:
        user_id = body["user"]["id"]
        reply = reply_function(client, user_id, body.get("response_url"))
        ref = button_value(body).get("ref")
        told = []

        def work() -> dict:
            if not isinstance(ref, str) or not cmd.REF_PATTERN.match(ref):
                raise UserError("That button no longer works. Type /action show REF to see it.")
            outcome = ctx.actions.execute(ctx.actor(client, user_id), cmd.RedateAnswer(ref, True))
            told.extend(outcome.messages)
            return render(outcome.result, ctx.actions.today())

        answer(work, reply)
        guarded(lambda: tell_each(ctx.delivery(client), told))

    return on_press
