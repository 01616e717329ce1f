"""Read the action command's text into a small command object, or refuse with a reason."""

import re
from dataclasses import dataclass, field
from datetime import date

from bot.clean_text import clean
from bot.dates import DateError, date_at_start, take_date
from bot.errors import UserError
from bot.no_date import no_date_words
from bot.status import STATUS_WORDS, Status, parse_status
from bot.tokens import TokenError, parse_number, rest_after, split_args
from bot.typed_text import COMMAND, MAX_TEXT, bounded_text, person_in, quoted, shown
from storage.action_queries import ActionFilter

# Usage examples name dates in words ("end of March", "in 6 weeks"), so they are never in the past;
# tests/test_help_examples.py fails if a written date creeps in and goes stale.
# A reference holds a number ("1.1", "WG3.2", "A12"): a title's first word is never taken for one.
REF_PATTERN = re.compile(r"^(?=[^0-9]*[0-9])[A-Za-z0-9][A-Za-z0-9._/-]{0,19}\Z")
MAX_NOTE = MAX_TEXT
_MAILTO = re.compile(r"\s*\(mailto:[^)]*\)")
MAX_TITLE = 300
DUE_SOON_DAYS = 14
# After `due REF`: DfE/NHS England's answer to a re-date awaiting them (bot/redate_approval.py).
APPROVE_WORDS = ("approved", "approve", "agreed")
REFUSE_WORDS = ("refused", "refuse", "declined", "decline")

USAGE = {
    "help": (f"{COMMAND}action help", f"{COMMAND}action help"),
    "mine": (f"{COMMAND}action mine", f"{COMMAND}action mine"),
    "list": (
        f"{COMMAND}action list [wg N] [area N] [owner @user] [overdue] [due-soon] [STATUS] [all]",
        f"{COMMAND}action list wg 3 overdue",
    ),
    "show": (f"{COMMAND}action show REF", f"{COMMAND}action show 1.1"),
    "update": (
        f"{COMMAND}action update REF STATUS [note]",
        f"{COMMAND}action update 1.1 amber Waiting for the health data",
    ),
    "note": (
        f"{COMMAND}action note REF TEXT",
        f"{COMMAND}action note 1.1 Met the parent carer forum today",
    ),
    "done": (
        f"{COMMAND}action done REF [evidence]",
        f"{COMMAND}action done 1.1 Strategy published on the Local Offer",
    ),
    "add": (
        f'{COMMAND}action add [REF] "TITLE" wg N owner @user due DATE [area N]'
        f" — or {COMMAND}action add for a form",
        f'{COMMAND}action add 3.4 "Co-produce the Local Offer page" wg 3 owner @Sam '
        "due end of March area 2",
    ),
    "assign": (f"{COMMAND}action assign REF @user", f"{COMMAND}action assign 1.1 @Sam"),
    "due": (
        f"{COMMAND}action due REF DATE [reason] — where DfE/NHS England approve re-dates, "
        f"then {COMMAND}action due REF approved [DATE] or {COMMAND}action due REF refused "
        "REASON",
        f"{COMMAND}action due 1.1 in 6 weeks Data arrives late",
    ),
    "remove": (f"{COMMAND}action remove REF", f"{COMMAND}action remove 1.1"),
    "co-owner": (
        f"{COMMAND}action co-owner REF @user — or {COMMAND}action co-owner REF remove @user",
        f"{COMMAND}action co-owner 1.1 @Sam",
    ),
    "link": (
        f'{COMMAND}action link "NAME" @user — or {COMMAND}action link EMAIL @user',
        f'{COMMAND}action link "Jo Bloggs" @Jo',
    ),
    "from-minutes": (
        f"{COMMAND}action from-minutes — paste a board meeting's minutes; the actions it agreed "
        "come back as drafts to add or drop",
        f"{COMMAND}action from-minutes",
    ),
}


def usage(name: str) -> str:
    return USAGE[name][0]


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class Mine:
    pass


@dataclass(frozen=True)
class ListActions:
    filter: ActionFilter


@dataclass(frozen=True)
class Show:
    ref: str


@dataclass(frozen=True)
class UpdateStatus:
    ref: str
    status: Status
    note: str | None = None
    evidence: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class AddNote:
    ref: str
    note: str


@dataclass(frozen=True)
class MarkDone:
    ref: str
    evidence: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class Snooze:
    """The Snooze button on a reminder: no reminders for two working days."""

    ref: str


@dataclass(frozen=True)
class PrepareForm:
    """A button that opens a form: the action as it is now, if the person may change it."""

    ref: str
    completing: bool = False


@dataclass(frozen=True)
class AddAction:
    ref: str | None
    title: str
    group: int
    owner: int
    due: date | None  # None: no date agreed ("due TBC")
    areas: tuple[int, ...] = ()
    description: str | None = None
    sro: int | None = None
    start: date | None = None
    source: str | None = None
    success_measures: str | None = None


@dataclass(frozen=True)
class OpenAdd:
    pass


@dataclass(frozen=True)
class FromMinutes:
    """`action from-minutes`: the door opens its form for pasting minutes (bot/minutes_service)."""


@dataclass(frozen=True)
class Assign:
    ref: str
    owner: int


@dataclass(frozen=True)
class Redate:
    ref: str
    due: date
    reason: str | None = None


@dataclass(frozen=True)
class RedateAnswer:
    """DfE/NHS England's answer to a re-date awaiting them, as an admin records it."""

    ref: str
    approved: bool
    agreed: date | None = None  # the date they agreed, when not the one asked for
    note: str | None = None


@dataclass(frozen=True)
class Remove:
    ref: str


@dataclass(frozen=True)
class CoOwner:
    """Add (or remove) a co-owner: a second lead, reminded and able to update as the owner."""

    ref: str
    person: int
    remove: bool = False


@dataclass(frozen=True)
class LinkPerson:
    """Link a person the plan names without a chat account (by name or email) to an account."""

    named: str
    person: int


@dataclass
class _Args:
    """The words after the subcommand, with the raw text kept for free-text tails."""

    name: str
    raw: str
    words: list[str] = field(default_factory=list)
    today: date | None = None  # what "tomorrow" and "next Friday" are read against

    def fail(self, reason: str) -> UserError:
        return UserError(reason, usage(self.name))

    def ref(self, i: int = 0) -> str:
        if len(self.words) <= i:
            raise self.fail("Which action? Give its reference, like 1.1.")
        return check_ref(self.words[i], usage(self.name))

    def tail(self, n: int) -> str | None:
        """Free text after the first n words, as the person typed it."""
        return self.free(rest_after(self.raw, n))

    def free(self, raw: str) -> str | None:
        return bounded_text(raw, usage(self.name))


def check_ref(word: str, usage_line: str | None = None) -> str:
    if not REF_PATTERN.match(word):
        raise UserError(
            f"“{quoted(word)}” is not an action reference — references are letters, "
            "numbers and dots with at least one number, like 1.1, WG3.2 or A12.",
            usage_line,
        )
    return word


def parse(text: str, today: date | None = None) -> object:
    """Parse everything after `action`; relative dates are read against `today`."""
    try:
        words = split_args(text)
    except TokenError as error:
        # A stray quote in a note ("a 6" pipe") is just text; only titles need closed quotes.
        words = text.split()
        if not words or words[0].lower() not in _FREE_TEXT:
            raise UserError(str(error), usage("add")) from None
    if not words or words[0].lower() in ("help", "?"):
        return ShowHelp()
    name = words[0].lower()
    if name not in USAGE:
        raise UserError(
            f"I don't know “{quoted(words[0])}”. Try {COMMAND}action help for what I can do.",
            f"{COMMAND}action mine | list | show | update | note | done | add | assign | due "
            "| remove | co-owner | link | from-minutes",
        )
    args = _Args(name, rest_after(text, 1), words[1:], today)
    return _PARSERS[name](args)


def _nothing_after(args: _Args, command: object) -> object:
    if args.words:
        raise args.fail(f"{COMMAND}action {args.name} takes nothing after it: it opens a form.")
    return command


def _mine(args: _Args) -> Mine:
    if args.words:
        raise args.fail(f"{COMMAND}action mine takes nothing after it.")
    return Mine()


def _show(args: _Args) -> Show:
    ref = args.ref()
    if len(args.words) > 1:
        raise args.fail(f"{COMMAND}action show takes one reference.")
    return Show(ref)


def _update(args: _Args) -> UpdateStatus:
    ref = args.ref()
    if len(args.words) < 2:
        raise args.fail(f"What is the new status of {ref}? Use one of: {STATUS_WORDS}.")
    word, used = args.words[1], 2
    # People write "on track" and "not started" as often as "on-track" and "not-started".
    two_words = "-".join(args.words[1:3])
    if len(args.words) > 2 and parse_status(two_words) is not None:
        word, used = two_words, 3
    status = parse_status(word)
    if status is None:
        raise args.fail(f"“{quoted(word, 30)}” is not a status. Use one of: {STATUS_WORDS}.")
    return UpdateStatus(ref, status, args.tail(used))


def _note(args: _Args) -> AddNote:
    ref = args.ref()
    note = args.tail(1)
    if not note:
        raise args.fail(
            f"The note for {ref} is empty — write what has happened after the reference."
        )
    return AddNote(ref, note)


def _done(args: _Args) -> MarkDone:
    return MarkDone(args.ref(), args.tail(1))


def _assign(args: _Args) -> Assign:
    ref = args.ref()
    if len(args.words) != 2:
        raise args.fail(f"Who should own {ref}? Mention one person, like @Sam.")
    return Assign(ref, _user(args, args.words[1]))


def _due(args: _Args) -> Redate | RedateAnswer:
    ref = args.ref()
    if len(args.words) > 1 and args.words[1].lower() in APPROVE_WORDS + REFUSE_WORDS:
        return _redate_answer(args, ref)
    try:
        due, reason = take_date(rest_after(args.raw, 1), args.today)
    except DateError as error:
        raise args.fail(str(error)) from None
    return Redate(ref, due, args.free(reason))


def _redate_answer(args: _Args, ref: str) -> RedateAnswer:
    """`due REF approved [DATE]` or `due REF refused REASON`."""
    rest = rest_after(args.raw, 2)
    if args.words[1].lower() in REFUSE_WORDS:
        return RedateAnswer(ref, False, note=args.free(rest))
    if not rest.strip():
        return RedateAnswer(ref, True)
    try:
        agreed, note = take_date(rest, args.today)
    except DateError as error:
        raise args.fail(str(error)) from None
    return RedateAnswer(ref, True, agreed, args.free(note))


def _remove(args: _Args) -> Remove:
    ref = args.ref()
    if len(args.words) > 1:
        raise args.fail(f"{COMMAND}action remove takes one reference.")
    return Remove(ref)


def _co_owner(args: _Args) -> CoOwner:
    ref = args.ref()
    words = args.words[1:]
    remove = bool(words) and words[0].lower() == "remove"
    if remove:
        words = words[1:]
    if len(words) != 1:
        doing = "remove as a co-owner of" if remove else "add as a co-owner of"
        raise args.fail(f"Who should I {doing} {ref}? Mention one person, like @Sam.")
    return CoOwner(ref, _user(args, words[0]), remove)


def _link(args: _Args) -> LinkPerson:
    if len(args.words) < 2:
        raise args.fail(
            "Name the person the plan has (their name in quotes, or their email), then "
            "mention their account, like @Jo."
        )
    named = " ".join(shown(word) for word in args.words[:-1])
    # A chat app may send an email typed in a message as a link ("jo@x.example (mailto:…)").
    named = clean(_MAILTO.sub("", named), multiline=False).strip()
    if not named or person_in(args.words[0]) is not None:
        raise args.fail("Name the person the plan has first, then mention their account.")
    return LinkPerson(named[:MAX_TITLE], _user(args, args.words[-1]))


def _user(args: _Args, word: str) -> int:
    return person_or_refusal(word, usage(args.name))


def person_or_refusal(word: str, usage_line: str | None) -> int:
    """The person a mention names, or a refusal saying how to mention someone."""
    person = person_in(word)
    if person is None:
        typed = quoted(word)
        if typed.startswith("@"):
            raise UserError(
                f"“{typed}” wasn't recognised as a person — after typing @, pick them from "
                "the list your chat app shows.",
                usage_line,
            )
        raise UserError(
            f"“{typed}” is not someone I can find — mention them, like @Sam.", usage_line
        )
    return person


def _list(args: _Args) -> ListActions:
    options: dict = {"statuses": set()}
    words, i = args.words, 0
    while i < len(words):
        word = words[i].lower()
        if word in ("wg", "area", "owner"):
            if i + 1 >= len(words):
                raise args.fail(f"“{word}” needs a value after it.")
            options[word] = _list_value(args, word, words[i + 1])
            i += 2
            continue
        if word == "overdue":
            options["overdue"] = True
        elif word in ("due-soon", "duesoon"):
            options["due_soon"] = True
        elif word == "all":
            options["all"] = True
        elif word == "mine":
            raise args.fail(f"For your own actions use {COMMAND}action mine.")
        elif (status := parse_status(word)) is not None:
            options["statuses"].add(status.value)
        else:
            raise args.fail(f"I don't know the filter “{quoted(words[i], 30)}”.")
        i += 1
    flt = ActionFilter(
        group=options.get("wg"),
        area=options.get("area"),
        owner=options.get("owner"),
        statuses=frozenset(options["statuses"]),
        overdue=options.get("overdue", False),
        due_within_days=DUE_SOON_DAYS if options.get("due_soon") else None,
        include_complete=options.get("all", False),
    )
    return ListActions(flt)


def _list_value(args: _Args, key: str, word: str) -> int:
    if key == "owner":
        return _user(args, word)
    return _number(args, key, word)


def _number(args: _Args, key: str, word: str) -> int:
    number = parse_number(word)
    if number is None:
        raise args.fail(f"“{key}” needs a number, like {key} 2 — not “{quoted(word, 20)}”.")
    return number


_ADD_KEYS = ("wg", "owner", "due", "area", "sro", "start", "source")


def _add(args: _Args) -> AddAction | OpenAdd:
    if not args.words:
        return OpenAdd()
    positional, i = [], 0
    while i < len(args.words) and args.words[i].lower() not in _ADD_KEYS:
        positional.append(args.words[i])
        i += 1
    if not positional:
        raise args.fail('The title is missing — put it in "double quotes".')
    if len(positional) > 2 or (len(positional) == 2 and not REF_PATTERN.match(positional[0])):
        raise args.fail('Put the title in "double quotes" so I can tell where it ends.')
    ref = check_ref(positional[0], usage("add")) if len(positional) == 2 else None
    title = clean(shown(positional[-1]), multiline=False).strip()
    if not title or len(title) > MAX_TITLE:
        raise args.fail(f"The title must be 1 to {MAX_TITLE} characters.")
    values = _add_keywords(args, i)
    for key, what in (("wg", "wg N"), ("owner", "owner @user"), ("due", "due DATE")):
        if key not in values:
            raise args.fail(f"Something is missing: {what}.")
    return AddAction(
        ref=ref,
        title=title,
        group=values["wg"],
        owner=values["owner"],
        due=values["due"],
        areas=tuple(values.get("area", ())),
        sro=values.get("sro"),
        start=values.get("start"),
        source=values.get("source"),
    )


def _add_keywords(args: _Args, i: int) -> dict:
    words, values = args.words, {}
    while i < len(words):
        key = words[i].lower()
        if key not in _ADD_KEYS:
            raise args.fail(f"I don't understand “{quoted(words[i], 30)}” here.")
        if i + 1 >= len(words):
            raise args.fail(f"“{key}” needs a value after it.")
        if key == "due" and (used := no_date_words(words[i + 1 :])):
            values[key], i = None, i + 1 + used  # "due TBC", "due no date": no date agreed
            continue
        if key in ("due", "start"):
            values[key], i = _date_words(args, words, i + 1)
            continue
        word = words[i + 1]
        if key == "area":
            values.setdefault("area", []).extend(_area_numbers(args, word))
        elif key in ("owner", "sro"):
            values[key] = _user(args, word)
        elif key == "wg":
            values[key] = _number(args, key, word)
        else:
            values[key] = clean(shown(word), multiline=False).strip()
        i += 2
    return values


def _area_numbers(args: _Args, word: str) -> list[int]:
    return [_number(args, "area", part) for part in re.split(r"[;,]", word) if part]


def _date_words(args: _Args, words: list[str], i: int) -> tuple[date, int]:
    """A date takes one word (06/02/2020) or several (Thu 6 Feb 2020, end of March)."""
    try:
        found, used = date_at_start(words[i:], args.today)
    except DateError as error:
        raise args.fail(str(error)) from None
    return found, i + used


_FREE_TEXT = {"update", "note", "done", "due"}

_PARSERS = {
    "help": lambda args: ShowHelp(),
    "mine": _mine,
    "list": _list,
    "show": _show,
    "update": _update,
    "note": _note,
    "done": _done,
    "add": _add,
    "assign": _assign,
    "due": _due,
    "remove": _remove,
    "co-owner": _co_owner,
    "link": _link,
    "from-minutes": lambda args: _nothing_after(args, FromMinutes()),
}
