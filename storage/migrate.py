"""Bring a database up to the newest schema with Alembic (`sendbot db upgrade`)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from storage.database import normalize_url

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # configparser treats % specially; URLs with escaped passwords contain it.
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")
