"""The one door the core uses to tell people things, whatever chat platform is behind it."""

from typing import Protocol

from bot.results import DirectMessage


class Messenger(Protocol):
    def send_to_user(self, message: DirectMessage) -> None: ...
