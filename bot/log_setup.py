"""Logging that can never print a secret, whatever a library puts in a record."""

import logging
import re

SECRET = re.compile(r"xox[abpre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")


class RedactSecrets(logging.Filter):
    def __init__(self, extra_secrets: list[str]) -> None:
        super().__init__()
        self.extra = [s for s in extra_secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = SECRET.sub("[redacted]", message)
        for secret in self.extra:
            cleaned = cleaned.replace(secret, "[redacted]")
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def configure_logging(secrets: list[str], level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic narrates its plugin set-up at INFO on import; operators need none of it.
    logging.getLogger("alembic").setLevel(logging.WARNING)
