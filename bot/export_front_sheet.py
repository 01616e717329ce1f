"""The export's front sheet: where the plan stands, as the board sees it in `/summary`.

Counted from the same actions the Actions sheet lists (withdrawn ones are not counted, as in
`/summary`), so every figure here matches the sheets behind it and the chat's summary."""

import io
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.dates import format_long
from bot.export_style import STATUS_COLOUR, paint
from bot.status import DONE_FIRST, Status
from storage.models import Action, Area

if TYPE_CHECKING:
    from bot.plan_export import ExportOptions, PlanActions

PLAN_TITLE = "The SEND improvement plan"
STATUS_HEADINGS = tuple(s.label for s in DONE_FIRST)
PERCENT_FORMAT = "0%"
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
        """As `/summary` rounds it: a whole percentage."""
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


def front_sheet(session: Session, options: "ExportOptions", actions: "PlanActions") -> FrontSheet:
    """The figures of the front sheet, from the export's own actions."""
    live = actions.live
    groups: dict[int, CountRow] = {}
    for action in live:
        group = action.working_group
        row = groups.setdefault(group.number, CountRow(f"{group.number} {group.name}", Counter()))
        row.counts[action.status] += 1
    return FrontSheet(
        title=options.titled("Summary"),
        heading=PLAN_TITLE if options.groups is None else f"{PLAN_TITLE}: {_scope(options)} only",
        exported=f"Exported on {format_long(options.today)}",
        whole=CountRow("All actions", Counter(a.status for a in live)),
        groups=tuple(groups[n] for n in sorted(groups)),
        areas=_areas(session, live),
        withdrawn=len(actions.withdrawn),
        chart=_chart(groups, options),
    )


def _scope(options: "ExportOptions") -> str:
    return group_numbers(options.groups or ())


def group_numbers(groups: tuple[int, ...]) -> str:
    """Working Group 1, or Working Groups 1, 3 and 4."""
    if len(groups) == 1:
        return f"Working Group {groups[0]}"
    *first, last = map(str, groups)
    return f"Working Groups {', '.join(first)} and {last}"


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


# Writing it


def write_front_sheet(sheet: Worksheet, front: FrontSheet) -> None:
    sheet.cell(row=1, column=1, value=front.heading).font = Font(bold=True, size=16)
    sheet.cell(row=2, column=1, value=front.exported)
    row = 4
    row = _status_table(sheet, row, front)
    row = _count_table(sheet, row + 1, "By working group", "Working group", front.groups)
    row = _count_table(sheet, row + 1, "By area of weakness", "Area of weakness", front.areas)
    note = "An action serving several areas of weakness is counted under each of them."
    sheet.cell(row=row, column=1, value=note)
    sheet.column_dimensions["A"].width = 48
    for column in range(2, 2 + len(STATUS_HEADINGS) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    chart = Image(io.BytesIO(front.chart))
    chart.width, chart.height = chart.width * 0.6, chart.height * 0.6
    sheet.add_image(chart, f"{get_column_letter(CHART_COLUMN)}4")


def _status_table(sheet: Worksheet, row: int, front: FrontSheet) -> int:
    row = _heading(sheet, row, "Actions by status", ("Status", "Actions"))
    for status in DONE_FIRST:
        row += 1
        paint(sheet.cell(row=row, column=1, value=status.label), STATUS_COLOUR[status.value])
        sheet.cell(row=row, column=2, value=front.whole.counts[status.value])
    row += 1
    _bold(sheet.cell(row=row, column=1, value="Total"))
    _bold(sheet.cell(row=row, column=2, value=front.whole.total))
    row += 1
    sheet.cell(row=row, column=1, value="Complete")
    _percent(sheet.cell(row=row, column=2, value=front.whole.share_complete))
    row += 1
    withdrawn = front.withdrawn
    sheet.cell(
        row=row,
        column=1,
        value=(
            f"Not counted: {withdrawn} withdrawn action{'' if withdrawn == 1 else 's'}, "
            "listed on the Withdrawn sheet."
        ),
    )
    return row + 2


def _count_table(
    sheet: Worksheet, row: int, title: str, what: str, lines: tuple[CountRow, ...]
) -> int:
    row = _heading(sheet, row, title, (what, "Actions", *STATUS_HEADINGS, "Complete"))
    for line in lines:
        row += 1
        cell = sheet.cell(row=row, column=1, value=line.label)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=row, column=2, value=line.total)
        for column, status in enumerate(DONE_FIRST, start=3):
            sheet.cell(row=row, column=column, value=line.counts[status.value])
        _percent(sheet.cell(row=row, column=3 + len(DONE_FIRST), value=line.share_complete))
    return row + 2


def _heading(sheet: Worksheet, row: int, title: str, columns: tuple[str, ...]) -> int:
    """A table's title and its header row; returns the header row's number."""
    sheet.cell(row=row, column=1, value=title).font = Font(bold=True, size=13)
    for column, name in enumerate(columns, start=1):
        cell = sheet.cell(row=row + 1, column=column, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return row + 1


def _bold(cell) -> None:
    cell.font = Font(bold=True)


def _percent(cell) -> None:
    cell.number_format = PERCENT_FORMAT
