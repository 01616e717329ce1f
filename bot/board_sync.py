"""Copy the board configuration's working groups and areas into the database.

The configuration file is the source of truth for names, leads and channels; the database keeps
the rows because actions point at them. So rows are inserted, updated or retired, never deleted.
"""

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.board_config import AreaConfig, BoardConfig, GroupConfig, PersonConfig
from bot.people import PersonKey, ensure_person
from storage.database import Database
from storage.models import Area, Person, WorkingGroup
from storage.types import utcnow

# The person a board file names as a lead or admin (by account id or email), made if new.
LeadFinder = Callable[[Session, str], Person]

# Two processes (web and clock) may start at once and both insert group 1; the loser's retry
# then finds the row and updates it instead.
ATTEMPTS = 2


def sync_board(db: Database, board: BoardConfig, leads: LeadFinder) -> None:
    """Upsert working groups and areas by number. Idempotent: a second run changes nothing."""
    for attempt in range(ATTEMPTS):
        try:
            with db.session() as session:
                sync_board_in(session, board, leads)
            return
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise


def sync_board_in(session: Session, board: BoardConfig, leads: LeadFinder) -> None:
    """The same in a unit of work the caller holds (an import's check, which rolls it back)."""
    _sync_groups(session, board.groups, leads)
    _sync_areas(session, board.areas)
    # Admins are people the bot must be able to name and tell (a request for a new
    # date, someone it cannot reach) before they have typed anything.
    for admin in sorted(board.admins):
        leads(session, admin)
    _sync_people(session, board.people, leads)


def _sync_people(session: Session, configs: tuple[PersonConfig, ...], leads: LeadFinder) -> None:
    """The people the board knows by role, so that a role minutes name finds its person. The
    file is the source of truth for their role and organisation; a name a person already has
    (from their chat profile) is kept."""
    for config in configs:
        if config.account or config.email:
            person = leads(session, config.account or config.email or "")
        else:
            key = PersonKey(name=config.name, role=config.role)
            person = ensure_person(session, utcnow(), key)
        person.name = person.name or config.name
        person.email = person.email or config.email
        person.role_title = config.role
        person.organisation = config.organisation or person.organisation


def _sync_groups(session: Session, configs: tuple[GroupConfig, ...], leads: LeadFinder) -> None:
    existing = {g.number: g for g in session.scalars(select(WorkingGroup))}
    for config in configs:
        group = existing.get(config.number)
        if group is None:
            group = WorkingGroup(number=config.number)
            session.add(group)
        # Assigning an equal value is not a change to SQLAlchemy, so a re-run writes nothing.
        group.name = config.name
        lead = leads(session, config.lead) if config.lead else None
        group.lead_id = lead.id if lead else None
        group.channel_id = config.channel
        group.retired = False
    # A group dropped from the file keeps its actions but takes no new ones, and its old lead
    # loses the lead's rights.
    configured = {c.number for c in configs}
    for number, group in existing.items():
        if number not in configured:
            group.retired = True
            group.lead_id = None
            group.channel_id = None


def _sync_areas(session: Session, configs: tuple[AreaConfig, ...]) -> None:
    existing = {a.number: a for a in session.scalars(select(Area))}
    for config in configs:
        area = existing.get(config.number)
        if area is None:
            area = Area(number=config.number)
            session.add(area)
        area.title = config.title
