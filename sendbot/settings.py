"""Settings from the environment and `.env` (SPEC §6). A bad one stops start-up naming it."""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.board_config import is_email
from bot.errors import ConfigError
from sendbot.identities import RULES

DEFAULT_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    database_url: str = "sqlite:///sendbot.db"
    port: int = 3000
    board_config: Path | None = None
    admins: frozenset[str] = frozenset()
    board_channel: str | None = None
    timezone: ZoneInfo = ZoneInfo("Europe/London")

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    def require_serving(self) -> None:
        """The tokens needed to talk to Slack: checked only by commands that do."""
        if not self.bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is missing: set it to the bot token (xoxb-…).")
        if not self.socket_mode and not self.signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is missing: HTTP mode needs it "
                "(or set SLACK_APP_TOKEN to use Socket Mode)."
            )

    def __repr__(self) -> str:  # never let a token reach a log through repr()
        return f"Settings(database_url={_redact_url(self.database_url)!r}, port={self.port})"


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | None = ".env"
) -> Settings:
    """Read settings; the process environment wins over `.env`."""
    values: dict[str, str] = {}
    if env_file and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    get = _Reader(values)
    return Settings(
        bot_token=get.token("SLACK_BOT_TOKEN", "xoxb-"),
        signing_secret=get.optional("SLACK_SIGNING_SECRET"),
        app_token=get.token("SLACK_APP_TOKEN", "xapp-"),
        api_url=get.api_url(),
        database_url=get.database_url(),
        port=get.port(),
        board_config=get.board_config(),
        admins=get.admins(),
        board_channel=get.channel("BOARD_CHANNEL"),
        timezone=get.timezone(),
    )


class _Reader:
    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values

    def optional(self, name: str) -> str | None:
        value = self.values.get(name, "").strip()
        return value or None

    def token(self, name: str, prefix: str) -> str | None:
        value = self.optional(name)
        if value is not None and not value.startswith(prefix):
            raise ConfigError(f"{name} is malformed: it should start with {prefix}")
        return value

    def api_url(self) -> str:
        value = self.optional("SLACK_API_URL") or DEFAULT_API_URL
        if not re.match(r"^https?://[^/\s]+", value):
            raise ConfigError("SLACK_API_URL is malformed: it should be an http(s):// URL.")
        return value if value.endswith("/") else value + "/"

    def database_url(self) -> str:
        value = self.optional("DATABASE_URL") or "sqlite:///sendbot.db"
        from storage.database import normalize_url

        try:
            make_url(normalize_url(value))
        except ArgumentError:
            raise ConfigError(
                "DATABASE_URL is malformed: expected e.g. postgresql://user@host/db "
                "or sqlite:///sendbot.db"
            ) from None
        return value

    def port(self) -> int:
        value = self.optional("PORT") or "3000"
        if not re.fullmatch(r"[0-9]{1,5}", value) or not 1 <= int(value) <= 65535:
            raise ConfigError(f"PORT is malformed: {value!r} is not a port number (1–65535).")
        return int(value)

    def board_config(self) -> Path | None:
        value = self.optional("BOARD_CONFIG")
        if value is None:
            default = Path("board.toml")
            return default if default.is_file() else None
        path = Path(value)
        if not path.is_file():
            raise ConfigError(f"BOARD_CONFIG is wrong: there is no file at {value}.")
        return path

    def admins(self) -> frozenset[str]:
        ids = [part.strip() for part in (self.optional("BOT_ADMINS") or "").split(",")]
        ids = [i for i in ids if i]
        for admin in ids:
            if not RULES.is_account(admin) and not is_email(admin):
                raise ConfigError(
                    f"BOT_ADMINS is malformed: {admin!r} is not {RULES.account_words} "
                    "or an email address."
                )
        return frozenset(ids)

    def channel(self, name: str) -> str | None:
        value = self.optional(name)
        if value is not None and not RULES.is_place(value):
            raise ConfigError(f"{name} is malformed: {value!r} is not {RULES.place_words}.")
        return value

    def timezone(self) -> ZoneInfo:
        value = self.optional("BOT_TIMEZONE") or "Europe/London"
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"BOT_TIMEZONE is malformed: {value!r} is not a time zone.") from None


def _redact_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable>"
