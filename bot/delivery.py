"""The one way out: how the core hands a message or a file to a door to deliver.

Commands, buttons, the clock and the CLI all deliver through this port. Each door implements it
for its platform: it renders the core's plain result and sends it to the person's account on that
platform, or to a place (a channel) by its address.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from bot.people import PersonRef
from bot.results import DirectMessage, Notice

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Place:
    """A channel: a working group's or the board's. Its address belongs to the platform that
    owns it; the core only stores it and hands it back to the door that delivers there."""

    address: str


Recipient = PersonRef | Place


@dataclass(frozen=True)
class OutgoingFile:
    filename: str
    title: str
    content: bytes
    comment: str | None = None
    # A picture in words, for those who cannot see it.
    alt_text: str | None = None
    # A picture drawn again within so many pixels each side: a chat that shows pictures
    # inline takes a smaller one than Slack's (Teams, at most 1024).
    redraw: Callable[[int], bytes] | None = field(default=None, compare=False, repr=False)
    # The command that makes this file again for the person it is for (`summary export
    # xlsx`): a door that sends a file only once the person accepts it (Teams) keeps this
    # rather than the bytes, and makes the file afresh, checking their permission again.
    remake: str | None = None


class DeliveryError(Exception):
    """The platform would not take the message; `permanent` when trying again will not help."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Delivery(Protocol):
    def to_person(self, person: PersonRef, content: object) -> None:
        """Send one core result to the person, privately, as one message."""

    def to_place(self, place: Place, content: object) -> None:
        """Post one core result to a channel for everyone there."""

    def file(self, to: Recipient, file: OutgoingFile) -> None:
        """Send a file (the export, the chart) to a person or a place."""


def deliver(delivery: Delivery, to: Recipient, content: object) -> None:
    if isinstance(to, Place):
        delivery.to_place(to, content)
    else:
        delivery.to_person(to, content)


def recipient_words(to: Recipient, place_names: dict[str, str] | None = None) -> str:
    """Who or where, for logs and reports: a person's name, or a channel's name or address."""
    if isinstance(to, Place):
        return (place_names or {}).get(to.address) or f"channel {to.address}"
    return to.shown


def tell_each(delivery: Delivery, messages: Iterable[DirectMessage]) -> None:
    """Tell each person (a new owner, say); one failure never stops the others."""
    for message in messages:
        try:
            delivery.to_person(message.person, Notice(message.text, message.action))
        except DeliveryError as error:
            log.warning("could not send a direct message: %s", error.reason)
