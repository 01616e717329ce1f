"""The core's answers as Adaptive Cards (1.5), which Teams shows in chats and channels.

Adaptive Cards render a TextBlock's text as a small subset of Markdown; people's words are put
in their own TextBlocks with markdown characters made inert, so no title or note can forge the
bot's layout (the same rule as Slack's, issue 10).
"""

import re
from datetime import date

from bot.dates import describe_due
from bot.message_text import Mention, Text, as_text
from bot.results import ActionCard, ActionDetail, ActionList, Help, Notice
from bot.typed_text import shown

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Characters Adaptive Cards' Markdown acts on; a backslash before each keeps it literal.
_MARKDOWN = re.compile(r"([\\*_~`#>\[\]()!-])")


def inert(value: str) -> str:
    """Text as typed, shown literally: one line, no markdown of its own."""
    return _MARKDOWN.sub(r"\\\1", " ".join(value.split()))


def words(value: str | Text) -> str:
    """The core's text: its own words, people shown by name (Teams mentions come later)."""
    return "".join(
        inert(shown(part)) if isinstance(part, str) else inert(part.person.shown)
        for part in as_text(value)
        if isinstance(part, str | Mention)
    )


def block(text: str, **style: object) -> dict:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def card(body: list[dict]) -> dict:
    return {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": "1.5", "body": body}


def attachment(content: dict) -> dict:
    return {"contentType": CARD_CONTENT_TYPE, "content": content}


def action_block(action: ActionCard, today: date) -> dict:
    due = f"due {action.due:%-d %b %Y}"
    if not action.status.is_complete:
        due += f" ({describe_due(action.due, today)})"
    return {
        "type": "Container",
        "separator": True,
        "items": [
            block(f"**{inert(action.ref)}** {inert(action.title)}"),
            block(
                f"{action.status.label} · {due} · WG{action.group_number} · "
                f"{inert(action.owner.shown)}",
                isSubtle=True,
                spacing="None",
            ),
        ],
    }


def render(result: object, today: date) -> dict | None:
    """The card for a result, or None for a result this door does not show yet."""
    match result:
        case Notice():
            body = [block(words(result.text))]
            if result.action is not None:
                body.append(action_block(result.action, today))
            return card(body)
        case ActionList():
            body = [block(inert(result.heading), weight="Bolder", size="Medium")]
            if not result.actions:
                body.append(block(inert(result.empty)))
            body.extend(action_block(a, today) for a in result.actions)
            if result.see_all:
                body.append(block(words(result.see_all), isSubtle=True))
            return card(body)
        case ActionDetail():
            body = [action_block(result.action, today)]
            body.extend(
                block(f"{line.on:%-d %b %Y}: {inert(line.summary)}", isSubtle=True)
                for line in result.history
            )
            return card(body)
        case Help():
            facts = [
                {"title": inert(usage), "value": inert(f"e.g. {example}")}
                for usage, example in result.lines
            ]
            return card(
                [block(inert(result.title), weight="Bolder"), {"type": "FactSet", "facts": facts}]
            )
    return None
