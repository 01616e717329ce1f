"""The board-meeting request to a working group, with its Send highlight update button (the
form it opens is handlers/slack/highlight_form.py)."""

import json

from bot.highlight_updates import group_words, request_text
from bot.reminder_policy import Due
from handlers.slack.render import escape, header, mrkdwn, section

BUTTON = "highlight_send"


def request_blocks(item: Due) -> list[dict]:
    """The request to a working group before a board meeting, with the button that opens the
    form."""
    group, meeting = item.group, item.event
    named = group_words(group.number, group.name)
    words = request_text(meeting.title, meeting.date, group.lead, item.words)
    value = json.dumps({"meeting": meeting.id, "wg": group.number})
    button = {
        "type": "button",
        "action_id": BUTTON,
        "text": {"type": "plain_text", "text": "Send highlight update"},
        "value": value,
        "style": "primary",
    }
    return [
        header("Highlight update wanted for the board"),
        section(f"*{escape(named)}*\n{mrkdwn(words)}"),
        {
            "type": "actions",
            "block_id": f"highlight:{meeting.id}:{group.number}",
            "elements": [button],
        },
    ]
