"""Tokens and the signing secret never reach a log line, tracebacks included (SPEC §8)."""

import io
import logging

from sendbot.log_setup import RedactingFormatter


def test_secrets_are_redacted_from_messages_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(message)s", ["my-signing-secret"]))
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    try:
        log.error("token xoxb-123-456-abc and secret my-signing-secret")
        try:
            raise RuntimeError("failed with xapp-1-A0-secret and my-signing-secret")
        except RuntimeError:
            log.exception("boom")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert "xoxb-123" not in output and "xapp-1" not in output
    assert "my-signing-secret" not in output
    assert "RuntimeError: failed with [redacted] and [redacted]" in output
