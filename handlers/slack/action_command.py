"""`/action`: acknowledge at once, then answer through the response URL."""

from slack_bolt import App

from bot.delivery import tell_each
from bot.minutes_service import OpenMinutesForm
from bot.results import OpenAddForm
from handlers.slack import action_modals
from handlers.slack.context import BotContext
from handlers.slack.guard import answer
from handlers.slack.minutes_drafts import minutes_view
from handlers.slack.render_result import render
from handlers.slack.slash_command import register_command


def register(app: App, ctx: BotContext) -> None:
    def action_command(body, respond, client) -> None:
        typed = body.get("text", "")

        def work() -> dict | None:
            people = ctx.slack_people(client)
            outcome = ctx.actions.handle(
                people.actor(body["user_id"]), people.decode(typed, "/action")
            )
            if isinstance(outcome.result, OpenAddForm):
                groups, areas = ctx.actions.board_lists()
                client.views_open(
                    trigger_id=body["trigger_id"], view=action_modals.add_view(groups, areas)
                )
                return None
            if isinstance(outcome.result, OpenMinutesForm):
                client.views_open(trigger_id=body["trigger_id"], view=minutes_view({}))
                return None
            tell_each(ctx.delivery(client), outcome.messages)
            return render(outcome.result, ctx.actions.today())

        answer(
            work, lambda message: respond(response_type="ephemeral", **message), f"/action {typed}"
        )

    register_command(app, "/action", action_command)
