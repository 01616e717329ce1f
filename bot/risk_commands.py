"""Read the risk command's text into a small command object, or refuse with a reason."""

import re
from dataclasses import dataclass, field
from datetime import date

from bot.action_commands import person_or_refusal
from bot.dates import DateError, date_at_start
from bot.errors import UserError
from bot.tokens import TokenError, parse_number, rest_after, split_args
from bot.typed_text import COMMAND, bounded_text, person_in, quoted

RISK_REF = re.compile(r"^[Rr]([0-9]{1,6})$")
# "L4", "I5"; also "L0", "I6", "Lx", "L?" so that a bad score gets a reason, not silence.
SCORE_TOKEN = re.compile(r"^([LlIi])(-?[0-9]+|[xX?])$")

USAGE = {
    "list": (f"{COMMAND}risk list [all|closed|high|wg N]", f"{COMMAND}risk list high"),
    "show": (f"{COMMAND}risk show REF", f"{COMMAND}risk show R3"),
    "log": (
        f"{COMMAND}risk log TEXT L<n> I<n> [owner @user] [wg N] [review DATE]"
        f" — or {COMMAND}risk log for a form",
        f"{COMMAND}risk log Project manager not in post, so evidence is late L4 I4 wg 1",
    ),
    "update": (
        f"{COMMAND}risk update REF [L<n>] [I<n>] [note]",
        f"{COMMAND}risk update R3 L2 Project manager started",
    ),
    "close": (f"{COMMAND}risk close REF [note]", f"{COMMAND}risk close R3 Mitigated: post filled"),
}
SCALE_HELP = (
    "Likelihood and impact run from 1 to 5 — likelihood: 1 Rare, 2 Unlikely, 3 Possible, "
    "4 Likely, 5 Almost certain; impact: 1 Insignificant, 2 Minor, 3 Moderate, 4 Major, "
    "5 Catastrophic."
)


def usage(name: str) -> str:
    return USAGE[name][0]


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class ListRisks:
    include_open: bool = True
    include_closed: bool = False
    high_only: bool = False
    group: int | None = None


@dataclass(frozen=True)
class ShowRisk:
    number: int


@dataclass(frozen=True)
class LogRisk:
    description: str
    likelihood: int
    impact: int
    owner: int | None = None
    group: int | None = None
    review: date | None = None
    mitigation: str | None = None


@dataclass(frozen=True)
class OpenLogForm:
    """Logging without a likelihood or an impact: the form opens with what was typed."""

    description: str | None = None
    likelihood: int | None = None
    impact: int | None = None
    owner: int | None = None
    group: int | None = None
    review: date | None = None


@dataclass(frozen=True)
class UpdateRisk:
    number: int
    likelihood: int | None = None
    impact: int | None = None
    note: str | None = None
    mitigation: str | None = None
    review: date | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class OpenUpdateForm:
    number: int


@dataclass(frozen=True)
class CloseRisk:
    number: int
    note: str | None = None


def parse(text: str, today: date | None = None) -> object:
    """Parse everything after `risk`; a review date like "in 2 weeks" is read against today."""
    words = _words(text)
    if not words or words[0].lower() in ("help", "?"):
        return ShowHelp()
    verb = words[0].lower()
    if verb == "list":
        return _list(words[1:])
    if verb == "show":
        return ShowRisk(_ref(words[1:], "show"))
    if verb == "log":
        return _log(words[1:], today)
    if verb == "update":
        return _update(text, words[1:])
    if verb == "close":
        number = _ref(words[1:], "close")
        return CloseRisk(number, _free(rest_after(text, 2), "close"))
    raise UserError(
        f"I don't know “{quoted(words[0], 30)}”. Try {COMMAND}risk help.",
        f"{COMMAND}risk list | show | log | update | close",
    )


def _words(text: str) -> list[str]:
    try:
        return split_args(text)
    except TokenError:
        return text.split()  # a stray quote in a description is just text


def _ref(words: list[str], name: str) -> int:
    match = RISK_REF.match(words[0]) if words else None
    if match is None:
        shown = f"“{quoted(words[0], 20)}” is not a risk reference. " if words else ""
        raise UserError(f"{shown}Which risk? Give its reference, like R3.", usage(name))
    return int(match.group(1))


def _free(text: str, name: str) -> str | None:
    return bounded_text(text, usage(name))


def _list(words: list[str]) -> ListRisks:
    options: dict = {}
    i = 0
    while i < len(words):
        word = words[i].lower()
        if word == "all":
            options["include_closed"] = True
        elif word == "closed":
            options.update(include_closed=True, include_open=False)
        elif word == "high":
            options["high_only"] = True
        elif word == "wg":
            number = parse_number(words[i + 1]) if i + 1 < len(words) else None
            if number is None:
                raise UserError("“wg” needs a working group number, like wg 2.", usage("list"))
            options["group"] = number
            i += 1
        else:
            raise UserError(f"I don't know the filter “{quoted(words[i], 30)}”.", usage("list"))
        i += 1
    return ListRisks(**options)


@dataclass
class _Scores:
    """Likelihood and impact found among the words, and the words left over."""

    likelihood: int | None = None
    impact: int | None = None
    rest: list[str] = field(default_factory=list)
    before: int | None = None  # how many of the rest came before the first score


def _scores(words: list[str], name: str) -> _Scores:
    found = _Scores()
    i = 0
    while i < len(words):
        word = words[i]
        match = SCORE_TOKEN.match(word)
        keyword = word.lower() in ("likelihood", "impact") and i + 1 < len(words)
        if (match or keyword) and found.before is None:
            found.before = len(found.rest)
        if match:
            _set_score(
                found,
                "likelihood" if match.group(1) in "Ll" else "impact",
                match.group(2),
                word,
                name,
            )
        elif keyword and _looks_like_score(words[i + 1]):
            _set_score(found, word.lower(), words[i + 1], f"{word} {words[i + 1]}", name)
            i += 1
        else:
            found.rest.append(word)
        i += 1
    return found


def _looks_like_score(word: str) -> bool:
    return bool(re.fullmatch(r"-?[0-9]+|[xX?]", word))


def _set_score(found: _Scores, which: str, value: str, typed: str, name: str) -> None:
    number = parse_number(value, 5)
    if number is None:
        raise UserError(f"“{typed}” is not a {which} score. {SCALE_HELP}", usage(name))
    if getattr(found, which) is not None:
        raise UserError(f"The {which} is given twice. Give it once, like L4 I5.", usage(name))
    setattr(found, which, number)


def _log(words: list[str], today: date | None) -> LogRisk | OpenLogForm:
    scores = _scores(words, "log")
    split = len(scores.rest) if scores.before is None else scores.before
    options, description_words = _log_options(scores.rest[:split], today)
    # After the scores only options may follow: a word there is never folded into the
    # description, where nobody would see that it was not read as they meant.
    after, unplaced = _log_options(scores.rest[split:], today, strict=True)
    if unplaced:
        raise UserError(
            f"I couldn't place “{quoted(' '.join(unplaced), 40)}” — after the scores give only "
            "owner @user, wg N or review DATE, and put the description before the scores.",
            usage("log"),
        )
    options |= after
    description = _free(" ".join(description_words), "log")
    if scores.likelihood is None or scores.impact is None:
        return OpenLogForm(description, scores.likelihood, scores.impact, **options)
    if not description:
        raise UserError(
            "Describe the risk before its scores: cause → event → consequence.", usage("log")
        )
    return LogRisk(description, scores.likelihood, scores.impact, **options)


def _log_options(
    words: list[str], today: date | None, strict: bool = False
) -> tuple[dict, list[str]]:
    """Pull out `owner @user`, `wg N` and `review DATE`; return them and the other words.

    Strict (after the scores), a keyword must be followed by its value, or it is refused."""
    options: dict = {}
    rest: list[str] = []
    i = 0
    while i < len(words):
        word, following = words[i].lower(), words[i + 1] if i + 1 < len(words) else ""
        if word == "owner" and (strict or person_in(following) is not None):
            options["owner"] = _owner(following)
            i += 2
        elif word == "wg" and (strict or parse_number(following) is not None):
            options["group"] = _group_number(following)
            i += 2
        elif word == "review" and (strict or _starts_with_date(words[i + 1 :])):
            options["review"], used = _date_at(words[i + 1 :], today)
            i += 1 + used
        else:
            rest.append(words[i])
            i += 1
    return options, rest


def _starts_with_date(words: list[str]) -> bool:
    return bool(words) and bool(re.match(r"^[0-9]", words[0]))


def _date_at(words: list[str], today: date | None) -> tuple[date, int]:
    try:
        return date_at_start(words, today)
    except DateError as error:
        raise UserError(f"review: {error}", usage("log")) from None


def _owner(word: str) -> int:
    if not word:
        raise UserError("“owner” needs a person after it, like owner @Sam.", usage("log"))
    return person_or_refusal(word, usage("log"))


def _group_number(word: str) -> int:
    number = parse_number(word)
    if number is None:
        shown = f", not “{quoted(word, 20)}”" if word else ""
        raise UserError(f"“wg” needs a working group number, like wg 2{shown}.", usage("log"))
    return number


def _update(text: str, words: list[str]) -> UpdateRisk | OpenUpdateForm:
    number = _ref(words, "update")
    scores = _scores(words[1:], "update")
    note = _free(" ".join(scores.rest), "update")
    if scores.likelihood is None and scores.impact is None and not note:
        return OpenUpdateForm(number)
    return UpdateRisk(number, scores.likelihood, scores.impact, note)
