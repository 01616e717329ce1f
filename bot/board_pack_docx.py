"""The highlight report for a board meeting as a Word document, in the shape councils use for
board papers: a cover, the overall position, a section per working group, progress per area of
weakness, and readiness for the next monitoring visit.

Only layout lives here; every figure comes in a `BoardPack` gathered from the same queries as
the summary command, so the paper and the chat never disagree.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor

from bot.dates import format_long
from bot.status import DONE_FIRST, Status

TEXT = RGBColor(0x0B, 0x0C, 0x0C)


@dataclass(frozen=True)
class PackAction:
    ref: str
    title: str
    owner: str
    status: Status
    detail: str | None = None  # evidence for completed work, the reason for off-track work
    due: date | None = None


@dataclass(frozen=True)
class PackRisk:
    ref: str
    description: str
    owner: str
    score: int
    band: str
    trend: str  # "up", "down", "same" or "new"


@dataclass(frozen=True)
class PackHighlight:
    brag: Status
    achievements: str
    issues: str | None
    next_steps: str | None
    author: str
    on: date


@dataclass(frozen=True)
class PackGroup:
    number: int
    name: str
    lead: str | None
    counts: dict[str, int]
    completed: tuple[PackAction, ...] = ()
    highlight: PackHighlight | None = None
    off_track: tuple[PackAction, ...] = ()
    risks: tuple[PackRisk, ...] = ()
    decisions: tuple[str, ...] = ()
    coming_up: tuple[PackAction, ...] = ()
    movement: tuple[str, ...] = ()  # improved and slipped since the latest review

    @property
    def brag(self) -> Status:
        """The lead's own rating when sent; else the worst status of the group's open work."""
        if self.highlight:
            return self.highlight.brag
        for status in (Status.RED, Status.AMBER, Status.GREEN, Status.NOT_STARTED):
            if self.counts.get(status.value):
                return status
        return Status.BLUE


@dataclass(frozen=True)
class PackArea:
    number: int
    title: str
    counts: dict[str, int]


@dataclass(frozen=True)
class BoardPack:
    plan_name: str
    meeting_title: str
    meeting: date
    prepared: date
    since: date | None  # the last board meeting: "completed since" counts from here
    totals: dict[str, int]
    chart_png: bytes | None
    chart_alt: str
    groups: tuple[PackGroup, ...]
    areas: tuple[PackArea, ...]
    readiness: tuple[str, ...] = ()
    officers: tuple[str, ...] = field(default=())  # accountable officers, for the cover
    next_meeting: date | None = None
    coming_until: date | None = None  # "next steps" lists what falls due before this day

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def complete(self) -> int:
        return self.totals.get(Status.BLUE.value, 0)

    @property
    def percent_complete(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 0


def board_pack_docx(pack: BoardPack) -> bytes:
    doc = Document()
    _base_style(doc)
    doc.core_properties.title = f"{pack.plan_name}: highlight report"
    doc.core_properties.subject = pack.meeting_title
    _cover(doc, pack)
    _overall(doc, pack)
    for group in pack.groups:
        _group(doc, group, pack)
    _areas(doc, pack.areas)
    doc.add_heading("Readiness for the next monitoring visit", level=1)
    for line in pack.readiness or ("No monitoring visit is set.",):
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _base_style(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.font.color.rgb = TEXT


def _cover(doc, pack: BoardPack) -> None:
    doc.add_heading(pack.plan_name, level=0)
    doc.add_paragraph(f"Highlight report to the {pack.meeting_title}, {format_long(pack.meeting)}")
    doc.add_paragraph(f"Prepared on {format_long(pack.prepared)} from the plan as it stood then.")
    if pack.officers:
        doc.add_paragraph("Accountable officers: " + "; ".join(pack.officers))
    doc.add_page_break()


def _overall(doc, pack: BoardPack) -> None:
    doc.add_heading("Overall position", level=1)
    doc.add_paragraph(
        f"{pack.total} actions: {pack.percent_complete}% complete "
        f"({pack.totals.get(Status.BLUE.value, 0)} of {pack.total})."
    )
    _counts_table(doc, [("All actions", pack.totals)])
    if pack.chart_png:
        doc.add_picture(io.BytesIO(pack.chart_png), width=Cm(16))
        _alt_text(doc, pack.chart_alt)
    rows = [(f"{g.number}. {g.name}", g.counts) for g in pack.groups]
    if rows:
        doc.add_paragraph("By working group:")
        _counts_table(doc, rows)


def _alt_text(doc, words: str) -> None:
    """The chart's description, for screen readers (Word's own alt text field)."""
    shape = doc.inline_shapes[-1]
    shape._inline.docPr.set("descr", words)
    shape._inline.docPr.set("title", "Progress chart")


def _counts_table(doc, rows: Sequence[tuple[str, dict[str, int]]]) -> None:
    table = doc.add_table(rows=1, cols=len(DONE_FIRST) + 2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    heads = ["", *(s.label for s in DONE_FIRST), "Total"]
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
    for name, counts in rows:
        cells = table.add_row().cells
        values = [counts.get(s.value, 0) for s in DONE_FIRST]
        for cell, text in zip(cells, [name, *values, sum(values)], strict=True):
            cell.text = str(text)


def _group(doc, group: PackGroup, pack: BoardPack) -> None:
    doc.add_heading(f"Working group {group.number}: {group.name}", level=1)
    lead = f" Lead: {group.lead}." if group.lead else ""
    doc.add_paragraph(f"Rating: {group.brag.label}.{lead}")
    for line in group.movement:
        doc.add_paragraph(line)
    since = f" since {format_long(pack.since)}" if pack.since else ""
    doc.add_heading(f"Completed{since}", level=2)
    _actions(doc, group.completed, "Evidence", "Nothing was completed in this period.")
    doc.add_heading("Highlight update from the lead", level=2)
    if group.highlight:
        h = group.highlight
        doc.add_paragraph(f"Sent by {h.author} on {format_long(h.on)}.")
        for label, text in (
            ("Achievements", h.achievements),
            ("Issues", h.issues),
            ("Next steps", h.next_steps),
        ):
            if text:
                para = doc.add_paragraph()
                para.add_run(f"{label}: ").bold = True
                para.add_run(text)
    else:
        doc.add_paragraph("No highlight update was sent for this meeting.")
    doc.add_heading("Off track", level=2)
    _actions(doc, group.off_track, "Reason", "No action is off track.")
    doc.add_heading("Risks", level=2)
    _risks(doc, group.risks)
    doc.add_heading("Decisions for the board", level=2)
    for decision in group.decisions or ("None.",):
        doc.add_paragraph(decision, style="List Bullet" if group.decisions else None)
    doc.add_heading("Next steps", level=2)
    if group.highlight and group.highlight.next_steps:
        doc.add_paragraph(f"From the lead: {group.highlight.next_steps}")
    if pack.next_meeting:
        until = f"before the next board meeting on {format_long(pack.next_meeting)}"
    elif pack.coming_until:
        until = f"before {format_long(pack.coming_until)} (no later board meeting is set)"
    else:
        until = "soon"
    doc.add_paragraph(f"Due {until}:")
    _actions(doc, group.coming_up, "Due", "Nothing falls due in that time.")


def _actions(doc, actions: Sequence[PackAction], detail: str, empty: str) -> None:
    if not actions:
        doc.add_paragraph(empty)
        return
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("Ref", "Action", "Owner", "Status", detail), strict=True
    ):
        cell.text = text
    for action in actions:
        extra = format_long(action.due) if detail == "Due" and action.due else action.detail
        values = (action.ref, action.title, action.owner, action.status.label, extra or "")
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


_TREND = {"up": "Rising", "down": "Falling", "same": "No change", "new": "New"}


def _risks(doc, risks: Sequence[PackRisk]) -> None:
    if not risks:
        doc.add_paragraph("No open risks.")
        return
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("Ref", "Risk", "Owner", "Score", "Trend"), strict=True
    ):
        cell.text = text
    for risk in risks:
        values = (
            risk.ref,
            risk.description,
            risk.owner,
            f"{risk.score} ({risk.band})",
            _TREND.get(risk.trend, risk.trend),
        )
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def _areas(doc, areas: Sequence[PackArea]) -> None:
    doc.add_heading("Progress by area of weakness", level=1)
    if not areas:
        doc.add_paragraph("No areas of weakness are set.")
        return
    _counts_table(doc, [(f"{a.number}. {a.title}", a.counts) for a in areas])
