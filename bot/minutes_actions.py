"""Draft actions from a board meeting's minutes: find what was AGREED, say it as an instruction.

Rule-based and offline on purpose: minutes are public-sector records and must not leave the
machine, and a board must be able to see why each draft was proposed (`decision` is the sentence
it came from). Only decisions to do something become drafts: "RESOLVED that members note the
report" records a view and is left out. Nothing here writes anything; an admin accepts or drops
each draft.
"""

import re
from dataclasses import dataclass

from bot.dates import MONTHS as MONTH_NAMES
from bot.minutes_verbs import RECORD_VERBS, base_of, is_verb

# A decision, as councils and NHS bodies minute them. Case matters for bare "agreed": the formal
# record is in capitals ("It was AGREED"), while "members agreed the report was clear" is not.
_MARKERS = (
    re.compile(r"\b(?i:it was) (?:AGREED|RESOLVED|agreed|resolved)\b[,:]?\s*(?P<clause>.+)", re.S),
    re.compile(
        r"^(?:AGREED|RESOLVED|DECISION|ACTIONS?|Agreed|Resolved|Decision|Actions?|"
        r"Action point)\s*(?:[:\-–—]\s*|(?=that\b)|(?=That\b))(?P<clause>.*)",
        re.S,
    ),
    re.compile(r"^(?P<clause>.+?\bto be tabled at\b.+)", re.S),
)
# "(1)", "(a)", "1.", "i)" before a numbered resolution.
_ENUMERATOR = re.compile(
    r"^\s*(?:[-•·*]|\(?[0-9]{1,2}[.)]|\([a-z]\)|[a-z]\)|\(?[ivx]{1,4}\))\s+", re.I
)
_THAT = re.compile(r"^that\b[,:]?\s*", re.I)
_JOINS = re.compile(r",?\s+and that\s+|;\s*(?:and\s+)?(?:that\s+)?", re.I)
_PASSIVE = re.compile(
    r"^(?P<subject>.+?)\s+(?:should |would |will |shall |must )?(?:be|is|are)\s+"
    r"(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.S,
)
_OWNER_TO = re.compile(
    r"^(?P<owner>.+?)\s+(?:to|will|would|should|shall|must)\s+(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.S,
)
_MEETING = re.compile(
    r"\b(?:at|to|by|for|before) the (?P<which>" + "|".join(MONTH_NAMES) + r"|next)"
    r"(?: [A-Z][\w ]*?| board| improvement board)? meeting\b",
    re.I,
)
_BY_DATE = re.compile(r"\s*\bby (?P<when>(?:the end of |end of )?[\w /,.-]{3,30}?)\.?$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'‘“])")
_ABBREVIATIONS = ("e.g.", "i.e.", "Cllr.", "No.", "approx.", "etc.", "Dr.", "Mr.", "Mrs.", "Ms.")
_PRONOUNS = {"this": "it", "it": "it", "these": "them", "they": "them", "those": "them"}
TITLE_LIMIT = 200


@dataclass(frozen=True)
class DraftAction:
    """One proposed action: what to do, and what the minutes said about who and when."""

    title: str
    decision: str  # the sentence it came from, as minuted
    line: int  # where that sentence starts in the minutes (1-based)
    owner_hint: str | None = None  # who the minutes name for it ("Head of SEND", "officers")
    due_hint: str | None = None  # "the January meeting", "the next meeting", "31 March 2027"
    context: str = ""  # the paragraph around it, where a role may be named


def draft_actions(minutes: str) -> list[DraftAction]:
    """Every decision to do something in `minutes`, in order, as draft actions."""
    drafts: list[DraftAction] = []
    resolving = False  # inside "RESOLVED:" followed by numbered clauses
    columns: dict[str, int] | None = None  # an action log table's heading row, once seen
    previous = ""  # the block before: where minutes name who spoke before a decision
    for block, first_line in _paragraphs(minutes):
        paragraph, before, previous = block, previous, block
        cells = _cells(paragraph)
        if cells:
            columns = _log_columns(cells) or columns
            if columns and not _log_columns(cells):
                drafts.extend(_logged(cells, columns, paragraph, first_line))
            continue
        columns = None
        for number, (sentence, line) in enumerate(_sentences(paragraph, first_line)):
            # A decision on a line of its own ("Agreed: …") is about what was said just before.
            context = f"{before} {paragraph}" if number == 0 else paragraph
            clause = _decision_clause(sentence)
            enumerated = _ENUMERATOR.match(sentence)
            if clause is not None:
                # A bare "RESOLVED:" or "ACTIONS:" is followed by numbered clauses.
                resolving = not clause.strip()
                drafts.extend(_drafts_from(clause, sentence, line, context))
            elif resolving and enumerated:
                # Only a clause that reads as a decision: "4. Any other business" is a heading.
                drafts.extend(
                    _drafts_from(sentence[enumerated.end() :], sentence, line, context, True)
                )
            else:
                resolving = False
    return drafts


def _cells(line: str) -> list[str]:
    """The cells of a table row ("A1 | Circulate the tracker | Head of SEND | 31/01/2027"), as
    minutes' action logs are pasted from Word: split at bars or tabs."""
    if "|" not in line and "\t" not in line:
        return []
    cells = [c.strip() for c in re.split(r"\s*[|\t]\s*", line.strip().strip("|"))]
    return cells if sum(1 for c in cells if c) >= 2 else []


_LOG_HEADINGS = {
    "title": ("action", "actions", "action agreed", "description"),
    "owner": ("owner", "lead", "by whom", "who", "responsible", "action owner"),
    "due": ("due", "by when", "when", "deadline", "date due", "due date", "timescale"),
}


def _log_columns(cells: list[str]) -> dict[str, int] | None:
    """Which column is which, if `cells` is an action log's heading row."""
    found = {}
    for i, cell in enumerate(cells):
        for field, names in _LOG_HEADINGS.items():
            if cell.lower().rstrip(":") in names and field not in found:
                found[field] = i
    return found if "title" in found and len(found) >= 2 else None


def _logged(cells: list[str], columns: dict[str, int], row: str, line: int) -> list[DraftAction]:
    def cell(field: str) -> str | None:
        at = columns.get(field)
        return cells[at].strip() or None if at is not None and at < len(cells) else None

    text = cell("title")
    turned = _instruction(text or "")
    if not text or turned is None:
        return []
    title, owner = turned
    return [
        DraftAction(
            title=_shorten(_upper_first(title)),
            decision=_one_line(row),
            line=line,
            owner_hint=cell("owner") or owner,
            due_hint=cell("due"),
            context=_one_line(row),
        )
    ]


def _decision_clause(sentence: str) -> str | None:
    body = _ENUMERATOR.sub("", sentence, count=1)
    for marker in _MARKERS:
        found = marker.search(body)
        if found:
            return found.group("clause")
    return None


def _drafts_from(
    clause: str, sentence: str, line: int, paragraph: str, strict: bool = False
) -> list[DraftAction]:
    clause = _ENUMERATOR.sub("", _THAT.sub("", clause.strip()), count=1)
    clause = _THAT.sub("", clause).strip().rstrip(".")
    instructions = []
    owner_hint = None
    for part in _JOINS.split(clause):
        turned = _instruction(part.strip(), strict)
        if turned is None:
            continue
        text, owner = turned
        instructions.append(text)
        owner_hint = owner_hint or owner
    if not instructions:
        return []
    title = " and ".join(instructions)
    title, due_hint = _due_hint(title)
    return [
        DraftAction(
            title=_shorten(_upper_first(title)),
            decision=_one_line(sentence),
            line=line,
            owner_hint=owner_hint,
            due_hint=due_hint,
            context=_one_line(paragraph),
        )
    ]


def _instruction(part: str, strict: bool = False) -> tuple[str, str | None] | None:
    """One clause as an instruction and who it names, or None when it only records a view
    (or, when `strict`, when no verb we know says what to do)."""
    if not part:
        return None
    words = part.split()
    first = words[0].strip(",")
    if is_verb(first):
        first = first.lower()  # already an instruction: "Circulate the tracker"
        return None if first in RECORD_VERBS else (first + part[len(first) :], None)
    passive = _PASSIVE.match(part)
    if passive and (base := base_of(passive.group("verb"))):
        if base in RECORD_VERBS:
            return None
        subject = passive.group("subject").strip()
        thing = _PRONOUNS.get(subject.lower(), _lower_first(subject))
        return f"{base} {thing}{passive.group('rest')}", None
    owned = _OWNER_TO.match(part)
    if owned and is_verb(owned.group("verb")):
        verb = owned.group("verb").lower()
        if verb in RECORD_VERBS:
            return None
        return f"{verb}{owned.group('rest')}", owned.group("owner").strip()
    for i, word in enumerate(words[1:7], start=1):  # "officers bring a report", subjunctive
        verb = word.lower()
        if is_verb(word):
            if verb in RECORD_VERBS:
                return None
            return " ".join([verb] + words[i + 1 :]), " ".join(words[:i])
    # No verb we know: keep the decision as minuted for the admin to reword.
    return None if strict else (part, None)


def _due_hint(title: str) -> tuple[str, str | None]:
    """The when the minutes give, and the title without a trailing "by <date>"."""
    meeting = _MEETING.search(title)
    if meeting:
        which = meeting.group("which")
        name = "next" if which.lower() == "next" else which.capitalize()
        return title, f"the {name} meeting"
    by_date = _BY_DATE.search(title)
    if by_date and _looks_dated(by_date.group("when")):
        return title[: by_date.start()].rstrip(" ,"), by_date.group("when").strip()
    return title, None


def _looks_dated(text: str) -> bool:
    words = text.replace(",", " ").split()
    months = {m.lower() for m in MONTH_NAMES} | {m[:3].lower() for m in MONTH_NAMES}
    return any(w.lower().rstrip(".") in months or re.fullmatch(r"\d[\d/.-]+", w) for w in words)


def _paragraphs(text: str) -> list[tuple[str, int]]:
    """Blocks of text split at blank lines, each with its first line number. A line that starts
    with a marker or an enumerator begins a block of its own, as minutes lay them out."""
    blocks: list[tuple[str, int]] = []
    lines: list[str] = []
    start = 1
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.replace("\u00a0", " ").strip(" ")  # tabs kept: they separate cells
        starts_own = bool(line) and (
            _ENUMERATOR.match(line) is not None
            or _decision_clause(line) is not None
            or bool(_cells(raw))
        )
        if (not line or starts_own) and lines:
            blocks.append((" ".join(lines), start))
            lines = []
        if line:
            if not lines:
                start = number
            lines.append(line)
    if lines:
        blocks.append((" ".join(lines), start))
    return blocks


def _sentences(paragraph: str, line: int) -> list[tuple[str, int]]:
    protected = paragraph
    for short in _ABBREVIATIONS:
        protected = protected.replace(short, short.replace(".", "\u2024"))
    parts: list[str] = []
    for part in _SENTENCE_END.split(protected):
        if parts and _ENUMERATOR.fullmatch(parts[-1] + " "):  # "3. Family friendly plan"
            parts[-1] = f"{parts[-1]} {part}"
        else:
            parts.append(part)
    return [(p.replace("\u2024", ".").strip(), line) for p in parts if p.strip()]


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _shorten(title: str) -> str:
    title = _one_line(title).rstrip(".")
    if len(title) <= TITLE_LIMIT:
        return title
    return title[: TITLE_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:–- ") + "…"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """Lower-case the first word unless it is a name or acronym ("SEND", "Board", "Mrs")."""
    first = text.split(" ", 1)[0]
    if first.lower() in {"a", "an", "the", "this", "that", "these", "those", "all", "each"}:
        return text[:1].lower() + text[1:]
    if first[:1].isupper() and first[1:2].islower() and first.lower() in _COMMON_STARTS:
        return text[:1].lower() + text[1:]
    return text


_COMMON_STARTS = {"further", "an", "more", "any", "some", "officers", "members", "regular"}
