"""Test databases: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set.

Migrations run once per backend per session; each test then starts from empty tables.
"""

import os
import shutil
from pathlib import Path

from sqlalchemy import text

from storage.database import Database, normalize_url
from storage.migrate import upgrade
from storage.models import Base

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def migrated_sqlite_template(folder: Path) -> Path:
    template = folder / "template.db"
    upgrade(f"sqlite:///{template}")
    return template


def fresh_sqlite(template: Path, folder: Path) -> str:
    target = folder / "bot.db"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def reset_postgres() -> str:
    """Drop everything in the test database and migrate it from scratch."""
    url = empty_postgres_schema()
    upgrade(url)
    return url


def empty_postgres_schema() -> str:
    """Drop every table in the test database, migrations' bookkeeping too; returns its URL."""
    url = normalize_url(os.environ["TEST_DATABASE_URL"])
    db = Database(url)
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    db.dispose()
    return url


def empty_postgres(url: str) -> None:
    db = Database(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()
