"""Buttons that open a form: what a pressed button carried, and the handler that opens the form
(or answers why it cannot) after the ack."""

import json
from collections.abc import Callable

from bot.people import Actor
from handlers.slack.context import BotContext
from handlers.slack.guard import answer
from handlers.slack.replies import reply_function

# What a pressed button opens: from what it carried, who pressed it and where to answer.
ViewMaker = Callable[[dict, Actor, dict], dict]


def button_value(body: dict) -> dict:
    """The JSON a pressed button carried; {} when it is missing or malformed, for the core to
    refuse as a button that no longer works."""
    try:
        value = json.loads(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def opens_form(ctx: BotContext, make_view: ViewMaker):
    """A lazy listener: open the form `make_view` makes, or say why it cannot."""

    def on_press(body, client) -> None:
        user_id = body["user"]["id"]
        reply = reply_function(client, user_id, body.get("response_url"))

        def work() -> None:
            origin = {"r": body.get("response_url")}
            view = make_view(button_value(body), ctx.actor(client, user_id), origin)
            client.views_open(trigger_id=body["trigger_id"], view=view)

        answer(work, reply)

    return on_press
