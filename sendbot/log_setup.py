"""Logging that can never print a secret, whatever a library puts in a record or a traceback."""

import logging
import re

SECRET = re.compile(r"xox[abpre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted line, tracebacks included, not just the message."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: list[str]) -> str:
    text = SECRET.sub("[redacted]", text)
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text


def configure_logging(secrets: list[str | None], level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s", [s for s in secrets if s]
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic narrates its plugin set-up at INFO on import; operators need none of it.
    logging.getLogger("alembic").setLevel(logging.WARNING)
