"""`/deadline`: acknowledge at once, then answer through the response URL."""

from slack_bolt import App

from handlers.slack.context import BotContext
from handlers.slack.guard import answer
from handlers.slack.render_result import render
from handlers.slack.slash_command import register_command


def register(app: App, ctx: BotContext) -> None:
    def deadline_command(body, respond, client) -> None:
        typed = body.get("text", "")

        def work() -> dict:
            people = ctx.slack_people(client)
            outcome = ctx.deadlines.handle(
                people.actor(body["user_id"]), people.decode(typed, "/deadline")
            )
            return render(outcome.result, ctx.deadlines.today())

        answer(work, lambda m: respond(response_type="ephemeral", **m), f"/deadline {typed}")

    register_command(app, "/deadline", deadline_command)
