"""How trackers name an action's co-owners: a "Co-owner" / "Joint lead" column, or two people
in the lead's cell ("Jo Bloggs (LA) / Sam Patel (ICB)", "Jo Bloggs; Sam Patel").

Split only on separators nobody writes inside one person's name or role: a semicolon, a line
break, or a slash with spaces round it. "Head of SEN and Inclusion" and "SEN/Inclusion Manager"
stay one person; a lead's cell that is split says so, naming who is taken for the owner.
"""

import re
from collections.abc import Iterable
from datetime import datetime

from bot.action_history import record
from bot.plan_file import quote
from storage.models import Action, Person

HISTORY_FIELD = "co_owner"  # as bot/co_owners.py records a change in chat
_SEPARATOR = re.compile(r"\s*(?:;|\n|\s/\s)\s*")


def split_people(text: str) -> list[str]:
    """The people a cell names, in its order; one person when it has no clear separator."""
    return [part for part in _SEPARATOR.split(text.strip()) if part] or [text]


def owner_split_note(text: str, parts: list[str]) -> str:
    """The warning for a lead's cell naming more than one person: which is taken for what."""
    rest = ", ".join(f"“{quote(part)}”" for part in parts[1:])
    noun = "a co-owner" if len(parts) == 2 else "co-owners"
    return (
        f"owner “{quote(text)}” names {len(parts)} people: “{quote(parts[0])}” taken as the "
        f"owner and {rest} as {noun}"
    )


def co_owners_besides(owner: Person | None, people: Iterable[Person]) -> list[Person]:
    """Each person once, in the file's order, and never the owner as their own co-owner."""
    found: list[Person] = []
    for person in people:
        if person is not owner and person not in found:
            found.append(person)
    return found


def ids_text(people: Iterable[Person]) -> str | None:
    return "; ".join(str(i) for i in sorted(p.id for p in people)) or None


def same_co_owners(action: Action, new: list[Person] | None) -> bool:
    return {p.id for p in action.co_owners} == {p.id for p in new or []}


def set_co_owners(
    action: Action, new: list[Person], actor_id: int | None, at: datetime, note: str
) -> None:
    """An import's change of co-owners: a history row for each added or removed, as in chat."""
    old_ids = {p.id for p in action.co_owners}
    new_ids = {p.id for p in new}
    for person in action.co_owners:
        if person.id not in new_ids:
            record(action, actor_id, at, "import", HISTORY_FIELD, str(person.id), None, note)
    for person in new:
        if person.id not in old_ids:
            record(action, actor_id, at, "import", HISTORY_FIELD, None, str(person.id), note)
    action.co_owners = list(new)
