"""Slash commands are acknowledged on the request thread at once; the work runs after the ack
and answers through the response URL, so a busy bot never keeps Slack waiting."""

from collections.abc import Callable

from slack_bolt import App


def ack_now(ack) -> None:
    ack()


def register_command(app: App, name: str, answer: Callable) -> None:
    """`answer(body, respond, client)` runs lazily, after Slack has had its 200."""
    app.command(name)(ack=ack_now, lazy=[answer])
