"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, String, Text, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeDecorator

from bot.clean_text import clean


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite keeps no zone, so we never trust one."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class CleanLine(TypeDecorator[str]):
    """One line of people's text (a title, a name), kept by the rule of bot.clean_text.

    The last line of defence: whatever path a value takes (a command, a form, an import, a
    platform's profile, a bulk insert, a query's parameter), no NUL or other control character
    and nothing invisible reaches either database, so SQLite and PostgreSQL keep the same text.
    """

    impl = String
    cache_ok = True
    multiline = False

    def process_bind_param(self, value: object, dialect: Dialect) -> object:
        return clean(value, multiline=self.multiline) if isinstance(value, str) else value


class CleanText(CleanLine):
    """People's text that may run to several lines (a note, a description)."""

    impl = Text
    cache_ok = True
    multiline = True


@event.listens_for(Mapper, "mapper_configured")
def _clean_on_assignment(mapper: Mapper, class_: type) -> None:
    """Clean a value as it is set on a model too, so what a unit of work shows back is what it
    keeps (sessions keep their objects' values after commit)."""
    for attribute in mapper.column_attrs:
        kind = attribute.columns[0].type
        if isinstance(kind, CleanLine):
            event.listen(attribute.class_attribute, "set", _cleaner(kind.multiline), retval=True)


def _cleaner(multiline: bool):
    def on_set(target: object, value: object, old: object, initiator: object) -> object:
        return clean(value, multiline=multiline) if isinstance(value, str) else value

    return on_set


def utcnow() -> datetime:
    return datetime.now(UTC)
