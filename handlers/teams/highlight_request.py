"""The board-meeting request to a working group as card parts, with the Send highlight update
button that opens its dialog (handlers/teams/highlight_dialog.py)."""

from bot.highlight_updates import group_words, request_text
from bot.reminder_policy import Due
from handlers.teams.buttons import button_row
from handlers.teams.cards_kit import block, heading, inert, words

# The key of what the button carries: not the action buttons' key, so the action dialogs never
# see it (handlers/teams/buttons.py).
HIGHLIGHT = "sendbot_highlight"
APART = {"separator": True}  # set off from the reminders bundled above it


def request_blocks(item: Due) -> list[dict]:
    group, meeting = item.group, item.event
    named = group_words(group.number, group.name)
    said = request_text(meeting.title, meeting.date, group.lead, item.words)
    return [
        {
            **heading("Highlight update wanted for the board"),
            "separator": True,
        },
        block(f"**{inert(named)}**", spacing="None"),
        block(words(said)),
        button_row(highlight_button(meeting.id, group.number)),
    ]


def highlight_button(meeting_id: int, group_number: int) -> dict:
    data = {
        HIGHLIGHT: {"meeting": meeting_id, "wg": group_number},
        "msteams": {"type": "task/fetch"},
    }
    return {
        "type": "Action.Submit",
        "title": "Send highlight update",
        "data": data,
        "style": "positive",
    }
