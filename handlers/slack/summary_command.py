"""`/summary`: the chair's view of the plan, privately or (`here`, admins) to the channel."""

from slack_bolt import App

from bot.results import Help
from bot.summary_service import USAGE, SummaryRequest, parse
from handlers.slack.context import BotContext
from handlers.slack.guard import answer
from handlers.slack.render import message, render_help, section
from handlers.slack.render_summary import render_overview, render_risk_summary, render_visit
from handlers.slack.slash_command import register_command
from handlers.slack.summary_files import upload_chart, upload_export


def register(app: App, ctx: BotContext) -> None:
    def summary_command(body, respond, client) -> None:
        typed = body.get("text", "")
        user_id = body["user_id"]

        def work() -> dict | None:
            request = parse(typed, user_id in ctx.actions.admins)
            reply = _answer(ctx, client, request, user_id, body.get("channel_id"))
            if request.here and reply is not None and request.kind not in ("export", "chart"):
                respond(response_type="in_channel", **reply)
                return None
            return reply

        answer(work, lambda m: respond(response_type="ephemeral", **m), f"/summary {typed}")

    register_command(app, "/summary", summary_command)


def _answer(ctx: BotContext, client, request: SummaryRequest, user_id: str, channel_id):
    summaries = ctx.summaries
    if request.kind == "help":
        return render_help(Help("/summary — where the plan stands", tuple(USAGE.values())))
    if request.kind in ("overview", "wg"):
        return render_overview(summaries.overview(request.group))
    if request.kind == "risks":
        return render_risk_summary(summaries.risk_summary())
    if request.kind == "visit":
        return render_visit(summaries.visit_readiness())
    target = channel_id if request.here else _direct_channel(client, user_id)
    if request.kind == "chart":
        upload_chart(client, target, summaries.overview())
        where = "to this channel" if request.here else "to you in a direct message"
        return _notice(f"The chart is on its way {where}.")
    upload_export(
        client,
        target,
        ctx.db,
        summaries.today(),
        ctx.settings.timezone,
        summaries.board.risk_bands,
        request.file_format,
    )
    where = "to this channel" if request.here else "to you in a direct message"
    return _notice(f"The export is on its way {where}.")


def _notice(text: str) -> dict:
    return message(text, [section(text)])


def _direct_channel(client, user_id: str) -> str:
    return client.conversations_open(users=user_id)["channel"]["id"]
