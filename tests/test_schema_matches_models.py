"""The migrations build exactly the schema the models describe, on every database: a column,
index or foreign key a migration forgot (SQLite's table rebuilds can drop one silently) fails."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.database import Database
from storage.models import Base


def test_the_migrated_schema_is_the_models_schema(database_url: str):
    db = Database(database_url)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    db.dispose()
    assert differences == []
