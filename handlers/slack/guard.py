"""Turn every failure into a plain answer: a reason, a database notice or an apology with an id."""

import logging
import uuid
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.errors import UserError
from handlers.slack.people import as_typed
from handlers.slack.render import render_apology, render_unreachable_database, render_user_error

log = logging.getLogger(__name__)


def answer(
    work: Callable[[], dict | None], reply: Callable[[dict], None], typed: str | None = None
) -> None:
    """Run `work`; reply with its message, or with why it could not be done."""
    reply_body = guarded(work, as_typed(typed) if typed else None)
    if reply_body is None:
        return
    try:
        reply(reply_body)
    except Exception:
        log.exception("could not deliver a reply")


def guarded(work: Callable[[], dict | None], typed: str | None = None) -> dict | None:
    try:
        return work()
    except UserError as error:
        return render_user_error(error)
    except (OperationalError, DBAPIError) as error:
        if _is_connection_error(error):
            log.error("database unreachable: %s", type(error.orig).__name__)
            return render_unreachable_database()
        return render_apology(log_failure(), typed)
    except Exception:
        return render_apology(log_failure(), typed)


def log_failure() -> str:
    """Log the current exception under a short id the user can quote."""
    error_id = uuid.uuid4().hex[:8]
    log.exception("unexpected error %s", error_id)
    return error_id


def _is_connection_error(error: DBAPIError) -> bool:
    return bool(error.connection_invalidated) or isinstance(error, OperationalError)
