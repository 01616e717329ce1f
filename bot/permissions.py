"""Who may do what (SPEC §2). A refusal names who may; nothing is changed."""

from bot.errors import NotAllowed
from bot.message_text import Mention, text
from bot.people import Actor, person_ref
from storage.models import Action

ADMIN_WORDS = "an admin (the board chair or project manager)"


def admin_words(actor: Actor) -> str:
    """The admins by name, so a refusal says whom to ask: "admins (Ada Admin, Ben Board)".
    Before the bot has met any of them by name, what an admin is."""
    admins = actor.admins()
    names = [p.name or p.email for p in admins if p.name or p.email]
    if not names:
        return ADMIN_WORDS
    # An admin the bot has not yet heard named is still an admin: never imply there is only one.
    unnamed = len(admins) - len(names)
    if unnamed:
        names.append(f"{unnamed} other{'s' if unnamed > 1 else ''}")
    if len(names) == 1:
        return f"an admin ({names[0]})"
    return f"admins ({', '.join(names)})"


def may_update(actor: Actor, action: Action) -> bool:
    return (
        actor.is_admin
        or actor.person_id == action.owner_id
        or actor.person_id == action.working_group.lead_id
        # A co-owner is an owner in every way but the name on the action (issue 13).
        or any(person.id == actor.person_id for person in action.co_owners)
    )


def require_update(actor: Actor, action: Action) -> None:
    if may_update(actor, action):
        return
    group = action.working_group
    lead: tuple = ()
    if group.lead_id is None:
        lead = (f", the lead of Working group {group.number}",)
    elif group.lead_id != action.owner_id:
        lead = (
            f", the lead of Working group {group.number} (",
            Mention(person_ref(group.lead)),
            ")",
        )
    owners: list = [Mention(person_ref(action.owner))]
    for co_owner in action.co_owners:
        owners += [", ", Mention(person_ref(co_owner))]
    raise NotAllowed(
        text(
            f"Only the owner{'s' if action.co_owners else ''} of {action.ref} (",
            *owners,
            ")",
            *lead,
            f" or {admin_words(actor)} can update it. Nothing was changed.",
        )
    )


def require_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise NotAllowed(f"Only {admin_words(actor)} can {what}. Nothing was changed.")


def export_words(actor: Actor) -> str:
    return (
        f"Only {admin_words(actor)} or a working group lead can export the plan: admins get the "
        "whole plan, leads their own group's actions."
    )


def export_groups(actor: Actor, led: tuple[int, ...]) -> tuple[int, ...] | None:
    """What an export may hold for this person, who leads the working groups numbered `led`:
    None for the whole plan (admins), else the groups they lead. Anyone else is refused."""
    if actor.is_admin:
        return None
    if not led:
        raise NotAllowed(f"{export_words(actor)} Nothing was sent.")
    return led
