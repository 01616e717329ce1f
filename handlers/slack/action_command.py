"""`/action`: acknowledge at once, then answer through the response URL."""

from slack_bolt import App

from bot.results import OpenAddForm
from handlers.slack import action_modals
from handlers.slack.context import BotContext
from handlers.slack.guard import answer
from handlers.slack.messenger import SlackMessenger
from handlers.slack.render_result import render
from handlers.slack.slash_command import register_command


def register(app: App, ctx: BotContext) -> None:
    def action_command(body, respond, client) -> None:
        typed = body.get("text", "")

        def work() -> dict | None:
            outcome = ctx.actions.handle(body["user_id"], typed)
            if isinstance(outcome.result, OpenAddForm):
                groups, areas = ctx.actions.board_lists()
                client.views_open(
                    trigger_id=body["trigger_id"], view=action_modals.add_view(groups, areas)
                )
                return None
            SlackMessenger(client, ctx.actions.today).deliver(outcome.messages)
            return render(outcome.result, ctx.actions.today())

        answer(
            work, lambda message: respond(response_type="ephemeral", **message), f"/action {typed}"
        )

    register_command(app, "/action", action_command)
