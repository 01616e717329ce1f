"""The files the chair asks for: the BRAG chart (PNG) and the whole plan (XLSX, or CSV in a zip).

Made here, in the core, as bytes; a door only sends them (bot.delivery.OutgoingFile)."""

import tempfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.dates import format_long
from bot.delivery import OutgoingFile
from bot.export_front_sheet import group_numbers as group_numbers  # summary_service's
from bot.plan_config import DEFAULT_PLAN, PlanConfig, sentence
from bot.plan_export import export_plan
from bot.risk_scale import Band
from bot.status import DONE_FIRST
from storage.database import Database


def chart_file(overview) -> OutgoingFile:
    """The BRAG status of each working group as stacked bars."""
    # matplotlib takes a second to import: only processes that draw a chart pay for it.
    from bot.brag_chart import GroupCounts, brag_chart_png

    groups = [GroupCounts(g.number, g.name, dict(g.counts)) for g in overview.groups]
    as_at = format_long(overview.today)
    subtitle = f"As at {as_at}"

    def redraw(max_px: int) -> bytes:
        return brag_chart_png(groups, subtitle=subtitle, max_px=max_px)

    return OutgoingFile(
        filename=f"brag-{overview.today.isoformat()}.png",
        title=f"BRAG status by working group, {as_at}",
        content=brag_chart_png(groups, subtitle=subtitle),
        alt_text=chart_words(overview),
        redraw=redraw,
    )


def chart_words(overview) -> str:
    """What the chart shows, in words: each group's actions by status, in the chart's order."""
    as_at = format_long(overview.today)
    about = f"A bar chart of actions by working group and status, as at {as_at}"
    if not sum(overview.totals.values()):
        return f"{about}: no actions yet."
    lines = [f"Working group {g.number} {g.name}: {_by_status(g.counts)}." for g in overview.groups]
    return " ".join([f"{about}.", *lines, f"All working groups: {_by_status(overview.totals)}."])


def _by_status(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return "no actions"
    parts = [f"{counts[s.value]} {s.label.lower()}" for s in DONE_FIRST if counts.get(s.value)]
    return f"{_actions(total)}: {', '.join(parts)}"


def export_file(
    db: Database,
    today: date,
    tz: ZoneInfo,
    bands: tuple[Band, ...],
    file_format: str,
    groups: tuple[int, ...] | None = None,
    plan: PlanConfig = DEFAULT_PLAN,
) -> OutgoingFile:
    """The whole plan, the risk register and the history; or only `groups`' part of them."""
    suffix = ".xlsx" if file_format == "xlsx" else ".zip"
    scope = "".join(f"wg{number}-" for number in groups or ())
    with tempfile.TemporaryDirectory(prefix="sendbot-export-") as folder:
        path = Path(folder) / f"send-plan-{scope}{today.isoformat()}{suffix}"
        count = export_plan(db, path, tz=tz, bands=bands, groups=groups, today=today, plan=plan)
        content = path.read_bytes()
    as_at = format_long(today)
    if groups is None:
        title = f"{sentence(plan.the_plan)}, {as_at}"
        comment = f"The whole plan ({_actions(count)}), the risk register and the history"
    else:
        named = group_numbers(groups)
        title = f"{sentence(plan.the_plan)}, {named} only, {as_at}"
        comment = f"{named} only, not the whole plan: {_actions(count)}, their history and risks"
    return OutgoingFile(
        filename=path.name,
        title=title,
        content=content,
        comment=f"{comment}, as at {as_at}.",
        remake=f"summary export {file_format}",
    )


def _actions(count: int) -> str:
    return f"{count} action{'' if count == 1 else 's'}"
