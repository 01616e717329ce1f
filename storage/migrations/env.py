"""Alembic environment: the URL comes from the caller (storage.migrate), never from a file."""

from alembic import context

from storage.database import make_engine
from storage.models import Base

config = context.config


def run_migrations() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"), foreign_keys=False)
    with engine.connect() as connection:
        _run(connection)
        if connection.dialect.name == "sqlite":
            _check_foreign_keys(connection)
    engine.dispose()


def _check_foreign_keys(connection) -> None:
    """Foreign keys were off while SQLite rebuilt tables: prove no row was left dangling."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} rows pointing nowhere: {broken[:5]}")


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
