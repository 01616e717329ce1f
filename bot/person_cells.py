"""How trackers name an owner or SRO who has no chat account: "Sarah Jones", "Head of SEND",
"Sarah Jones (Head of SEND)", "Sarah Jones, Designated Clinical Officer".

Read as written and never guessed at: the same words are the same person, and a cell that looks
like a mistyped account id or email is refused rather than turned into a person nobody is.
"""

import re
from dataclasses import dataclass

# Words that make a cell a job title rather than a person's name ("Head of SEND", "SENCO").
ROLE_WORDS = frozenset(
    [
        "head",
        "heads",
        "manager",
        "director",
        "officer",
        "lead",
        "leader",
        "coordinator",
        "co-ordinator",
        "senco",
        "commissioner",
        "chair",
        "co-chair",
        "principal",
        "headteacher",
        "consultant",
        "adviser",
        "advisor",
        "clinician",
        "therapist",
        "designated",
        "team",
        "service",
        "services",
        "partnership",
        "forum",
        "board",
        "nurse",
        "psychologist",
        "dco",
        "dmo",
        "ceo",
        "executive",
        "assistant",
        "deputy",
        "sro",
        "practitioner",
        "specialist",
        "worker",
    ]
)
_WORD = re.compile(r"[\w-]+")
_IN_BRACKETS = re.compile(r"(.+?)\s*\(\s*([^()]+?)\s*\)")
# One word with a digit in it ("U0PRIA01", "29:1abc"): a chat account id, not a person's name.
_ID_LIKE = re.compile(r"\S*\d\S*")


@dataclass(frozen=True)
class NamedPerson:
    """A person as a tracker names them: the name to show, and their role if it says one."""

    name: str
    role: str | None = None


def is_role(text: str) -> bool:
    return any(word.casefold() in ROLE_WORDS for word in _WORD.findall(text))


def looks_mistyped(text: str) -> bool:
    """An account id or email typed wrongly: refused, so a typo never becomes a person."""
    return "@" in text or _ID_LIKE.fullmatch(text) is not None


def read_named(text: str) -> NamedPerson:
    """A name, a role, or both. A role alone is also the name they are shown by, so that the
    export writes it and an import reads it back as the same person."""
    for name, role in _name_and_role(text):
        if not is_role(name) and is_role(role):
            return NamedPerson(name, role)
    if is_role(text):
        return NamedPerson(text, text)
    return NamedPerson(text)


def _name_and_role(text: str) -> list[tuple[str, str]]:
    found = []
    if m := _IN_BRACKETS.fullmatch(text):
        found.append((m[1], m[2]))
    name, comma, role = text.partition(",")
    if comma and name.strip() and role.strip():
        found.append((name.strip(), role.strip()))
    return found
