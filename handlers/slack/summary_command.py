"""`/summary`: the chair's view of the plan, privately or (`here`, admins) to the channel."""

from slack_bolt import App

from bot.delivery import Place
from bot.family_requests import FamilyApproved, FamilyDraftReply
from bot.summary_service import FileReply, ToChannel
from handlers.slack.context import BotContext
from handlers.slack.family_update import carry_out
from handlers.slack.guard import answer
from handlers.slack.render import message, mrkdwn, section
from handlers.slack.render_result import render
from handlers.slack.slash_command import register_command


def register(app: App, ctx: BotContext) -> None:
    def summary_command(body, respond, client) -> None:
        typed = body.get("text", "")

        def say_privately(said: dict) -> None:
            respond(response_type="ephemeral", **said)

        def work() -> dict | None:
            people = ctx.slack_people(client)
            actor = people.actor(body["user_id"])
            result = ctx.summaries.handle(actor, people.decode(typed, "/summary")).result
            today = ctx.summaries.today()
            match result:
                case ToChannel():
                    respond(response_type="in_channel", **render(result.result, today))
                    return None
                case FamilyDraftReply() | FamilyApproved():
                    carry_out(ctx, client, actor, result, say_privately)
                    return None
                case FileReply():
                    where = Place(body["channel_id"]) if result.to_channel else actor.person
                    ctx.delivery(client).file(where, result.file)
                    said = mrkdwn(result.notice)  # it names working groups from the board file
                    return message(said, [section(said)])
            return render(result, today)

        answer(work, lambda m: respond(response_type="ephemeral", **m), f"/summary {typed}")

    register_command(app, "/summary", summary_command)
