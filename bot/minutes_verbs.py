"""The verbs that officers' actions start with, and how minutes write them.

Minutes record decisions in the passive ("that a response be drafted") or as "X to do Y"; a
tracker wants an instruction ("Draft a response"). Turning one into the other needs each verb's
base form from its past participle, which English does not spell predictably (tabled → table,
drafted → draft, submitted → submit), so the verbs are listed rather than guessed: a verb not
listed is left as the minutes wrote it, for the admin to reword, never mangled.
"""

# Verbs of work to be done. Kept to what boards' minutes use; add to it freely.
ACTION_VERBS = frozenset(
    [
        "add",
        "attend",
        "chase",
        "discuss",
        "escalate",
        "improve",
        "nominate",
        "redesign",
        "reduce",
        "refer",
        "reissue",
        "reply",
        "rewrite",
        "signpost",
        "allocate",
        "amend",
        "analyse",
        "appoint",
        "arrange",
        "ask",
        "assess",
        "audit",
        "bring",
        "brief",
        "build",
        "check",
        "circulate",
        "clarify",
        "collect",
        "co-produce",
        "collate",
        "commission",
        "communicate",
        "complete",
        "consider",
        "consult",
        "contact",
        "coordinate",
        "create",
        "cost",
        "deliver",
        "design",
        "develop",
        "distribute",
        "draft",
        "email",
        "engage",
        "ensure",
        "establish",
        "evaluate",
        "explore",
        "extend",
        "feed",
        "find",
        "finalise",
        "follow",
        "forward",
        "gather",
        "give",
        "hold",
        "identify",
        "implement",
        "include",
        "inform",
        "introduce",
        "invite",
        "issue",
        "launch",
        "liaise",
        "look",
        "make",
        "map",
        "meet",
        "monitor",
        "organise",
        "plan",
        "prepare",
        "present",
        "produce",
        "progress",
        "promote",
        "provide",
        "publish",
        "put",
        "raise",
        "recruit",
        "refresh",
        "report",
        "represent",
        "request",
        "research",
        "respond",
        "return",
        "review",
        "revise",
        "run",
        "schedule",
        "scope",
        "seek",
        "send",
        "set",
        "share",
        "speak",
        "submit",
        "table",
        "take",
        "test",
        "track",
        "train",
        "undertake",
        "update",
        "visit",
        "write",
    ]
)

# Decisions minuted for the record, not work to be done: "the report be noted".
RECORD_VERBS = frozenset(
    [
        "accept",
        "confirm",
        "sign",
        "acknowledge",
        "agree",
        "approve",
        "commend",
        "congratulate",
        "endorse",
        "note",
        "ratify",
        "receive",
        "support",
        "thank",
        "welcome",
    ]
)

_IRREGULAR = {
    "bring": "brought",
    "build": "built",
    "feed": "fed",
    "find": "found",
    "give": "given",
    "hold": "held",
    "make": "made",
    "meet": "met",
    "put": "put",
    "run": "run",
    "seek": "sought",
    "send": "sent",
    "set": "set",
    "speak": "spoken",
    "take": "taken",
    "undertake": "undertaken",
    "write": "written",
    "rewrite": "rewritten",
}
# Verbs that double their last consonant before -ed.
_DOUBLED = {"plan": "planned", "submit": "submitted", "map": "mapped", "scope": "scoped"}


def participle(base: str) -> str:
    """The past participle of a listed verb: draft → drafted, table → tabled."""
    if base in _IRREGULAR:
        return _IRREGULAR[base]
    if base in _DOUBLED:
        return _DOUBLED[base]
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ied"
    return base + "ed"


_BASE_OF = {participle(verb): verb for verb in ACTION_VERBS | RECORD_VERBS}


def base_of(word: str) -> str | None:
    """The base form of a listed verb's past participle (tabled → table), or None."""
    return _BASE_OF.get(word.lower())


def is_verb(word: str) -> bool:
    """A listed verb in its base form (what follows "to" or an owner in "X to do Y"). A word in
    capitals is an acronym, not a verb: "SEND Engagement Officer to …"."""
    if len(word) > 1 and word.isupper():
        return False
    return word.lower() in ACTION_VERBS or word.lower() in RECORD_VERBS
