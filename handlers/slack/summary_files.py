"""Files sent to Slack: the BRAG chart and the plan export (Slack's current upload flow)."""

import tempfile
from pathlib import Path

from bot.dates import format_long
from bot.plan_export import export_plan
from bot.risk_scale import Band
from bot.summary_service import Overview
from storage.database import Database


def upload_chart(client, channel: str, overview: Overview) -> None:
    """The BRAG status of each working group as stacked bars, as a PNG in the channel."""
    # matplotlib takes a second to import: only processes that draw a chart pay for it.
    from bot.brag_chart import GroupCounts, brag_chart_png

    groups = [GroupCounts(g.number, g.name, dict(g.counts)) for g in overview.groups]
    as_at = format_long(overview.today)
    png = brag_chart_png(groups, subtitle=f"As at {as_at}")
    client.files_upload_v2(
        channel=channel,
        content=png,
        filename=f"brag-{overview.today.isoformat()}.png",
        title=f"BRAG status by working group, {as_at}",
    )


def upload_export(
    client, channel: str, db: Database, today, tz, bands: tuple[Band, ...], file_format: str
) -> None:
    """The whole plan and risk register: XLSX, or a zip of CSV files."""
    suffix = ".xlsx" if file_format == "xlsx" else ".zip"
    with tempfile.TemporaryDirectory(prefix="sendbot-export-") as folder:
        path = Path(folder) / f"send-plan-{today.isoformat()}{suffix}"
        count = export_plan(db, path, tz=tz, bands=bands)
        client.files_upload_v2(
            channel=channel,
            file=str(path),
            filename=path.name,
            title=f"The SEND improvement plan, {format_long(today)}",
            initial_comment=(
                f"The whole plan ({count} actions), the risk register and the history, as at "
                f"{format_long(today)}."
            ),
        )
