"""Files on Teams: a picture is shown inline; any other file is offered with a file consent card.

A bot can send a file only in a personal chat, and only once the person accepts it: Teams then
gives an upload URL in their OneDrive (handlers.teams.file_consent). The card keeps no bytes,
only what it takes to make the file again for the person it was offered to (the command), to
answer it once (an id) and to let it run out (a time).
"""

import time
import uuid
from dataclasses import dataclass

from bot.delivery import DeliveryError, OutgoingFile, Place, Recipient
from handlers.teams.cards_chart import is_picture

CONSENT_CONTENT_TYPE = "application/vnd.microsoft.teams.card.file.consent"
INFO_CONTENT_TYPE = "application/vnd.microsoft.teams.card.file.info"
# Long enough for a busy officer to come back to the chat; the file is made afresh on accept.
OFFER_SECONDS = 24 * 60 * 60
PERSONAL_ONLY = "Teams lets a bot send a file only to one person, in their personal chat"


@dataclass(frozen=True)
class Offer:
    id: str
    asker: int  # the person's id: only they may accept it
    name: str  # the file's name, to speak of it
    command: str  # what makes the file again for them, e.g. "summary export xlsx"
    until: int  # seconds since the epoch

    @classmethod
    def new(cls, asker: int, name: str, command: str) -> "Offer":
        return cls(uuid.uuid4().hex, asker, name, command, int(time.time()) + OFFER_SECONDS)

    def context(self) -> dict:
        return {
            "offer": self.id,
            "asker": self.asker,
            "name": self.name,
            "command": self.command,
            "until": self.until,
        }

    @classmethod
    def read(cls, context: object) -> "Offer | None":
        """The offer a consent card's answer carries back, or None when it is not one of ours."""
        if not isinstance(context, dict):
            return None
        fields = {"offer": str, "asker": int, "name": str, "command": str, "until": int}
        if any(type(context.get(key)) is not kind for key, kind in fields.items()):
            return None
        return cls(*(context[key] for key in fields))

    @property
    def expired(self) -> bool:
        return time.time() > self.until


@dataclass(frozen=True)
class OfferedFile:
    """A file offered to a person with a file consent card."""

    file: OutgoingFile
    offer: Offer


def on_teams(file: OutgoingFile, to: Recipient) -> OutgoingFile | OfferedFile:
    """What Teams is sent for a file: a picture as it is, to be shown inline; anything else
    offered to the person it is for."""
    if is_picture(file):
        return file
    if isinstance(to, Place):
        raise DeliveryError(PERSONAL_ONLY, permanent=True)
    if file.remake is None:
        raise DeliveryError(f"{PERSONAL_ONLY}, made again when they accept it", permanent=True)
    return OfferedFile(file, Offer.new(to.id, file.filename, file.remake))


def consent_card(offered: OfferedFile) -> dict:
    """The FileConsentCard attachment: its name names the file; accepting or declining sends the
    same context back."""
    context = offered.offer.context()
    return {
        "contentType": CONSENT_CONTENT_TYPE,
        "name": offered.file.filename,
        "content": {
            "description": offered.file.comment or offered.file.title,
            "sizeInBytes": len(offered.file.content),
            "acceptContext": context,
            "declineContext": context,
        },
    }


def file_info_card(upload_info: dict) -> dict:
    """The FileInfoCard attachment for a file saved where Teams said: open, preview, download."""
    return {
        "contentType": INFO_CONTENT_TYPE,
        "contentUrl": upload_info["contentUrl"],
        "name": upload_info["name"],
        "content": {"uniqueId": upload_info["uniqueId"], "fileType": upload_info["fileType"]},
    }
