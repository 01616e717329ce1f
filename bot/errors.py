"""Errors the core raises with a message a user can act on."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # messages name people, and people refuse with errors: types only, no cycle
    from bot.message_text import Text


class UserError(Exception):
    """Bad input or a refusal: the reason is one plain-English line; nothing was written.

    `echo` carries long text the person typed, handed back so that nothing they wrote is lost.
    `field` names the form field the reason is about, so a modal can show it inline.
    """

    def __init__(
        self,
        reason: "str | Text",
        usage: str | None = None,
        echo: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(reason if isinstance(reason, str) else "".join(map(str, reason)))
        self.reason = reason
        self.usage = usage
        self.echo = echo
        self.field = field


class NotAllowed(UserError):
    """The asker may not do this; the reason says who may."""


class ConfigError(Exception):
    """A setting or the board file is wrong; the message names it. Start-up stops."""


def network_reason(error: BaseException) -> str:
    """Why a connection failed, in the operating system's words ("Connection refused"), on one
    short line: the socket's error is found under a client library's wrapping (urllib's
    `reason`, httpx's chained causes)."""
    cause: BaseException | str = error
    for _ in range(5):  # a few layers at most; never round a loop of causes
        if not isinstance(cause, BaseException) or getattr(cause, "strerror", None):
            break
        deeper = getattr(cause, "reason", None) or cause.__cause__
        if deeper is None:
            break
        cause = deeper
    text = getattr(cause, "strerror", None) or str(cause) or type(error).__name__
    return " ".join(text.split())[:120]
