"""Block Kit for the summaries: always within Slack's limits, cutting lists with "…and N more"."""

from datetime import date

from bot.dates import format_long, relative_day
from bot.plan_config import sentence, short_review
from bot.risk_scale import IMPACT, LIKELIHOOD, band_of
from bot.status import Status
from bot.summary_lines import OFF_TRACK_TITLE, SummaryLines, plural
from bot.summary_service import Highlights, Overview, Part, RiskSummary, VisitReadiness
from handlers.slack.render import (
    STATUS_ICON,
    context,
    escape,
    header,
    message,
    pack_sections,
    person,
    section,
)
from handlers.slack.render_risks import BAND_ICON, LINES

MORE = "/summary export has the full list (admins; leads get their own groups)."
# Highest first, as a board reads a BRAG report.
STATUS_ORDER = (Status.RED, Status.AMBER, Status.GREEN, Status.NOT_STARTED, Status.BLUE)
SQUARE = {
    "green": ":large_green_square:",
    "amber": ":large_orange_square:",
    "red": ":large_red_square:",
}
SUMMARY_LINES = SummaryLines(LINES)


def render_overview(result: Overview, title: str | None = None) -> dict:
    title = title or result.title
    blocks = [header(title), section(_totals(result)), *pack_sections(_group_lines(result))]
    if result.areas:
        lines = [SUMMARY_LINES.area(area) for area in result.areas]
        blocks += pack_sections(["*By area of weakness*", *lines])
    for heading, part, line in SUMMARY_LINES.overview_lists(result):
        blocks += pack_sections([f"*{heading}*", *_lines(part, line, result.today)])
    if result.deadlines:
        deadlines = [LINES.deadline(d, result.today) for d in result.deadlines]
        blocks += pack_sections(["*Next deadlines*", *deadlines])
    if result.changes is not None:
        blocks.append(section(_changes(result)))
    if result.since_review is not None:
        since = result.since_review
        blocks += pack_sections([f"*{escape(since.heading())}*", *map(escape, since.lines())])
    if result.highlights is not None:
        blocks += pack_sections(_highlights(result.highlights, result.today))
    blocks.append(context(f"As at {format_long(result.today)}. {MORE}"))
    return message(escape(title), blocks)


def _totals(result: Overview) -> str:
    totals = result.totals
    everything = sum(totals.values())
    if not everything:
        return "No actions in the plan yet."
    done = totals.get(Status.BLUE.value, 0)
    counts = " · ".join(
        f"{STATUS_ICON[s]} {s.label.split(' (')[0]} {totals.get(s.value, 0)}" for s in STATUS_ORDER
    )
    return f"{counts}\n*{_percent(done, everything)} complete* ({done} of {everything} actions)"


def _group_lines(result: Overview) -> list[str]:
    lines = ["*By working group*"] if len(result.groups) > 1 else []
    return lines + [SUMMARY_LINES.group(group) for group in result.groups]


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _lines(part: Part, line, today: date) -> list[str]:
    lines = [line(item, today) for item in part.items]
    if part.total > len(part.items):
        lines.append(f"…and {part.total - len(part.items)} more. {MORE}")
    return lines


def _changes(result: Overview) -> str:
    changes = result.changes
    completed = ", ".join(escape(r) for r in changes.completed.items)
    more = (
        f" and {changes.completed.total - len(changes.completed.items)} more"
        if changes.completed.total > len(changes.completed.items)
        else ""
    )
    risks = ", ".join(changes.new_risks.items)
    lines = [
        f"*Since the last board meeting ({format_long(changes.since)})*",
        f"• {changes.status_changes} status change{'s' if changes.status_changes != 1 else ''}",
        f"• {changes.completed.total} completed" + (f": {completed}{more}" if completed else ""),
        f"• {changes.new_risks.total} new risk{'s' if changes.new_risks.total != 1 else ''}"
        + (f": {risks}" if risks else ""),
    ]
    return "\n".join(lines)


def _highlights(found: Highlights, today: date) -> list[str]:
    meeting = found.meeting
    lines = [
        f"*Highlight updates for {escape(meeting.title)}, {format_long(meeting.date)} "
        f"({relative_day(meeting.date, today)})*"
    ]
    for update in found.sent:
        lines += SUMMARY_LINES.highlight(update)
    if found.missing:
        lines.append(SUMMARY_LINES.not_sent(found.missing))
    return lines


# Risks


def render_risk_summary(result: RiskSummary) -> dict:
    counts = " · ".join(
        f"{BAND_ICON[colour]} {name} {count}" for name, colour, count in result.band_counts
    )
    total = sum(count for _, _, count in result.band_counts)
    blocks = [
        header("Risk register"),
        section(f"*{total} open risk{'s' if total != 1 else ''}* — {counts}"),
        section(_heat_map(result, result.bands)),
    ]
    if result.top.total:
        blocks += pack_sections(["*Top risks*", *_lines(result.top, LINES.risk, result.today)])
    blocks.append(context(f"As at {format_long(result.today)}. /risk list shows every open risk."))
    return message(f"Risk register: {total} open", blocks)


def _heat_map(result: RiskSummary, bands) -> str:
    """A 5×5 grid, likelihood up the side (5 at the top), impact along the bottom, each cell
    coloured by its band and holding its count of open risks."""
    lines = ["*Heat map* (open risks by likelihood and impact)"]
    for likelihood in range(5, 0, -1):
        cells = []
        for impact in range(1, 6):
            colour = band_of(likelihood * impact, bands).colour
            cells.append(f"{SQUARE[colour]}`{result.grid.get((likelihood, impact), 0):>2}`")
        words = LIKELIHOOD[likelihood - 1].lower()
        lines.append("  ".join(cells) + f"  likelihood {likelihood} ({words})")
    lines.append(
        "Rows are likelihood; columns are impact: "
        + ", ".join(f"{i} {name.lower()}" for i, name in enumerate(IMPACT, 1))
    )
    return "\n".join(lines)


# Visit readiness


def render_visit(result: VisitReadiness) -> dict:
    if result.visit is None:
        review = result.review
        typed = short_review(review)
        text = f"No {review} is set. An admin can add one with /deadline add {typed} DATE."
        return message(text, [section(text)])
    visit = result.visit
    opening = (
        f"*{escape(visit.title)}* is {relative_day(visit.date, result.today)}, on "
        f"{format_long(visit.date)}. {escape(result.evidence)}"
    )
    share = (
        f"*{result.updated} of {result.open_total} open actions "
        f"({_percent(result.updated, result.open_total)})* "
        f"have been updated {result.window.words}."
    )
    lines = SUMMARY_LINES
    blocks = [
        header(f"{sentence(result.review)} readiness"),
        section(opening),
        section(share),
        *pack_sections(["*By working group*"] + [lines.group_share(*g) for g in result.groups]),
    ]
    if result.areas:
        areas = [lines.area_share(*a) for a in result.areas]
        blocks += pack_sections(["*By area of weakness*", *areas])
    if result.waiting.total:
        waiting = [f"*Still to update ({plural(result.waiting.total, 'person')})*"] + [
            f"• {person(owner)} — {plural(count, 'action')}"
            for owner, count in result.waiting.items
        ]
        if result.waiting.total > len(result.waiting.items):
            waiting.append(f"…and {result.waiting.total - len(result.waiting.items)} more. {MORE}")
        blocks += pack_sections(waiting)
    if result.off_track.total:
        title = f"*{OFF_TRACK_TITLE} ({result.off_track.total})*"
        blocks += pack_sections([title, *_lines(result.off_track, lines.off_track, result.today)])
    return message(f"{sentence(result.review)} readiness", blocks)
