"""App Home: the person's own open actions, with the same buttons as everywhere else."""

import logging

from slack_bolt import App

from bot import action_commands as cmd
from bot.people import Actor
from handlers.slack.context import BotContext
from handlers.slack.guard import guarded
from handlers.slack.render import context
from handlers.slack.render_result import render

log = logging.getLogger(__name__)
MAX_HOME_BLOCKS = 100


def register(app: App, ctx: BotContext) -> None:
    @app.event("app_home_opened")
    def home_opened(event, client) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(ctx, client, event["user"])


def publish_home(ctx: BotContext, client, user_id: str) -> None:
    """Publish (or refresh) the person's Home tab; a failure is logged, never raised."""
    view = guarded(lambda: home_view(ctx, ctx.actor(client, user_id)))
    if view is None or view.get("type") != "home":
        return
    try:
        client.views_publish(user_id=user_id, view=view)
    except Exception:
        log.exception("could not publish App Home")


def home_view(ctx: BotContext, actor: Actor) -> dict:
    """Your actions with their buttons, your risks, the next deadlines; admins see the board."""
    today = ctx.actions.today()
    mine = ctx.actions.execute(actor, cmd.Mine()).result
    sections = [
        render(mine, today)["blocks"],
        render(ctx.risks.owned_by(actor), today)["blocks"],
        render(ctx.deadlines.upcoming(limit=5), today)["blocks"],
    ]
    if actor.is_admin:
        sections.append(render(ctx.summaries.overview(), today)["blocks"])
    blocks: list[dict] = []
    for part in sections:
        if blocks:
            blocks.append({"type": "divider"})
        blocks += part
    tail = context("Type `/action help`, `/risk help` or `/summary` in any channel for more.")
    return {"type": "home", "blocks": [*blocks[: MAX_HOME_BLOCKS - 1], tail]}
