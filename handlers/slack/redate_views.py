"""A re-date awaiting DfE/NHS England, as Slack shows it: with a button to record approval."""

import json

from bot.redate_approval import AwaitingNotice
from handlers.slack.render import message, mrkdwn, section

APPROVED = "redate_dfe_approved"
BUTTON_TEXT = "DfE/NHS England approved it"


def awaiting_message(result: AwaitingNotice) -> dict:
    button = {
        "type": "button",
        "action_id": APPROVED,
        "text": {"type": "plain_text", "text": BUTTON_TEXT},
        "style": "primary",
        "value": json.dumps({"ref": result.ref}),
    }
    actions = {"type": "actions", "block_id": f"dfe:{result.ref}", "elements": [button]}
    return message(mrkdwn(result.text), [section(mrkdwn(result.text)), actions])
