"""Settings from the environment and `.env` (SPEC §6). A bad one stops start-up naming it."""

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.board_config import is_email
from bot.errors import ConfigError
from sendbot.identities import RULES

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_TEAMS_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
DEFAULT_TEAMS_AUTHORITY_URL = "https://login.microsoftonline.com"
# Microsoft Entra application and tenant ids are GUIDs.
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
DEFAULT_HOST = "0.0.0.0"  # every interface: what a platform's router expects
# One label of a host name (RFC 1123): letters, digits and inner hyphens, at most 63 of them.
HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)", re.ASCII)


@dataclass(frozen=True)
class TeamsSettings:
    """The Azure Bot's identity, and where Microsoft publishes keys and issues tokens (SPEC §9)."""

    app_id: str
    app_password: str
    tenant_id: str
    openid_url: str = DEFAULT_TEAMS_OPENID_URL
    authority_url: str = DEFAULT_TEAMS_AUTHORITY_URL
    # Development only (TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED): inbound tokens are not checked.
    allow_unauthenticated: bool = False

    def __repr__(self) -> str:  # the password never reaches a log through repr()
        return f"TeamsSettings(app_id={self.app_id!r}, tenant_id={self.tenant_id!r})"


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    database_url: str = "sqlite:///sendbot.db"
    port: int = 3000
    host: str = DEFAULT_HOST
    board_config: Path | None = None
    admins: frozenset[str] = frozenset()
    board_channel: str | None = None
    timezone: ZoneInfo = ZoneInfo("Europe/London")
    teams: TeamsSettings | None = None

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @property
    def secrets(self) -> list[str]:
        """Every secret the settings hold: the log masks each of them, wherever it appears."""
        given = [self.bot_token, self.signing_secret, self.app_token]
        if self.teams is not None:
            given.append(self.teams.app_password)
        return [secret for secret in given if secret]

    def require_serving(self) -> None:
        """The tokens needed to talk to Slack: checked only by commands that do. With the Teams
        settings alone, the bot serves Teams only."""
        if self.teams is not None and not (self.bot_token or self.app_token):
            return
        if not self.bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is missing: set it to the bot token (xoxb-…).")
        if not self.socket_mode and not self.signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is missing: HTTP mode needs it "
                "(or set SLACK_APP_TOKEN to use Socket Mode)."
            )

    def __repr__(self) -> str:  # never let a token reach a log through repr()
        return (
            f"Settings(database_url={_redact_url(self.database_url)!r}, host={self.host!r}, "
            f"port={self.port})"
        )


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
        api_url=get.base_url("SLACK_API_URL", DEFAULT_API_URL),
        database_url=get.database_url(),
        port=get.port(),
        host=get.host(),
        board_config=get.board_config(),
        admins=get.admins(),
        board_channel=get.channel("BOARD_CHANNEL"),
        timezone=get.timezone(),
        teams=get.teams(),
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

    def base_url(self, name: str, default: str) -> str:
        """The base URL of an API the bot sends its token to: https://, or plain http:// only
        to this computer (a local stand-in), where nobody on the network can read the token."""
        value = self.optional(name) or default
        found = _scheme_and_host(value)
        if found is None or found[0] not in ("http", "https"):
            raise ConfigError(f"{name} is malformed: it should be a URL starting https://")
        scheme, host = found
        if scheme == "http" and not is_loopback(host):
            raise ConfigError(
                f"{name} must use https://: plain http:// to {host} would send the bot's token "
                "unencrypted (http:// is allowed only to this computer: localhost, 127.0.0.1 "
                "or ::1)."
            )
        return value if value.endswith("/") else value + "/"

    def teams(self) -> TeamsSettings | None:
        """None when no Teams setting is given; all three of the bot's own, or start-up stops."""
        names = ("TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID")
        given = {name: self.optional(name) for name in names}
        if not any(given.values()):
            return None
        for name, value in given.items():
            if value is None:
                raise ConfigError(
                    f"{name} is missing: the Teams door needs TEAMS_APP_ID, TEAMS_APP_PASSWORD "
                    "and TEAMS_TENANT_ID (from the Azure Bot's configuration)."
                )
        for name in ("TEAMS_APP_ID", "TEAMS_TENANT_ID"):
            if not GUID.fullmatch(given[name] or ""):
                raise ConfigError(
                    f"{name} is malformed: it should be a GUID like "
                    "00000000-0000-0000-0000-000000000000."
                )
        openid = self.secure_url("TEAMS_OPENID_URL", DEFAULT_TEAMS_OPENID_URL)
        if not openid.endswith("/openidconfiguration"):
            raise ConfigError(
                "TEAMS_OPENID_URL is malformed: it should end /openidconfiguration "
                f"(like {DEFAULT_TEAMS_OPENID_URL}); the signing keys are read beside it."
            )
        return TeamsSettings(
            allow_unauthenticated=self.unauthenticated_teams(),
            app_id=given["TEAMS_APP_ID"] or "",
            app_password=given["TEAMS_APP_PASSWORD"] or "",
            tenant_id=given["TEAMS_TENANT_ID"] or "",
            openid_url=openid,
            authority_url=self.secure_url("TEAMS_AUTHORITY_URL", DEFAULT_TEAMS_AUTHORITY_URL),
        )

    def unauthenticated_teams(self) -> bool:
        """The development mode that skips checking who sent an activity: only when asked for
        in so many words, and only on a server that nobody else can reach."""
        name = "TEAMS_DANGEROUSLY_ALLOW_UNAUTHENTICATED"
        value = (self.optional(name) or "false").lower()
        if value not in ("true", "false"):
            raise ConfigError(f"{name} is malformed: it should be true or false.")
        if value == "true" and not is_loopback(self.host()):
            raise ConfigError(
                f"{name} is allowed only with HOST=127.0.0.1 (this computer): on a server "
                "others can reach, anyone could act as anyone on the board."
            )
        return value == "true"

    def secure_url(self, name: str, default: str) -> str:
        """Like base_url (https://, or http:// to this computer only), kept exactly as given."""
        return self.base_url(name, default).rstrip("/")

    def host(self) -> str:
        value = self.optional("HOST") or DEFAULT_HOST
        if not (_is_ip_address(value) or _is_host_name(value)):
            raise ConfigError(
                f"HOST is malformed: {value[:80]!r} is not an IP address or a host name "
                "(for example 0.0.0.0 for every interface, or 127.0.0.1 for this computer only)."
            )
        return value

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


def _scheme_and_host(url: str) -> tuple[str, str] | None:
    """A URL's scheme and host (the host a request really goes to, after any user@), or None
    when it is not a URL: no host, a port that is not one, or spaces."""
    if re.search(r"\s", url):
        return None
    try:
        parts = urlsplit(url)
        if parts.port == 0:  # .port raises ValueError for a port that is not a number
            return None
    except ValueError:
        return None
    return (parts.scheme, parts.hostname) if parts.hostname else None


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1: an address that never leaves this computer."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_host_name(value: str) -> bool:
    name = value.removesuffix(".")  # a fully qualified name may end with its root dot
    labels = name.split(".")
    # All digits and dots is a mistyped IP address (999.1.1.1), never a name.
    if not name or len(name) > 253 or all(label.isdigit() for label in labels):
        return False
    return all(HOST_LABEL.fullmatch(label) for label in labels)


def _redact_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable>"
