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
