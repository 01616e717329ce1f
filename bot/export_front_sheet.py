"""The export's front sheet: where the plan stands, as the board sees it in the summary command.

Counted from the same actions the Actions sheet lists (withdrawn ones are not counted, as in
the summary command), so every figure here matches the sheets behind it and the chat's summary."""

import io
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.drawing.image import Image
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.dates import format_long
from bot.export_style import BOLD, STATUS_COLOUR, WRAPPED, paint
from bot.plan_config import officer_rows, sentence
from bot.status import DONE_FIRST, Status
from storage.models import Action, Area

if TYPE_CHECKING:
    from bot.plan_export import ExportOptions, PlanActions

STATUS_HEADINGS = tuple(s.label for s in DONE_FIRST)
LABEL_COLOUR = {s.label: STATUS_COLOUR[s.value] for s in DONE_FIRST}  # a status column's heading
PERCENT_FORMAT = "0%"
TITLE = Font(bold=True, size=16)
SUBTITLE = Font(bold=True, size=13)
CHART_COLUMN = 12  # the chart sits to the right of the tables, from column L


@dataclass(frozen=True)
class CountRow:
    """One line of a table: what is counted, and its live actions by status."""

    label: str
    counts: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> int:
        return self.counts[Status.BLUE.value]

    @property
    def share_complete(self) -> float:
        """As the summary command rounds it: a whole percentage."""
        return round(100 * self.complete / self.total) / 100 if self.total else 0.0


@dataclass(frozen=True)
class FrontSheet:
    title: str  # the sheet's
    heading: str
    exported: str
    whole: CountRow
    groups: tuple[CountRow, ...]
    areas: tuple[CountRow, ...]
    withdrawn: int
    chart: bytes
    officers: tuple[list[str], ...] = ()  # the plan's accountable officers and advisers


def front_sheet(session: Session, options: "ExportOptions", actions: "PlanActions") -> FrontSheet:
    """The figures of the front sheet, from the export's own actions."""
    live = actions.live
    groups: dict[int, CountRow] = {}
    for action in live:
        group = action.working_group
        row = groups.setdefault(group.number, CountRow(f"{group.number} {group.name}", Counter()))
        row.counts[action.status] += 1
    title = sentence(options.plan.the_plan)
    return FrontSheet(
        title=options.titled("Summary"),
        heading=title if options.groups is None else f"{title}: {_scope(options)} only",
        exported=f"Exported on {format_long(options.today)}",
        whole=CountRow("All actions", Counter(a.status for a in live)),
        groups=tuple(groups[n] for n in sorted(groups)),
        areas=_areas(session, live),
        withdrawn=len(actions.withdrawn),
        chart=_chart(groups, options),
        officers=officer_rows(options.plan),
    )


def _scope(options: "ExportOptions") -> str:
    return group_numbers(options.groups or ())


def group_numbers(groups: tuple[int, ...]) -> str:
    """Working group 1, or Working groups 1, 3 and 4."""
    if len(groups) == 1:
        return f"Working group {groups[0]}"
    *first, last = map(str, groups)
    return f"Working groups {', '.join(first)} and {last}"


def _areas(session: Session, live: list[Action]) -> tuple[CountRow, ...]:
    """Every area of weakness, then the actions linked to none. An action may serve several
    areas, so this table's total can be more than the plan's."""
    rows = {
        area.number: CountRow(_area_label(area), Counter())
        for area in session.scalars(select(Area).order_by(Area.number))
    }
    unlinked = CountRow("Not linked to an area of weakness", Counter())
    for action in live:
        for area in action.areas:
            rows[area.number].counts[action.status] += 1
        if not action.areas:
            unlinked.counts[action.status] += 1
    return (*rows.values(), *([unlinked] if unlinked.total else []))


def _area_label(area: Area) -> str:
    """Area 3: Joint commissioning; a board that gave no titles has only "Area 3"."""
    number = f"Area {area.number}"
    return area.title if area.title.startswith(number) else f"{number}: {area.title}"


def _chart(groups: dict[int, CountRow], options: "ExportOptions") -> bytes:
    # matplotlib takes a second to import: only processes that write a workbook pay for it.
    from bot.brag_chart import GroupCounts, brag_chart_png

    bars = [
        GroupCounts(number, row.label.split(" ", 1)[1], dict(row.counts))
        for number, row in groups.items()
    ]
    return brag_chart_png(bars, subtitle=f"As at {format_long(options.today)}")


# Writing it, row by row (the workbook is write-only)


def write_front_sheet(sheet: WriteOnlyWorksheet, front: FrontSheet) -> None:
    sheet.column_dimensions["A"].width = 48
    for column in range(2, 4 + len(STATUS_HEADINGS)):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    chart = Image(io.BytesIO(front.chart))
    chart.width, chart.height = chart.width * 0.6, chart.height * 0.6
    sheet.add_image(chart, f"{get_column_letter(CHART_COLUMN)}4")
    rows = [
        [_styled(sheet, front.heading, font=TITLE)],
        [front.exported],
        [],
        *([_styled(sheet, r[0], font=SUBTITLE)] if len(r) == 1 else r for r in front.officers),
        *_status_table(sheet, front),
        [],
        *_count_table(sheet, "By working group", "Working group", front.groups),
        [],
        *_count_table(sheet, "By area of weakness", "Area of weakness", front.areas),
        ["An action serving several areas of weakness is counted under each of them."],
    ]
    for row in rows:
        sheet.append(row)


def _status_table(sheet: WriteOnlyWorksheet, front: FrontSheet) -> list[list]:
    withdrawn = front.withdrawn
    return [
        *_heading(sheet, "Actions by status", ("Status", "Actions")),
        *(
            [_styled(sheet, s.label, colour=STATUS_COLOUR[s.value]), front.whole.counts[s.value]]
            for s in DONE_FIRST
        ),
        [_styled(sheet, "Total", font=BOLD), _styled(sheet, front.whole.total, font=BOLD)],
        ["Complete", _percent(sheet, front.whole.share_complete)],
        [
            f"Not counted: {withdrawn} withdrawn action{'' if withdrawn == 1 else 's'}, "
            "listed on the Withdrawn sheet."
        ],
    ]


def _count_table(
    sheet: WriteOnlyWorksheet, title: str, what: str, lines: tuple[CountRow, ...]
) -> list[list]:
    heading = _heading(sheet, title, (what, "Actions", *STATUS_HEADINGS, "Complete"))
    return [
        *heading,
        *(
            [
                _styled(sheet, line.label, wrap=True),
                line.total,
                *(line.counts[status.value] for status in DONE_FIRST),
                _percent(sheet, line.share_complete),
            ]
            for line in lines
        ),
    ]


def _heading(sheet: WriteOnlyWorksheet, title: str, columns: tuple[str, ...]) -> list[list]:
    """A table's title, then its header row."""
    return [
        [_styled(sheet, title, font=SUBTITLE)],
        [
            _styled(sheet, name, font=BOLD, colour=LABEL_COLOUR.get(name), wrap=True)
            for name in columns
        ],
    ]


def _styled(
    sheet: WriteOnlyWorksheet,
    value: str | int,
    *,
    font: Font | None = None,
    colour: str | None = None,
    wrap: bool = False,
) -> XlCell:
    cell = WriteOnlyCell(sheet, value)
    if font is not None:
        cell.font = font
    if colour is not None:
        paint(cell, colour)
    if wrap:
        cell.alignment = WRAPPED
    return cell


def _percent(sheet: WriteOnlyWorksheet, share: float) -> XlCell:
    cell = WriteOnlyCell(sheet, share)
    cell.number_format = PERCENT_FORMAT
    return cell
