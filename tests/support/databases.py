"""Test databases: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set.

Migrations run once per backend per session; each test then starts from empty tables. Under
pytest-xdist each worker has a PostgreSQL database of its own, `<name>_gw0` and so on beside the
one TEST_DATABASE_URL names, made on first use: workers emptying one database would clash.
"""

import os
import shutil
import time
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from storage.database import Database, normalize_url
from storage.migrate import alembic_config, upgrade
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
    url = worker_database(normalize_url(os.environ["TEST_DATABASE_URL"]))
    db = Database(url)
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    db.dispose()
    return url


def empty_postgres(url: str) -> None:
    """Empty every table and restart every id at 1, as `TRUNCATE … RESTART IDENTITY` of all
    tables would, in a third of the time: TRUNCATE gives each table and index new files, while
    a test leaves a few rows in a few tables, which DELETE removes at once."""
    db = Database(url)
    names = [table.name for table in reversed(Base.metadata.sorted_tables)]  # dependents first
    holding_rows = " UNION ALL ".join(
        f'SELECT {n} FROM (SELECT FROM "{name}" LIMIT 1) AS probe' for n, name in enumerate(names)
    )
    with db.engine.begin() as connection:
        for n in sorted(connection.scalars(text(holding_rows))):
            connection.execute(text(f'DELETE FROM "{names[n]}"'))
        # Every id restarts at 1, even where an insert took one and was rolled back.
        connection.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))
    db.dispose()


def worker_database(url: str) -> str:
    """This xdist worker's own database beside `url` (created if missing); `url` itself when
    not under xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    engine = create_engine(given, isolation_level="AUTOCOMMIT")  # CREATE DATABASE needs it
    try:
        for attempt in range(10):
            with engine.connect() as connection:
                found = "SELECT 1 FROM pg_database WHERE datname = :name"
                if connection.scalar(text(found), {"name": name}):
                    break
                try:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
                    break
                except OperationalError:
                    # Another session was using template1 (PostgreSQL copies it): try again.
                    if attempt == 9:
                        raise
                    time.sleep(0.2)
    finally:
        engine.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


def filled_at(
    revision: str, statements: list[str], serial_tables: tuple[str, ...], backend: str, folder
) -> str:
    """A database of `backend` migrated only to `revision` and filled by raw `statements` (rows
    as an older version of the bot wrote them), for a migration test to upgrade; returns its
    URL. On PostgreSQL each of `serial_tables` has its id sequence moved past the rows given
    their ids, as the bot's own inserts would have."""
    url = f"sqlite:///{folder / 'old.db'}" if backend == "sqlite" else empty_postgres_schema()
    command.upgrade(alembic_config(url), revision)
    db = Database(url)
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
        if backend == "postgresql":
            for table in serial_tables:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "
                        f"FROM {table}"
                    )
                )
    db.dispose()
    return url
