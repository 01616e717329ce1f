"""Remember which signed requests were acted on, so that a replayed copy does nothing twice."""

import logging
import time

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, OperationalError

from storage.database import Database
from storage.models import SeenRequest

log = logging.getLogger(__name__)

# Longer than any door's freshness window (Slack's is five minutes either way), so a request is
# remembered for as long as a copy of it could still pass the signature check.
REMEMBER_SECONDS = 15 * 60
# Forgetting is a range delete; once a minute per process keeps it off the path of most requests.
PRUNE_EVERY_SECONDS = 60


class SeenRequests:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pruned_at = 0.0

    def first_sighting(self, key: str, sent_at: int) -> bool:
        """True the first time a request is seen, by any process; False for every copy after.

        With the database unreachable the request goes on: it will be told so itself, and
        nothing can be written twice to a database that cannot be written at all.
        """
        try:
            self._prune()
            with self.db.session() as session:
                session.add(SeenRequest(key=key, sent_at=sent_at))
        except IntegrityError:
            return False
        except OperationalError:
            log.warning("could not record a request against replays: the database is unreachable")
        return True

    def _prune(self) -> None:
        now = time.time()
        if now - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = now
        with self.db.session() as session:
            session.execute(
                delete(SeenRequest).where(SeenRequest.sent_at < int(now) - REMEMBER_SECONDS)
            )
