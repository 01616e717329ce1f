"""Nobody silently dropped: when a reminder cannot reach someone (or a channel) for good, the
admins are told, once.

A failed reminder is recorded as failed and never tried again (bot/reminder_sweep.py). Each
sweep then looks in the reminder log for whoever was not reached lately and tells each admin
who has not yet been told: one occurrence key per admin, per person or channel, per reason,
claimed like any reminder's, so a notice goes out once even across restarts and two clocks.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.delivery import Place, Recipient, recipient_words
from bot.people import PersonRef, refs
from bot.results import Notice
from storage import reminder_store as store
from storage.action_queries import groups

KIND = "unreachable"
# Failures older than this are not news: an admin added later is not told about them.
LOOK_BACK = timedelta(days=7)


@dataclass(frozen=True)
class Unreached:
    recipient: Recipient
    reason: str

    def key_for(self, admin: PersonRef) -> str:
        who = f"p{self.recipient.id}" if isinstance(self.recipient, PersonRef) else "c"
        place = self.recipient.address if isinstance(self.recipient, Place) else ""
        digest = hashlib.sha256(f"{who}|{place}|{self.reason}".encode()).hexdigest()[:24]
        return f"{KIND}:{digest}:a{admin.id}"


@dataclass(frozen=True)
class AdminNotice:
    """What one admin has not been told yet."""

    admin: PersonRef
    unreached: tuple[Unreached, ...]
    place_names: dict[str, str]

    def claim_rows(self) -> list[dict]:
        return [
            {
                "key": item.key_for(self.admin),
                "kind": KIND,
                "recipient_id": self.admin.id,
                "place": None,
                "action_id": None,
            }
            for item in self.unreached
        ]

    def only(self, keys: set[str]) -> "AdminNotice":
        kept = tuple(item for item in self.unreached if item.key_for(self.admin) in keys)
        return AdminNotice(self.admin, kept, self.place_names)

    def names(self) -> list[str]:
        return [recipient_words(item.recipient, self.place_names) for item in self.unreached]

    def message(self) -> Notice:
        lines = [
            f"• {name}: {item.reason}"
            for name, item in zip(self.names(), self.unreached, strict=True)
        ]
        return Notice(
            "Reminders could not be delivered to:\n"
            + "\n".join(lines)
            + "\nThe bot will not keep trying these reminders. Once they can be reached again "
            "(for example, after adding the SEND bot app), new reminders will reach them."
        )


def pending_notices(
    session: Session,
    admins: list[PersonRef],
    wall_now: datetime,
    is_gone: store.IsGone,
    board: Place | None = None,
) -> list[AdminNotice]:
    """For each admin, whoever lately could not be reached that they have not been told of."""
    failures = store.failures_since(session, wall_now - LOOK_BACK, leaving_out=KIND)
    if not failures or not admins:
        return []
    people = refs(session, [person for person, _, _ in failures if person is not None])
    unreached = [
        Unreached(people[person] if person is not None else Place(place or ""), reason)
        for person, place, reason in failures
        if person in people or (person is None and place)
    ]
    keys = [item.key_for(admin) for item in unreached for admin in admins]
    told = store.settled_keys(session, keys, wall_now, is_gone)
    names = {
        g.channel_id: f"the Working group {g.number} channel"
        for g in groups(session)
        if g.channel_id
    }
    if board is not None:
        names[board.address] = "the board channel"
    notices = []
    for admin in admins:
        untold = tuple(item for item in unreached if item.key_for(admin) not in told)
        if untold:
            notices.append(AdminNotice(admin, untold, names))
    return notices
