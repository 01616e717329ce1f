"""The files the chair asks for: the BRAG chart (PNG) and the whole plan (XLSX, or CSV in a zip).

Made here, in the core, as bytes; a door only sends them (bot.delivery.OutgoingFile)."""

import tempfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.dates import format_long
from bot.delivery import OutgoingFile
from bot.plan_export import export_plan
from bot.risk_scale import Band
from storage.database import Database


def chart_file(overview) -> OutgoingFile:
    """The BRAG status of each working group as stacked bars."""
    # matplotlib takes a second to import: only processes that draw a chart pay for it.
    from bot.brag_chart import GroupCounts, brag_chart_png

    groups = [GroupCounts(g.number, g.name, dict(g.counts)) for g in overview.groups]
    as_at = format_long(overview.today)
    return OutgoingFile(
        filename=f"brag-{overview.today.isoformat()}.png",
        title=f"BRAG status by working group, {as_at}",
        content=brag_chart_png(groups, subtitle=f"As at {as_at}"),
    )


def export_file(
    db: Database, today: date, tz: ZoneInfo, bands: tuple[Band, ...], file_format: str
) -> OutgoingFile:
    """The whole plan, the risk register and the history."""
    suffix = ".xlsx" if file_format == "xlsx" else ".zip"
    with tempfile.TemporaryDirectory(prefix="sendbot-export-") as folder:
        path = Path(folder) / f"send-plan-{today.isoformat()}{suffix}"
        count = export_plan(db, path, tz=tz, bands=bands)
        content = path.read_bytes()
    return OutgoingFile(
        filename=path.name,
        title=f"The SEND improvement plan, {format_long(today)}",
        content=content,
        comment=(
            f"The whole plan ({count} actions), the risk register and the history, as at "
            f"{format_long(today)}."
        ),
    )
