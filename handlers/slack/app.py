"""Wire the Bolt app: one `register` per listener module, nothing else."""

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from handlers.slack import (
    action_buttons,
    action_command,
    deadline_command,
    home,
    risk_command,
    summary_command,
)
from handlers.slack.context import BotContext


def web_client(token: str, api_url: str) -> WebClient:
    """A Web API client that waits out 429s (Retry-After) and retries dropped connections."""
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def ignore_event_retries(request: BoltRequest, next):
    """Slack retries an event it thinks we missed; we answered the first, so do nothing twice."""
    retried = request.headers.get("x-slack-retry-num")
    if retried and request.body.get("type") == "event_callback":
        return BoltResponse(status=200, body="")
    return next()


def build_app(ctx: BotContext, client: WebClient | None = None) -> App:
    app = App(
        client=client or web_client(ctx.bot_token, ctx.api_url),
        signing_secret=ctx.signing_secret or "socket-mode-needs-no-signing-secret",
        # The token is checked by the first real call; a slow Slack must not stop start-up.
        token_verification_enabled=False,
        # Listeners run before the HTTP answer; slash commands do their work lazily after the
        # ack (handlers/slash_command.py), buttons and forms are quick and answer in time.
        process_before_response=True,
    )
    app.middleware(ignore_event_retries)
    action_command.register(app, ctx)
    action_buttons.register(app, ctx)
    deadline_command.register(app, ctx)
    risk_command.register(app, ctx)
    summary_command.register(app, ctx)
    home.register(app, ctx)
    return app
