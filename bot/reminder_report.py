"""A sweep's outcome as plain lines, for `sendbot remind`, the clock's log and the demo."""

from bot.dates import format_weekday_long
from bot.delivery import recipient_words
from bot.reminder_policy import Due
from bot.reminder_sweep import SweepReport
from bot.summary_lines import plural

KIND_WORDS = {
    "before_due": "due soon",
    "overdue": "overdue",
    "escalation": "overdue, to the group lead",
    "stale": "no recent update",
    "visit_owner": "update before the visit",
    "visit_readiness": "visit readiness",
    "board_meeting": "highlight update for the board",
    "digest": "weekly digest",
    "risk_review": "risk review",
}


def report_lines(report: SweepReport, place_names: dict[str, str] | None = None) -> list[str]:
    """`place_names` names channels by address, e.g. {"C0BOARD01": "#send-board"}."""
    if not report.window_open:
        when = report.next_window.astimezone(report.at.tzinfo) if report.next_window else None
        opens = f"{format_weekday_long(when.date())} at {when:%H:%M}" if when else "later"
        return [f"Outside working hours: reminders wait until the window opens ({opens})."]
    if report.another_sweep_running:
        return ["Another reminder sweep is running; this one sent nothing."]
    verb = "would send" if report.dry_run else "sent"
    lines = []
    for bundle in report.sent:
        who = recipient_words(bundle.recipient, place_names)
        for item in bundle.items:
            lines.append(f"{verb} to {who}: {describe(item)}")
    for bundle, reason in report.failed:
        lines.append(
            f"NOT delivered to {recipient_words(bundle.recipient, place_names)} ({reason}); "
            "recorded as failed."
        )
    for bundle, reason in report.retry_later:
        lines.append(
            f"NOT delivered to {recipient_words(bundle.recipient, place_names)} ({reason}); "
            "will try again."
        )
    for notice in report.admins_told:
        lines.append(f"told {notice.admin.shown} who was not reached: {', '.join(notice.names())}.")
    for notice, error in report.admins_not_told:
        outcome = "recorded as failed" if error.permanent else "will try again"
        lines.append(
            f"NOT told {notice.admin.shown} (an admin) who was not reached ({error.reason}); "
            f"{outcome}."
        )
    if report.no_admin_to_tell:
        lines.append(
            "No admin was told who was not reached: BOT_ADMINS names no one the bot knows."
        )
    count = sum(len(b.items) for b in report.sent)
    lines.append(
        f"{count} reminder{'s' if count != 1 else ''} in {len(report.sent)} message"
        f"{'s' if len(report.sent) != 1 else ''} {verb}."
    )
    return lines


def describe(item: Due) -> str:
    kind = KIND_WORDS.get(item.kind, item.kind)
    if item.risk is not None:
        return f"{item.risk.ref} {kind} — {item.words}"
    if item.action is not None:
        return f"{item.action.ref} {kind} — {item.words}"
    if item.event is not None and item.group is not None:
        return f"{kind}, Working group {item.group.number}, {item.event.title}"
    if item.event is not None:
        count = f", {plural(len(item.actions), 'action')}" if item.actions else ""
        return f"{kind}, {item.event.title}{count}"
    return kind
