"""The family-friendly update ("You said, we did"): the plan told to parents, carers and young
people, per area of weakness — what we said we would do, what has been done, what comes next.

Written from the plan's own action titles, so it is only as plain as they are: short sentences
around them, every acronym spelled out the first time (`plain_words`), and no officer's name or
internal reference. What the bot cannot make plain (an acronym it does not know) is listed for the
admin who approves the draft, never guessed.
"""

import base64
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.dates import MONTHS
from bot.minutes_verbs import ACTION_VERBS, RECORD_VERBS, participle
from bot.plain_words import Speller

# Verbs officers begin titles with that the minutes' list does not hold, and their past tense.
_MORE_VERBS = {
    "relaunch": "relaunched",
    "embed": "embedded",
    "strengthen": "strengthened",
    "pilot": "piloted",
    "streamline": "streamlined",
    "expand": "expanded",
    "increase": "increased",
    "coproduce": "coproduced",
    "redesign": "redesigned",
    "recommission": "recommissioned",
}
VERBS = ACTION_VERBS | RECORD_VERBS | set(_MORE_VERBS)
NEXT_SHOWN = 5  # what comes next: the soonest few, so the page stays short
# GOV.UK's text colour on white: a contrast of 19 to 1, far above the 4.5 to 1 WCAG AA asks.
TEXT_COLOUR = "#0b0c0c"
BACKGROUND = "#ffffff"
SECONDARY_TEXT = "#484949"  # 9 to 1 on white


@dataclass(frozen=True)
class FamilyAction:
    title: str
    done_on: date | None  # the day it was completed, if it has been
    due: date | None  # None: no date agreed


@dataclass(frozen=True)
class FamilyArea:
    title: str  # the area of weakness, as the inspection named it
    actions: tuple[FamilyAction, ...]


@dataclass(frozen=True)
class FamilyUpdate:
    """The words of the update, ready to be written as HTML or Markdown."""

    heading: str
    as_of: date
    intro: tuple[str, ...]
    sections: tuple["Section", ...]
    chart_alt: str
    words_to_check: tuple[str, ...]  # acronyms to spell out before sharing


@dataclass(frozen=True)
class Section:
    heading: str
    parts: tuple[tuple[str, tuple[str, ...]], ...]  # (sub-heading, sentences)


def family_update(
    plan_name: str,
    area_name: str,
    areas: Sequence[FamilyArea],
    today: date,
    hidden: Iterable[str] = (),
) -> FamilyUpdate:
    """The update's words. `hidden` are words that must never appear (officers' names, action
    refs): a sentence holding one loses it."""
    speller = Speller()
    scrub = _scrubber(hidden)

    def plain(text: str) -> str:
        return speller.spell(scrub(text))

    heading = plain(f"{plan_name}: you said, we did")  # first: it is read first
    actions = [a for area in areas for a in area.actions]
    done = sum(1 for a in actions if a.done_on)
    intro = (
        plain(f"This is an update on the {plan_name} for {area_name}."),
        plain(
            "After the inspection of services for children and young people with SEND, "
            "we made a plan to put things right."
        ),
        f"The plan has {_count(len(actions), 'thing')} for us to do. "
        f"We have done {done} of them so far.",
        f"This update was written on {_long(today)}.",
    )
    sections = tuple(_section(area, today, plain) for area in areas if area.actions)
    return FamilyUpdate(
        heading=_sentence_case(heading),
        as_of=today,
        intro=intro,
        sections=sections,
        chart_alt=_chart_alt(areas),
        words_to_check=tuple(sorted(speller.unknown)),
    )


def _section(area: FamilyArea, today: date, plain) -> Section:
    heading = plain(_sentence_case(area.title))  # first: an acronym is spelled out where read first
    said = tuple(plain(f"We said we would {_as_verb_phrase(a.title)}.") for a in area.actions)
    completed = sorted((a for a in area.actions if a.done_on), key=lambda a: a.done_on)
    done = tuple(plain(f"In {_month(a.done_on)}, we {_as_done(a.title)}.") for a in completed) or (
        "We have not finished any of these yet.",
    )
    open_ = [a for a in area.actions if not a.done_on]
    open_.sort(key=lambda a: (a.due is None, a.due or today))
    upcoming = tuple(_next(a, today, plain) for a in open_[:NEXT_SHOWN])
    if len(open_) > NEXT_SHOWN:
        upcoming += (f"There are {len(open_) - NEXT_SHOWN} more things still to do.",)
    return Section(
        heading=heading,
        parts=(
            ("What we said we would do", said),
            ("What we have done", done),
            ("What happens next", upcoming or ("Everything in this part of the plan is done.",)),
        ),
    )


def _next(action: FamilyAction, today: date, plain) -> str:
    if action.due is None:
        return plain(f"We will {_as_verb_phrase(action.title)}. We have not set a date yet.")
    if action.due < today:  # said plainly: families should hear when we are late
        return plain(
            f"We planned to {_as_verb_phrase(action.title)} by {_month(action.due)}. "
            "This is late, and we are still working on it."
        )
    return plain(f"By {_month(action.due)}, we will {_as_verb_phrase(action.title)}.")


def _as_verb_phrase(title: str) -> str:
    """ "Publish the Local Offer" → "publish the Local Offer"; a title that is not an instruction
    ("Annual reviews on time") becomes "work on annual reviews on time"."""
    title = title.strip().rstrip(".")
    first, _, rest = title.partition(" ")
    if first.lower() in VERBS and not first.isupper():
        return f"{first.lower()} {rest}".strip()
    return f"work on {_lower_first(title)}"


def _as_done(title: str) -> str:
    """ "Publish the Local Offer" → "published the Local Offer" (past tense)."""
    phrase = _as_verb_phrase(title)
    first, _, rest = phrase.partition(" ")
    if first in VERBS:
        past = _PAST.get(first) or _MORE_VERBS.get(first) or participle(first)
        return f"{past} {rest}".strip()
    return f"finished our work on {phrase.removeprefix('work on ')}"


# Where the past tense is not the past participle.
_PAST = {
    "give": "gave",
    "write": "wrote",
    "rewrite": "rewrote",
    "take": "took",
    "undertake": "undertook",
    "speak": "spoke",
    "run": "ran",
}


def _chart_alt(areas: Sequence[FamilyArea]) -> str:
    total = sum(len(a.actions) for a in areas)
    done = sum(1 for a in areas for x in a.actions if x.done_on)
    left = total - done
    return (
        f"A bar chart of the plan's progress. Of {_count(total, 'thing')} to do, {done} "
        f"{_is(done)} done and {left} {_is(left)} still being worked on."
    )


def _is(n: int) -> str:
    return "is" if n == 1 else "are"


def _scrubber(hidden: Iterable[str]):
    """Drops a ref ("(see 4.1)") and puts "our staff" where a person is named, so the sentence
    still reads."""
    words = sorted({w.strip() for w in hidden if w and len(w.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return lambda text: text
    pattern = re.compile(
        r"(\s*)(\(?)(?:see\s+)?(?<![\w.])("
        + "|".join(re.escape(w) for w in words)
        + r")(?:['’]s)?(?![\w])(\)?)",
        re.I,
    )

    def replace(found: re.Match[str]) -> str:
        if any(c.isdigit() for c in found[3]):  # a ref
            return ""
        return f"{found[1]}our staff" if not found[2] else ""

    return lambda text: re.sub(r"\s{2,}", " ", pattern.sub(replace, text)).strip()


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if first.isupper() else text[:1].lower() + text[1:]


def _month(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _long(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def as_markdown(update: FamilyUpdate, chart_file: str | None = None) -> str:
    """For a Local Offer website's editor: headings in order, one sentence to a line."""
    lines = [f"# {_md(update.heading)}", ""]
    lines += [_md(p) for p in update.intro] + [""]
    if chart_file:
        lines += [f"![{_md(update.chart_alt)}]({chart_file})", ""]
    for section in update.sections:
        lines += [f"## {_md(section.heading)}", ""]
        for sub, sentences in section.parts:
            lines += [f"### {sub}", ""] + [f"- {_md(s)}" for s in sentences] + [""]
    return "\n".join(lines).rstrip() + "\n"


def as_html(update: FamilyUpdate, chart_png: bytes | None = None) -> str:
    """A page that passes the basics of accessibility: a language, headings in order, the
    chart's alternative text, and text far above WCAG AA contrast."""
    esc = html.escape
    body = [f"<h1>{esc(update.heading)}</h1>"]
    body += [f"<p>{esc(p)}</p>" for p in update.intro]
    if chart_png:
        data = base64.b64encode(chart_png).decode("ascii")
        body.append(f'<img src="data:image/png;base64,{data}" alt="{esc(update.chart_alt)}">')
    for section in update.sections:
        body.append(f"<h2>{esc(section.heading)}</h2>")
        for sub, sentences in section.parts:
            items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
            body.append(f"<h3>{esc(sub)}</h3><ul>{items}</ul>")
    style = (
        f"body{{font-family:Arial,sans-serif;font-size:19px;line-height:1.5;"
        f"color:{TEXT_COLOUR};background:{BACKGROUND};max-width:40em;margin:2em auto;"
        f"padding:0 1em}}h1,h2,h3{{color:{TEXT_COLOUR}}}li{{margin-bottom:.5em}}"
        f"img{{max-width:100%}}.date{{color:{SECONDARY_TEXT}}}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(update.heading)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _md(text: str) -> str:
    """Markdown's own characters written as text, so a title cannot become a link or list."""
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)
