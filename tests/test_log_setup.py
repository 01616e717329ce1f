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


def test_a_response_url_is_redacted_wherever_a_library_logs_it():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(message)s", []))
    log = logging.getLogger("test.reply_address")
    log.addHandler(handler)
    try:
        # slack_sdk's webhook client logs this at INFO when it retries an answer.
        log.warning(
            "Going to retry the same request: POST https://hooks.slack.com/commands/T1/22/aBc"
        )
        log.warning("posted to https://hooks.slack.com/actions/T1/22/xYz.")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert "aBc" not in output and "xYz" not in output
    assert output.count("[redacted response URL]") == 2


def test_a_record_is_one_line_and_its_traceback_cannot_pass_for_another_record():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(message)s", []))
    log = logging.getLogger("test.one_line")
    log.addHandler(handler)
    try:
        log.warning("typed: %s", "a\nERROR forged\r\u202eoops\x00")
        try:
            raise ValueError("bad value\nERROR forged in a traceback")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "WARNING typed: a\\nERROR forged\\r\\u202eoops\\u0000"
    assert lines[1] == "ERROR failed"
    assert all(line.startswith("    | ") for line in lines[2:])
    assert "    | ERROR forged in a traceback" in lines
