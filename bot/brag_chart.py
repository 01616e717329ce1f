"""Draw a PNG stacked bar chart of actions per working group by BRAG status, for Slack (or,
within a size, for chats that show small pictures inline: Teams).

Uses matplotlib's object-oriented API with the Agg canvas and never pyplot: pyplot keeps a
global registry of open figures and may pick an interactive backend, neither of which a
threaded bot server wants. Each Figure here belongs to one call, so concurrent calls share
nothing mutable, and it is freed by ordinary garbage collection (there is nothing to close).
"""

import io
import textwrap
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from bot.status import DONE_FIRST, Status


@dataclass(frozen=True)
class GroupCounts:
    number: int  # working group number
    name: str  # e.g. "Understanding of Need"
    counts: dict[str, int]  # Status value ("not started", "red", ...) -> count


@dataclass(frozen=True)
class _Style:
    colour: str
    legend: str
    text: str  # segment label colour, chosen for contrast with `colour`


# Stacked in DONE_FIRST's order, so bars read left to right from done to not begun.
_STYLES: dict[Status, _Style] = {
    Status.BLUE: _Style("#1d70b8", "Blue – complete", "white"),
    Status.GREEN: _Style("#00703c", "Green – on track", "white"),
    Status.AMBER: _Style("#f47738", "Amber – at risk", "#0b0c0c"),
    Status.RED: _Style("#d4351c", "Red – off track", "white"),
    Status.NOT_STARTED: _Style("#b1b4b6", "Not started", "#0b0c0c"),
}

_WIDTH_IN = 12.0
_DPI = 100
_INK = "#0b0c0c"
_SECONDARY = "#505a5f"
_GRID = "#dfe1e2"
_EDGE_IN = 0.15  # margin around the header, in inches
_GAP_IN = 0.15  # space between the legend and the chart
_LABEL_CHARS = 30  # wrap long group names rather than squeezing the bars
_SEGMENT_PAD_PX = 6  # a count is drawn only if it fits with this much room to spare
_PALETTE_COLOURS = 64  # enough for the five statuses, the inks and their anti-aliased edges


def brag_chart_png(
    groups: list[GroupCounts],
    title: str = "Actions by working group and status",
    subtitle: str | None = None,
    max_px: int | None = None,
) -> bytes:
    """Return a PNG of one horizontal stacked bar per working group, ordered by number.

    With `max_px`, the same chart at a resolution that keeps each side within that many pixels,
    in a palette of colours so it stays a few tens of kilobytes (Teams shows a picture inline
    only within 1024 pixels and inside a message of about 100 KB)."""
    ordered = sorted(groups, key=lambda g: g.number)
    for group in ordered:
        _check_counts(group)
    height_in = _height_in(len(ordered))
    dpi = _DPI if max_px is None else min(_DPI, max_px / _WIDTH_IN, max_px / height_in)
    fig = Figure(figsize=(_WIDTH_IN, height_in), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    top = _add_header(fig, title, subtitle)
    ax = fig.add_subplot()
    segments: list[tuple[Text, Rectangle]] = []
    if sum(_total(g) for g in ordered) == 0:
        _draw_empty(ax)
    else:
        shown, segments = _draw_bars(ax, ordered)
        top = _add_legend(fig, shown, top)
    # Constrained layout fits the axes and its tick labels into the space below the header.
    body_top = (top - _GAP_IN) / fig.get_figheight()
    fig.set_layout_engine(ConstrainedLayoutEngine(h_pad=0.1, w_pad=0.15, rect=(0, 0, 1, body_top)))
    if segments:
        _hide_crowded_counts(fig, segments)
    png = _to_png(fig)
    return png if max_px is None else _in_palette(png)


def _check_counts(group: GroupCounts) -> None:
    # Fail loudly: a misspelt status would otherwise silently vanish from the chart.
    known = {s.value for s in Status}
    for key, count in group.counts.items():
        if key not in known:
            raise ValueError(f"Working group {group.number}: unknown status {key!r}")
        if count < 0:
            raise ValueError(f"Working group {group.number}: negative count for {key!r}")


def _height_in(n_groups: int) -> float:
    # 700 px suits Slack's preview; more groups get taller rows so two-line labels never touch.
    return min(16.0, max(7.0, 2.0 + 0.48 * n_groups))


def _total(group: GroupCounts) -> int:
    return sum(group.counts.get(s.value, 0) for s in _STYLES)


def _group_label(group: GroupCounts) -> str:
    lines = textwrap.wrap(
        f"{group.number}  {group.name}", _LABEL_CHARS, max_lines=2, placeholder="…"
    )
    return "\n".join(lines) or str(group.number)


def _add_header(fig: Figure, title: str, subtitle: str | None) -> float:
    """Write the title and subtitle at the top left; return where the legend should start.

    Positions are in inches from the bottom, so the header keeps its size however tall the
    figure is. Left-aligned text matches GOV.UK chart style and Slack's own layout.
    """
    place = {"ha": "left", "va": "top", "transform": fig.dpi_scale_trans}
    top = fig.get_figheight() - _EDGE_IN
    fig.text(_EDGE_IN, top, title, fontsize=18, fontweight="bold", color=_INK, **place)
    top -= 0.4
    if subtitle:
        fig.text(_EDGE_IN, top, subtitle, fontsize=12, color=_SECONDARY, **place)
        top -= 0.32
    return top


def _draw_empty(ax: Axes) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, "No actions yet", ha="center", va="center", fontsize=20, color=_SECONDARY)


def _draw_bars(
    ax: Axes, groups: list[GroupCounts]
) -> tuple[list[Status], list[tuple[Text, Rectangle]]]:
    """Stack the segments; return the statuses drawn and each count label with its bar."""
    y = list(range(len(groups)))
    left = [0] * len(groups)
    shown: list[Status] = []
    segments: list[tuple[Text, Rectangle]] = []
    for status in DONE_FIRST:
        style = _STYLES[status]
        widths = [g.counts.get(status.value, 0) for g in groups]
        if not any(widths):
            continue  # an absent status stays out of the legend too
        bars = ax.barh(y, widths, left=left, height=0.68, color=style.colour)
        labels = [str(w) if w else "" for w in widths]
        texts = ax.bar_label(bars, labels, label_type="center", color=style.text, fontsize=11)
        segments += zip(texts, bars.patches, strict=True)
        left = [a + b for a, b in zip(left, widths, strict=True)]
        shown.append(status)
    _label_totals(ax, y, left)
    _style_axes(ax, [_group_label(g) for g in groups], max(left))
    return shown, segments


def _label_totals(ax: Axes, y: list[int], totals: list[int]) -> None:
    for row, total in zip(y, totals, strict=True):
        ax.annotate(
            str(total),
            (total, row),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=12,
            fontweight="bold",
            color=_INK,
        )


def _style_axes(ax: Axes, labels: list[str], max_total: int) -> None:
    ax.set_yticks(range(len(labels)), labels, fontsize=12, color=_INK)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # reversed, so group 1 is at the top
    ax.set_xlim(0, max_total * 1.08 + 1)  # room for the total after the longest bar
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Number of actions", fontsize=12, color=_SECONDARY)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.tick_params(axis="x", colors=_SECONDARY, labelsize=11)
    ax.grid(axis="x", color=_GRID, linewidth=1)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(_SECONDARY)


def _add_legend(fig: Figure, shown: list[Status], top: float) -> float:
    """Put a one-row legend under the header; return the height it leaves for the chart."""
    handles = [Patch(color=_STYLES[s].colour, label=_STYLES[s].legend) for s in shown]
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(_EDGE_IN - 0.02, top),
        bbox_transform=fig.dpi_scale_trans,
        ncols=len(handles),
        frameon=False,
        borderpad=0,
        borderaxespad=0,
        fontsize=12,
        handlelength=1.1,
        handleheight=1.1,
        columnspacing=1.8,
    )
    return top - 0.3


def _hide_crowded_counts(fig: Figure, segments: list[tuple[Text, Rectangle]]) -> None:
    # Text size is only known in pixels after a draw, so lay out first, then drop any count
    # that would spill past its segment. Hiding text inside the axes does not move the layout.
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for text, bar in segments:
        room = bar.get_window_extent(renderer).width - _SEGMENT_PAD_PX
        if text.get_window_extent(renderer).width > room:
            text.set_visible(False)


def _in_palette(png: bytes) -> bytes:
    # A chart is a few flat colours and anti-aliased text: a palette of them is a third of the
    # size and looks the same. The chart's own colours are put in the palette as they are, so
    # that a thin segment keeps its status's colour. Pillow comes with matplotlib.
    from PIL import Image, ImageColor

    own = {ImageColor.getrgb(c) for c in (*_flat_colours(), "white")}
    with Image.open(io.BytesIO(png)) as drawn:
        image = drawn.convert("RGB")
    shades = image.quantize(colors=_PALETTE_COLOURS - len(own)).getpalette() or []
    palette = Image.new("P", (1, 1))
    palette.putpalette([*shades[: 3 * (_PALETTE_COLOURS - len(own))], *(v for c in own for v in c)])
    buffer = io.BytesIO()
    image.quantize(palette=palette, dither=Image.Dither.NONE).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _flat_colours() -> tuple[str, ...]:
    styles = tuple(c for style in _STYLES.values() for c in (style.colour, style.text))
    return (*styles, _INK, _SECONDARY, _GRID)


def _to_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    # Drop the "Software" stamp (it names the matplotlib version) so the bytes depend only on
    # the chart; Agg itself adds no timestamp, so the same input gives the same PNG.
    fig.savefig(buffer, format="png", facecolor="white", metadata={"Software": None})
    return buffer.getvalue()
