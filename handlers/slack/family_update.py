"""The family-friendly update on Slack: the draft's files to the asker with an Approve button,
and what approval shares (the files, posted to the board channel)."""

import json
from collections.abc import Callable

from slack_bolt import App
from slack_sdk import WebClient

from bot.errors import UserError
from bot.family_requests import SHARE_IT, SHARED, FamilyApproved, FamilyDraftReply
from bot.people import Actor
from handlers.slack.context import BotContext
from handlers.slack.form_buttons import button_value
from handlers.slack.guard import answer
from handlers.slack.render import message, mrkdwn, section
from handlers.slack.replies import reply_function
from handlers.slack.slash_command import ack_now

APPROVE = "family_update_approve"


def register(app: App, ctx: BotContext) -> None:
    app.action(APPROVE)(ack=ack_now, lazy=[_approve(ctx)])


def carry_out(
    ctx: BotContext,
    client: WebClient,
    actor: Actor,
    result: FamilyDraftReply | FamilyApproved,
    say: Callable[[dict], None],
) -> None:
    """Say what the result holds and send its files: a draft's to the asker once they have been
    told they are coming, an approved one's to the board channel before saying it is shared."""
    delivery = ctx.delivery(client)
    if isinstance(result, FamilyDraftReply):
        say(_draft_message(result))
        for file in result.files:
            delivery.file(actor.person, file)
        return
    shared = "" if result.already else SHARE_IT
    if result.share_to is not None:
        for file in result.files:
            delivery.file(result.share_to, file)
        shared = SHARED
    said = mrkdwn(f"{result.note} {shared}".strip())
    say(message(said, [section(said)]))


def _draft_message(result: FamilyDraftReply) -> dict:
    said = mrkdwn(f"{result.note} Its files are on their way to you in a direct message.")
    button = {
        "type": "button",
        "action_id": APPROVE,
        "text": {"type": "plain_text", "text": f"Approve draft {result.draft.number}"},
        "style": "primary",
        "value": json.dumps({"ref": str(result.draft.number)}),
    }
    return message(said, [section(said), {"type": "actions", "elements": [button]}])


def _approve(ctx: BotContext):
    def on_press(body, client) -> None:
        user_id = body["user"]["id"]
        reply = reply_function(client, user_id, body.get("response_url"))
        number = button_value(body).get("ref")

        def work() -> None:
            if not isinstance(number, str) or not number.isdigit():
                raise UserError("That button no longer works. Type /summary family-update.")
            actor = ctx.actor(client, user_id)
            result = ctx.summaries.handle(actor, f"family-update approve {number}").result
            carry_out(ctx, client, actor, result, reply)

        answer(work, reply)

    return on_press
