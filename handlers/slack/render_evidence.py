"""Block Kit for `/summary evidence`: each area's evidence of impact for the next visit, and its
gaps; within Slack's limits, long lists cut with "…and N more"."""

from bot.dates import format_long
from bot.visit_evidence import ActionEvidence, AreaEvidence, VisitEvidence
from handlers.slack.render import (
    MAX_BLOCKS,
    context,
    cut,
    escape,
    escape_lines,
    header,
    message,
    pack_sections,
    person,
    section,
    who,
)

ACTIONS_SHOWN = 15  # per area, with evidence and without
ENTRIES_SHOWN = 3  # per action, newest first
ENTRY_LENGTH = 300
MORE = "/summary export has every action's evidence in full."
ONE = "/summary evidence area N shows one area."


def render_visit_evidence(result: VisitEvidence) -> dict:
    blocks = [header(result.heading), section(_opening(result))]
    if not result.areas:
        blocks.append(section("The plan has no actions yet."))
    for shown, area in enumerate(result.areas):
        sections = pack_sections(_area_lines(area))
        if len(blocks) + len(sections) > MAX_BLOCKS - 1:  # room for the line that says so
            left = len(result.areas) - shown
            blocks.append(context(f"…and {left} more {'area' if left == 1 else 'areas'}. {ONE}"))
            break
        blocks += sections
    return message(result.heading, blocks)


def _opening(result: VisitEvidence) -> str:
    since = result.window.words
    if result.visit is not None:
        title, on = escape(result.visit.title), format_long(result.visit.date)
        opening = f"For *{title}* on {on}: evidence of impact added {since}."
    else:
        opening = f"No monitoring visit is set. Evidence of impact added {since}."
    entries, gaps = result.entry_count, result.gap_count
    return (
        f"{opening} *{entries} {'entry' if entries == 1 else 'entries'}*; "
        f"*{gaps} {'action' if gaps == 1 else 'actions'}* with no new evidence."
    )


def _area_lines(area: AreaEvidence) -> list[str]:
    title = f"Area {area.number}: {area.title}" if area.number else area.title
    lines = [f"*{escape(title)}*"]
    for action in area.with_evidence[:ACTIONS_SHOWN]:
        lines.append(_action(action))
        for entry in action.entries[:ENTRIES_SHOWN]:
            text = escape_lines(cut(entry.text, ENTRY_LENGTH)).replace("\n", " ")
            lines.append(f"    ◦ {format_long(entry.on)}, {who(entry.by)}: {text}")
        if len(action.entries) > ENTRIES_SHOWN:
            lines.append(f"    ◦ …and {len(action.entries) - ENTRIES_SHOWN} earlier. {MORE}")
    if len(area.with_evidence) > ACTIONS_SHOWN:
        lines.append(f"…and {len(area.with_evidence) - ACTIONS_SHOWN} more with evidence.")
    if area.gaps:
        lines.append(f"_No new evidence ({len(area.gaps)}):_")
        lines += [_action(action) for action in area.gaps[:ACTIONS_SHOWN]]
        if len(area.gaps) > ACTIONS_SHOWN:
            lines.append(f"…and {len(area.gaps) - ACTIONS_SHOWN} more.")
    return lines


def _action(action: ActionEvidence) -> str:
    return f"• *{escape(action.ref)}* {escape(cut(action.title, 120))} — {person(action.owner)}"
