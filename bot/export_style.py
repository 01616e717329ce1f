"""How the export colours a cell by BRAG status or risk band: GOV.UK colours, and text dark or
white so the words (always there too, never colour alone) stay readable."""

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill

BRAG_FILLS = {
    "blue": ("1D70B8", "FFFFFF"),
    "green": ("00703C", "FFFFFF"),
    "amber": ("F47738", "0B0C0C"),
    "red": ("D4351C", "FFFFFF"),
    "grey": ("B1B4B6", "0B0C0C"),
}
STATUS_COLOUR = {
    "not started": "grey",
    "red": "red",
    "amber": "amber",
    "green": "green",
    "blue": "blue",
}

BOLD = Font(bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")

# One style object each, shared by every cell: 10,000 coloured cells cost no more than one.
_FILLS = {
    colour: (
        PatternFill(start_color=fill, end_color=fill, fill_type="solid"),
        Font(color=font, bold=True),
    )
    for colour, (fill, font) in BRAG_FILLS.items()
}


def paint(cell: Cell, colour: str) -> None:
    """Fill `cell` with a BRAG_FILLS colour."""
    cell.fill, cell.font = _FILLS[colour]
