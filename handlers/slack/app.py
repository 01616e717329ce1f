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
    date_request_buttons,
    deadline_command,
    family_update,
    highlight_form,
    home,
    minutes_form,
    redate_buttons,
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
    if _retry_number(request) > 0 and request.body.get("type") == "event_callback":
        return BoltResponse(status=200, body="")
    return next()


def _retry_number(request: BoltRequest) -> int:
    # Over Socket Mode every delivery carries retry_attempt, first ones 0, and Bolt turns it into
    # the header x-slack-retry-num: "0" is a first delivery, not a retry.
    values = request.headers.get("x-slack-retry-num") or []
    try:
        return int(values[0])
    except (IndexError, ValueError):
        return 0


def build_app(ctx: BotContext, client: WebClient | None = None) -> App:
    template = client or web_client(ctx.bot_token, ctx.api_url)
    app = App(
        # Handed a client, Bolt also reads SLACK_BOT_TOKEN from the environment and warns on
        # every start that it is unused; so it gets the token, and its own client is tuned below.
        token=template.token,
        signing_secret=ctx.signing_secret or "socket-mode-needs-no-signing-secret",
        # The token is checked by the first real call; a slow Slack must not stop start-up.
        token_verification_enabled=False,
        # Over HTTP the door (http_door.py) checks the signature before anything reads the body;
        # Bolt's own check would only repeat it, and log the whole body when it fails.
        request_verification_enabled=False,
        # Listeners run before the HTTP answer; slash commands and buttons ack at once and do
        # their work lazily after the ack (slash_command.py, action_buttons.py); forms are
        # quick and answer in time.
        process_before_response=True,
    )
    # Each request's client copies these from app.client (Bolt's per-request WebClient).
    app.client.base_url = template.base_url
    app.client.timeout = template.timeout
    app.client.retry_handlers = template.retry_handlers
    app.middleware(ignore_event_retries)
    action_command.register(app, ctx)
    action_buttons.register(app, ctx)
    minutes_form.register(app, ctx)
    date_request_buttons.register(app, ctx)
    redate_buttons.register(app, ctx)
    family_update.register(app, ctx)
    deadline_command.register(app, ctx)
    highlight_form.register(app, ctx)
    risk_command.register(app, ctx)
    summary_command.register(app, ctx)
    home.register(app, ctx)
    return app
