"""Linking a person the plan names without a chat account ("Jo Bloggs", jo@council.example) to
their account, when they join: nothing they own, lead or did is lost.

The account may already belong to a person of its own (they spoke to the bot before they were
linked): then the two are one person. Every reference to the named person moves onto the
account's person (every foreign key to people.id the tables declare, so a table added later
cannot be forgotten, and the ids that history rows write in words), what the account's person
lacks (name, email, role, organisation) is taken from them, each action they touched says so in
its history, and the empty duplicate is deleted.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot import action_commands as cmd
from bot.action_history import PERSON_FIELDS
from bot.errors import UserError
from bot.message_text import Mention, text
from bot.people import Actor, load_person, person_ref
from bot.permissions import require_admin
from bot.results import Notice, Outcome
from storage.models import (
    Action,
    ActionHistory,
    Base,
    Person,
    RiskHistory,
    action_co_owners,
)

log = logging.getLogger(__name__)
KEPT_DETAILS = ("name", "email", "role_title", "organisation")
SHOWN_MATCHES = 5


class LinkError(UserError):
    """The named person can't be linked: one line saying why (no one, or more than one)."""


@dataclass(frozen=True)
class Linked:
    named: str  # the person as the plan named them
    merged: bool  # the account had a person of its own, now one with them
    actions: int  # how many actions name them (owner, SRO, co-owner)


def find_named(session: Session, named: str) -> Person:
    """The one person without a chat account that a name (or role) or email names; refused,
    with the reason, when none or several do."""
    words = named.strip()
    if "@" in words:
        match = func.lower(Person.email) == words.casefold()
    else:
        match = or_(
            func.lower(Person.name) == words.casefold(),
            func.lower(Person.role_title) == words.casefold(),
        )
    found = list(session.scalars(select(Person).where(match).order_by(Person.id)))
    without = [p for p in found if not p.accounts]
    if len(without) > 1:
        shown = "; ".join(_described(p) for p in without[:SHOWN_MATCHES])
        raise LinkError(
            f"“{words}” names {len(without)} people without a chat account ({shown}): "
            "name the one you mean by their email. Nothing was changed."
        )
    if without:
        return without[0]
    if found:
        raise LinkError(f"{_described(found[0])} already has a chat account. Nothing was changed.")
    raise LinkError(
        f"The plan names nobody “{words}” without a chat account: give their name, role or "
        "email as the plan has it. Nothing was changed."
    )


def link(
    session: Session,
    named: Person,
    account_person: Person,
    now: datetime,
    actor_id: int | None = None,
    how: str = "",
) -> Linked:
    """Make `named` and `account_person` one person: `account_person` keeps everything of both.
    The history of each action naming them says so, as done by `actor_id` (None: the command
    line, said in `how`)."""
    shown = _described(named)
    if named.id == account_person.id:
        return Linked(shown, False, 0)
    old, keep = named.id, account_person.id
    touched = _actions_naming(session, old)
    for detail in KEPT_DETAILS:
        if getattr(account_person, detail) is None and getattr(named, detail) is not None:
            setattr(account_person, detail, getattr(named, detail))
    account_person.updated_at = now
    session.flush()
    for column in person_columns():
        _move(session, column, old, keep)
    for history in (ActionHistory, RiskHistory):
        for side in (history.old_value, history.new_value):
            session.execute(
                update(history)
                .where(history.field.in_(PERSON_FIELDS), side == str(old))
                .values({side.key: str(keep)})
            )
    # An owner is never also a co-owner of the same action.
    owned = select(Action.id).where(Action.owner_id == keep)
    session.execute(
        delete(action_co_owners).where(
            action_co_owners.c.person_id == keep, action_co_owners.c.action_id.in_(owned)
        )
    )
    note = f"{shown} was linked to a chat account{how}"
    for action_id in touched:
        session.add(
            ActionHistory(action_id=action_id, actor_id=actor_id, at=now, event="linked", note=note)
        )
    session.flush()
    session.expire_all()
    session.execute(delete(Person).where(Person.id == old))
    log.info("person %s merged into person %s (%s actions)", old, keep, len(touched))
    return Linked(shown, True, len(touched))


def person_columns() -> list[Column]:
    """Every column, in every table, that points at a person."""
    return [
        fk.parent
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == Person.__tablename__
    ]


def link_in_chat(session: Session, actor: Actor, command: cmd.LinkPerson, now: datetime) -> Outcome:
    require_admin(actor, "link people to chat accounts")
    try:
        named = find_named(session, command.named)
    except LinkError as error:
        raise UserError(error.reason, cmd.usage("link")) from None
    account_person = load_person(session, command.person, "person")
    who = Mention(person_ref(account_person))
    if account_person.id == named.id:
        return Outcome(Notice(text(who, " is already that person. Nothing was changed.")))
    done = link(session, named, account_person, now, actor.person_id)
    return Outcome(Notice(text(f"{done.named} is now ", who, f"{_kept(done.actions)}")))


def _kept(actions: int) -> str:
    if not actions:
        return "."
    noun = "action" if actions == 1 else "actions"
    return f": the {actions} {noun} naming them, and their history, are kept."


def _move(session: Session, column: Column, old: int, keep: int) -> None:
    table = column.table
    if column.primary_key:
        # A row keyed on the person (a co-owner of an action) that the kept person already
        # has would be a duplicate: drop it first.
        others = [c for c in table.primary_key.columns if c is not column]
        kept = select(*others).where(column == keep)
        if others:
            session.execute(
                delete(table).where(
                    column == old, *[c.in_(kept.with_only_columns(c)) for c in others]
                )
            )
    session.execute(update(table).where(column == old).values({column.name: keep}))


def _actions_naming(session: Session, person_id: int) -> list[int]:
    co_owned = select(action_co_owners.c.action_id).where(action_co_owners.c.person_id == person_id)
    query = select(Action.id).where(
        or_(Action.owner_id == person_id, Action.sro_id == person_id, Action.id.in_(co_owned))
    )
    return list(session.scalars(query.order_by(Action.id)))


def _described(person: Person) -> str:
    """ "Jo Bloggs (Head of SEND, jo@council.example)": enough to tell two people apart."""
    name = person.name or person.email or f"person {person.id}"
    extra = [x for x in (person.role_title, person.email) if x and x != name]
    return f"{name} ({', '.join(extra)})" if extra else name
