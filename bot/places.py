"""How to reach channels: what a door keeps, beside a channel's address, to post there later.

As with people's reach (bot/people.py), the core only stores the door's words and hands them
back; it never reads them.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from storage.database import Database
from storage.models import PlaceReach


class Places:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or Clock()

    def keep_reach(self, platform: str, address: str, reach: str) -> None:
        """Remember how to post to the channel at `address`; written only when it changes."""
        now = self.clock.now()
        try:
            with self.db.session() as session:
                known = session.get(PlaceReach, (platform, address))
                if known is None:
                    session.add(
                        PlaceReach(platform=platform, address=address, reach=reach, seen_at=now)
                    )
                elif known.reach != reach:
                    known.reach, known.seen_at = reach, now
        except IntegrityError:
            # Two activities from a new channel at once: the other one kept it.
            return

    def reach(self, platform: str, address: str) -> str | None:
        with self.db.session() as session:
            return session.scalar(
                select(PlaceReach.reach).where(
                    PlaceReach.platform == platform, PlaceReach.address == address
                )
            )
