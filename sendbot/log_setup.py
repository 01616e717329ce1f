"""Logging that can never print a secret, a reply address or a forged line, whatever a library
puts in a record or a traceback."""

import logging
import re

SECRET = re.compile(r"xox[abpre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")
# A response URL lets whoever holds it post into the conversation for half an hour: Slack's own
# (hooks.slack.com/commands/…, /actions/…) and any host's copy of that shape (the stand-in's).
REPLY_ADDRESS = re.compile(r"https?://[^\s'\"]*?/(?:commands|actions)/[^\s'\"]+")
# Characters that could end a log line or disguise one: controls, line and paragraph separators,
# and the bidirectional overrides that reorder what a reader of the log sees.
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Lines after the first of one record (a traceback) are indented, so no text inside one can
# pass for a record of its own, which always starts at the left edge.
CONTINUATION = "    | "


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted line, tracebacks included, not just the message; keeps each
    record's message on one line."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record.message = one_line(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        return _indented(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 (logging's name)
        return _indented(super().formatStack(stack_info))


def one_line(text: str) -> str:
    """Text as it may appear in a log line: every unsafe character written as an escape."""
    return UNSAFE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\u{ord(char):04x}")


def _indented(text: str) -> str:
    return "\n".join(CONTINUATION + one_line(line) for line in text.splitlines())


def redact(text: str, secrets: list[str]) -> str:
    text = SECRET.sub("[redacted]", text)
    text = REPLY_ADDRESS.sub("[redacted response URL]", text)
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
