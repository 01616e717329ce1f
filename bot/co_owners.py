"""Co-owners: an action's second (or third) lead, often from another organisation (a council
lead and an ICB lead). They are reminded as the owner is and may update as the owner may; only
an admin adds or removes them, and a new co-owner is told, as a new owner is."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot import action_commands as cmd
from bot.action_history import record
from bot.errors import UserError
from bot.message_text import Mention, text
from bot.people import Actor, load_person, person_ref
from bot.permissions import require_admin
from bot.results import ActionCard, DirectMessage, Notice, Outcome
from storage.models import Action, Person

HISTORY_FIELD = "co_owner"  # history rows name the person by id, as a change of owner does


def change_co_owner(
    session: Session,
    actor: Actor,
    action: Action,
    command: cmd.CoOwner,
    now: datetime,
    card: Callable[[Action], ActionCard],
) -> Outcome:
    require_admin(actor, "change who owns an action")
    person = load_person(session, command.person, "co_owner")
    if command.remove:
        return _remove(session, actor, action, person, now, card)
    who = Mention(person_ref(person))
    if person.id == action.owner_id:
        return Outcome(Notice(text(who, f" already owns {action.ref}. Nothing was changed.")))
    if person in action.co_owners:
        return Outcome(
            Notice(text(who, f" is already a co-owner of {action.ref}. Nothing was changed."))
        )
    record(action, actor.person_id, now, "update", HISTORY_FIELD, None, str(person.id))
    action.co_owners.append(person)
    session.flush()
    told = []
    if person.id != actor.person_id:
        told.append(
            DirectMessage(
                person_ref(person),
                text(
                    "You are now a co-owner of an action, given to you by ",
                    Mention(actor.person),
                    ":",
                ),
                card(action),
            )
        )
    return Outcome(
        Notice(
            text(who, f" is now a co-owner of {action.ref}: reminded and able to update it."),
            card(action),
        ),
        told,
    )


def _remove(
    session: Session,
    actor: Actor,
    action: Action,
    person: Person,
    now: datetime,
    card: Callable[[Action], ActionCard],
) -> Outcome:
    if person not in action.co_owners:
        current = [p.name or p.email or f"person {p.id}" for p in action.co_owners]
        has = f"Its co-owners are {', '.join(current)}." if current else "It has no co-owners."
        raise UserError(
            text(Mention(person_ref(person)), f" is not a co-owner of {action.ref}. {has}"),
            cmd.usage("co-owner"),
        )
    record(action, actor.person_id, now, "update", HISTORY_FIELD, str(person.id), None)
    action.co_owners.remove(person)
    session.flush()
    return Outcome(
        Notice(
            text(Mention(person_ref(person)), f" is no longer a co-owner of {action.ref}."),
            card(action),
        )
    )
