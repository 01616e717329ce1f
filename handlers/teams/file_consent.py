"""A person's answer to a file consent card (invoke `fileConsent/invoke`).

On accept the file is made afresh for the person it was offered to, with their permission checked
again, saved where Teams said, and shown with a file info card; on decline nothing is made. The
consent card is then replaced by what happened, so it cannot be answered twice; an offer answered
already, run out, or not theirs does no harm and says so.
"""

import asyncio
import logging
from dataclasses import dataclass

import httpx

from bot.delivery import OutgoingFile
from bot.errors import UserError
from bot.results import Outcome
from bot.summary_service import FileReply
from handlers.teams.cards import block, card, inert
from handlers.teams.connector import Connector
from handlers.teams.file_upload import upload, upload_info
from handlers.teams.files import Offer, file_info_card
from handlers.teams.messages import (
    Answer,
    TeamsMessages,
    answer_safely,
    typed_command,
    user_error_card,
)
from storage.seen_requests import SeenRequests

log = logging.getLogger(__name__)
OFFER_KEY = "teams-file-offer:"


def said(text: str) -> dict:
    return card([block(inert(text))])


NOT_AN_OFFER = said(
    "I could not read that file offer, so nothing was sent. Type summary export to ask again."
)


@dataclass(frozen=True)
class Settled:
    card: dict
    # True when the offer is settled and its consent card gives way to this card; else this
    # card is said beneath it.
    in_place: bool
    offer: Offer | None = None
    file: OutgoingFile | None = None  # to save, when accepted


class FileConsent:
    def __init__(self, messages: TeamsMessages, seen: SeenRequests, connector: Connector) -> None:
        self.messages = messages
        self.seen = seen
        self.connector = connector

    async def answer(self, activity: dict) -> None:
        value = activity.get("value") if isinstance(activity.get("value"), dict) else {}
        settled = await asyncio.to_thread(answer_safely, lambda: self._settle(activity, value))
        if isinstance(settled, Answer):  # the database is down, or something unexpected
            settled = Settled(settled.card, in_place=False)
        if settled.file is not None:
            settled = await self._save(activity, value, settled)
        await self._say(activity, settled)

    def _settle(self, activity: dict, value: dict) -> Settled:
        offer = Offer.read(value.get("context"))
        typed = typed_command(offer.command) if offer else None
        if offer is None or typed is None or typed.command not in self.messages.services:
            return Settled(NOT_AN_OFFER, in_place=False)
        if offer.expired:
            return Settled(
                said(
                    f"This offer of {offer.name} has run out (offers last a day), so nothing was "
                    f"saved. Type {offer.command} for an up-to-date copy."
                ),
                in_place=True,
            )
        actor = self.messages.people.actor(activity)
        if actor.person_id != offer.asker:
            return Settled(
                said(
                    "This file was offered to someone else, so I have not sent it. "
                    f"Type {offer.command} to ask for your own."
                ),
                in_place=False,
            )
        # Remembered until the offer runs out: a second answer within its life finds it here.
        if not self.seen.first_sighting(OFFER_KEY + offer.id, offer.until):
            return Settled(
                said(
                    f"You have already answered this offer of {offer.name}, so nothing more "
                    f"was sent. Type {offer.command} for a new copy."
                ),
                in_place=False,
            )
        if value.get("action") != "accept":
            return Settled(
                said(
                    f"You declined {offer.name}, so nothing was saved. "
                    f"Type {offer.command} whenever you want it."
                ),
                in_place=True,
            )
        try:
            outcome = self.messages.services[typed.command].handle(actor, typed.rest)
        except UserError as error:  # no longer allowed: the core says why, and sends nothing
            return Settled(user_error_card(error), in_place=True)
        result = outcome.result if isinstance(outcome, Outcome) else outcome
        if not isinstance(result, FileReply):
            raise TypeError(f"{offer.command} made no file")
        saved = said(f"Saved to your OneDrive: {offer.name}. Open it from the file card below.")
        return Settled(saved, in_place=True, offer=offer, file=result.file)

    async def _save(self, activity: dict, value: dict, settled: Settled) -> Settled:
        """Upload the file where Teams said, then show it with a file info card."""
        assert settled.file is not None and settled.offer is not None
        info = upload_info(value)
        try:
            if info is None:
                raise httpx.InvalidURL("the accepted file consent gave no upload URL")
            await upload(info["uploadUrl"], settled.file.content)
        except httpx.HTTPError as error:
            log.warning("could not save a file to a OneDrive on Teams (%s)", type(error).__name__)
            offer = settled.offer
            return Settled(
                said(
                    f"I could not save {offer.name} to your OneDrive just now, so nothing was "
                    f"sent. Type {offer.command} to try again."
                ),
                in_place=True,
            )
        chat = activity["conversation"]["id"]
        await self.connector.send(activity["serviceUrl"], chat, file_info_card(info))
        return settled

    async def _say(self, activity: dict, settled: Settled) -> None:
        consent_card_id = activity.get("replyToId")
        if settled.in_place and consent_card_id:
            try:
                await self.connector.update(activity, settled.card, consent_card_id)
                return
            except httpx.HTTPStatusError as error:
                # The consent card is gone (deleted, or too old to edit): say it beneath.
                log.info("could not replace a file consent card (%s)", error.response.status_code)
        chat = activity["conversation"]["id"]
        await self.connector.send(activity["serviceUrl"], chat, settled.card)
