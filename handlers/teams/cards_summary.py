"""The chair's summaries as Adaptive Cards: the overview, the risk register with its heat map,
and monitoring visit readiness. Lists are cut with "…and N more", as on Slack."""

from collections.abc import Callable
from datetime import date

from bot.dates import format_long, relative_day
from bot.risk_scale import IMPACT, LIKELIHOOD, band_of
from bot.status import Status
from bot.summary_lines import SummaryLines
from bot.summary_service import Highlights, Overview, Part, RiskSummary
from handlers.teams.cards_kit import (
    BAND_ICON,
    STATUS_ICON,
    block,
    card,
    heading,
    inert,
    label,
    line,
    note,
    percent,
    plural,
)
from handlers.teams.cards_risks import LINES

MORE = "summary export has the full list (admins; leads get their own groups)."
# Highest first, as a board reads a BRAG report.
STATUS_ORDER = (Status.RED, Status.AMBER, Status.GREEN, Status.NOT_STARTED, Status.BLUE)
# A heat map cell's colour is the Teams container style for its band.
CELL_STYLE = {"green": "good", "amber": "warning", "red": "attention"}
SUMMARY_LINES = SummaryLines(LINES)


def overview_card(result: Overview) -> dict:
    body = [block(inert(result.title), weight="Bolder", size="Large"), block(_totals(result))]
    if len(result.groups) > 1:
        body.append(label("By working group"))
    body += [line(SUMMARY_LINES.group(group)) for group in result.groups]
    if result.areas:
        body.append(label("By area of weakness"))
        body += [line(SUMMARY_LINES.area(area)) for area in result.areas]
    for title, part, shown in SUMMARY_LINES.overview_lists(result):
        body += [label(title), *_lines(part, shown, result.today)]
    if result.deadlines:
        body.append(label("Next deadlines"))
        body += [line(LINES.deadline(d, result.today)) for d in result.deadlines]
    if result.changes is not None:
        body += _changes(result)
    if result.since_review is not None:
        since = result.since_review
        body += [label(inert(since.heading())), *(line(inert(text)) for text in since.lines())]
    if result.highlights is not None:
        body += highlight_lines(result.highlights, result.today)
    body.append(note(f"As at {format_long(result.today)}. {MORE}"))
    return card(body)


def _totals(result: Overview) -> str:
    totals = result.totals
    everything = sum(totals.values())
    if not everything:
        return "No actions in the plan yet."
    done = totals.get(Status.BLUE.value, 0)
    counts = " · ".join(
        f"{STATUS_ICON[s]} {s.label.split(' (')[0]} {totals.get(s.value, 0)}" for s in STATUS_ORDER
    )
    return f"{counts}\n\n**{percent(done, everything)} complete** ({done} of {everything} actions)"


def _lines(part: Part, shown: Callable, today: date) -> list[dict]:
    lines = [line(shown(item, today)) for item in part.items]
    if part.total > len(part.items):
        lines.append(note(f"…and {part.total - len(part.items)} more. {MORE}"))
    return lines


def _changes(result: Overview) -> list[dict]:
    changes = result.changes
    completed = ", ".join(inert(ref) for ref in changes.completed.items)
    left = changes.completed.total - len(changes.completed.items)
    more = f" and {left} more" if left > 0 else ""
    risks = ", ".join(inert(ref) for ref in changes.new_risks.items)
    return [
        label(f"Since the last board meeting ({format_long(changes.since)})"),
        line(f"• {plural(changes.status_changes, 'status change')}"),
        line(
            f"• {changes.completed.total} completed" + (f": {completed}{more}" if completed else "")
        ),
        line(f"• {plural(changes.new_risks.total, 'new risk')}" + (f": {risks}" if risks else "")),
    ]


def highlight_lines(found: Highlights, today: date) -> list[dict]:
    meeting = found.meeting
    body = [
        label(
            f"Highlight updates for {inert(meeting.title)}, {format_long(meeting.date)} "
            f"({relative_day(meeting.date, today)})"
        )
    ]
    for update in found.sent:
        body += [line(text) for text in SUMMARY_LINES.highlight(update)]
    if found.missing:
        body.append(line(SUMMARY_LINES.not_sent(found.missing)))
    return body


# Risks


def risk_summary_card(result: RiskSummary) -> dict:
    counts = " · ".join(
        f"{BAND_ICON[colour]} {inert(band)} {count}" for band, colour, count in result.band_counts
    )
    total = sum(count for _, _, count in result.band_counts)
    body = [
        heading("Risk register"),
        block(f"**{plural(total, 'open risk')}** — {counts}"),
        label("Heat map"),
        block("Open risks by likelihood and impact", isSubtle=True, spacing="None"),
        heat_map(result),
        block(
            "Rows are likelihood; columns are impact: "
            + ", ".join(f"{i} {word.lower()}" for i, word in enumerate(IMPACT, 1)),
            isSubtle=True,
        ),
    ]
    if result.top.total:
        body += [label("Top risks"), *_lines(result.top, LINES.risk, result.today)]
    body.append(note(f"As at {format_long(result.today)}. risk list shows every open risk."))
    return card(body)


def heat_map(result: RiskSummary) -> dict:
    """A 5×5 table, likelihood up the side (5 at the top), impact along the bottom, each cell
    coloured by its band and holding its count of open risks."""
    rows = []
    for likelihood in range(5, 0, -1):
        cells = [_cell(f"Likelihood {likelihood} ({LIKELIHOOD[likelihood - 1].lower()})")]
        for impact in range(1, 6):
            colour = band_of(likelihood * impact, result.bands).colour
            count = result.grid.get((likelihood, impact), 0)
            cells.append(_cell(str(count), style=CELL_STYLE[colour], weight="Bolder"))
        rows.append({"type": "TableRow", "cells": cells})
    impacts = [_cell(word) for word in IMPACT]
    rows.append({"type": "TableRow", "cells": [_cell("Impact"), *impacts]})
    return {
        "type": "Table",
        "columns": [{"width": 3}] + [{"width": 1}] * 5,
        "rows": rows,
        "firstRowAsHeader": False,
        "horizontalCellContentAlignment": "Center",
    }


def _cell(text: str, style: str | None = None, **text_style: object) -> dict:
    cell: dict = {"type": "TableCell", "items": [block(text, **text_style)]}
    if style:
        cell["style"] = style
    return cell
