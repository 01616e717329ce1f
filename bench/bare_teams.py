"""The baseline server of the Teams answer benchmark: a bare app built on Microsoft's Teams SDK
(`microsoft_teams.apps.App`) that answers every message "ok" (threaded under it), served exactly
as `sendbot serve` serves Teams (sendbot.serve_teams.run_uvicorn: the same uvicorn, protocol and
limits).

It does the same work the bot does around its answer: the SDK's own token validation, against the
keys TEAMS_OPENID_URL names; the reply posted to the activity's service URL with the bot's own
access token, fetched from TEAMS_AUTHORITY_URL by the bot's BotToken (the SDK's MSAL route accepts
only Microsoft's authorities, so it could not reach a stand-in). Settings are the bot's TEAMS_*,
PORT and HOST.

    .venv/bin/python bench/bare_teams.py
"""

import asyncio

from fastapi import FastAPI
from microsoft_teams.api import MessageActivity, MessageActivityInput
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
from microsoft_teams.apps import ActivityContext, App

from handlers.teams.connector import BotToken
from sendbot.log_setup import configure_logging
from sendbot.serve_teams import run_uvicorn
from sendbot.settings import TeamsSettings, load_settings


def build(teams: TeamsSettings) -> App:
    bot_token = BotToken(teams)
    app = App(
        client_id=teams.app_id,
        tenant_id=teams.tenant_id,
        token=lambda scope, tenant=None: bot_token(),
        cloud=with_overrides(PUBLIC, openid_metadata_url=teams.openid_url),
    )

    @app.on_message
    async def answer(ctx: ActivityContext[MessageActivity]) -> None:
        # Threaded under the message, as the bot's reply is (and as the benchmark matches them).
        reply = MessageActivityInput(text="ok")
        reply.reply_to_id = ctx.activity.id
        await ctx.send(reply)

    return app


def asgi(app: App) -> FastAPI:
    """The SDK's own FastAPI application, its messaging route registered, plus a /healthz with
    no database to ask."""
    asyncio.run(app.initialize())  # registers POST /api/messages and the token validator
    fastapi = app.server.adapter.app

    @fastapi.get("/healthz")
    async def health() -> dict:
        return {"ok": True}

    return fastapi


def main() -> None:
    settings = load_settings(env_file=None)
    assert settings.teams is not None, "the TEAMS_* settings are needed"
    configure_logging([settings.teams.app_password])
    run_uvicorn(asgi(build(settings.teams)), settings.host, settings.port)


if __name__ == "__main__":
    main()
