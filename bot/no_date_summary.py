"""The overview's "no date agreed" part (SPEC §2): everyone sees how many open actions have no
due date agreed; the chair (admins) also sees which, to agree their dates."""

from dataclasses import replace
from typing import TypeVar

T = TypeVar("T")


def for_viewer(result: T, is_admin: bool) -> T:
    """An answer as this person may see it: an overview's list of undated actions is for
    admins; everyone else keeps its count."""
    part = getattr(result, "no_date", None)
    if part is None or is_admin or not part.items:
        return result
    return replace(result, no_date=replace(part, items=()))  # type: ignore[type-var]
