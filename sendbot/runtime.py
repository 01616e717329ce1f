"""Start-up shared by every command: settings, board file, database, services."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from bot.action_service import ActionService
from bot.board_config import BoardConfig, load_board
from bot.board_sync import sync_board
from bot.clock import Clock
from bot.deadline_service import DeadlineService
from bot.delivery import Place
from bot.errors import ConfigError
from bot.people import People
from bot.reminder_sweep import ReminderSweep
from bot.risk_service import RiskService
from bot.summary_service import SummaryService
from sendbot.identities import RULES, find_lead
from sendbot.settings import Settings
from storage.database import Database
from storage.migrate import upgrade


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    board: BoardConfig
    db: Database
    clock: Clock
    people: People
    actions: ActionService
    deadlines: DeadlineService
    risks: RiskService
    summaries: SummaryService


def start(settings: Settings, now: Callable[[], datetime] | None = None) -> Runtime:
    """Open and prepare the database, then build the services; a bad setting raises ConfigError.

    `now` replaces the wall clock (the demo plays a quarter of 2020)."""
    board = load_board(settings.board_config, RULES)
    db = open_database(settings.database_url)
    sync_board(db, board, find_lead)
    admins = settings.admins | board.admins
    clock = Clock(settings.timezone, now) if now else Clock(settings.timezone)
    return Runtime(
        settings,
        board,
        db,
        clock,
        People(db, admins, clock),
        ActionService(db, clock, board.plan),
        DeadlineService(db, board.evidence_lead_working_days, clock, board.plan),
        RiskService(db, board.risk_bands, clock),
        SummaryService(
            db, board, clock, Place(settings.board_channel) if settings.board_channel else None
        ),
    )


def reminder_sweep(runtime: Runtime) -> ReminderSweep:
    """The clock's sweep over this runtime's plan, with the weekly digest the core builds."""
    return ReminderSweep(
        runtime.db,
        runtime.board,
        runtime.settings.board_channel,
        runtime.clock,
        digest=runtime.summaries.digest,
        admins=runtime.people.admin_refs,
    )


def teams_delivery(runtime: Runtime):
    """The clock's and the CLI's sender on Teams (the Teams extra must be installed)."""
    from bot.places import Places
    from handlers.teams.connector import BotToken, Connector
    from handlers.teams.delivery import TeamsDelivery

    assert runtime.settings.teams is not None
    connector = Connector(BotToken(runtime.settings.teams))
    places = Places(runtime.db, runtime.clock)
    return TeamsDelivery(connector, runtime.people, places, runtime.clock.today)


def open_database(url: str) -> Database:
    """Connect and bring the schema up to date, or stop with one line naming DATABASE_URL."""
    try:
        db = Database(url)
        prepare_database(db)
        return db
    except ConfigError:
        raise
    except DATABASE_ERRORS as error:
        raise database_url_error(error) from None


DATABASE_ERRORS = (SQLAlchemyError, ImportError)


def database_url_error(error: Exception) -> ConfigError:
    """One line naming DATABASE_URL and the driver's own first line of complaint."""
    reason = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
    return ConfigError(f"DATABASE_URL is wrong: {reason}")


def prepare_database(db: Database) -> None:
    """SQLite is brought up to date on the spot; elsewhere `sendbot db upgrade` (the release
    phase) owns migrations, so several web processes never race to run them."""
    if db.engine.dialect.name == "sqlite":
        upgrade(db.url)
        return
    if not db.ping():
        raise ConfigError("DATABASE_URL is unreachable: the database did not answer.")
    if not _is_current(db):
        raise ConfigError("The database schema is out of date: run `sendbot db upgrade` first.")


def _is_current(db: Database) -> bool:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(db.url)).get_current_head()
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return current == head
