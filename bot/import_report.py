"""An import's report in plain English (SPEC §7): what it did or would do, a summary of what it
guessed, skipped or refused — by kind, with counts — and then the same line by line.

A person reading a check of a 200-row tracker needs "40 rows: status “G” read as green" before
the forty lines that say it, so that one fix in the spreadsheet is seen as one fix.
"""

from collections import Counter
from typing import TYPE_CHECKING

from bot.risk_import import report_lines as risk_report_lines

if TYPE_CHECKING:
    from bot.plan_import import ImportReport

SHOWN_REFS = 50  # refs named in the line of created or updated actions
SHOWN_PAST = 20  # rows named as due in the past; an old plan may have thousands
SHOWN_NOTES = 100  # lines named for notes; a tracker of 1,000 “G” cells says so in the summary
SHOWN_LOOK_UPS = 20  # people named as those a real import would look up
PAST_DUE_KIND = "due date in the past — kept as written; it will show as overdue"


def report_lines(report: "ImportReport") -> list[str]:
    """The whole report, one line each, for the command line: what was (or would be) done, then
    the file's warnings, the summary, the same line by line, and last the verdict."""
    out = _done(report) + list(report.warnings)
    summary = _summary(report)
    if summary:
        out.append("Summary:")
        out += [f"  {line}" for line in summary]
        out += _line_by_line(report)
    out += risk_report_lines(report.risks, report.checked)
    out += _look_ups(report)
    out += _without_account(report)
    out += _verdict(report)
    return out


def _summary(report: "ImportReport") -> list[str]:
    kinds = Counter(note.kind for note in report.notes)
    if report.past_due:
        kinds[PAST_DUE_KIND] += len(report.past_due)
    lines = [f"{_rows(count)}: {kind}" for kind, count in kinds.most_common()]
    problems = Counter(_problem_kind(row.reason) for row in report.rejected)
    lines += [f"{_rows(count)} with a problem in {kind}" for kind, count in problems.most_common()]
    return lines


def _problem_kind(reason: str) -> str:
    """A rejection's first column (“due: There is no 31 February 2020.” → “due”): one fix in a
    column of the spreadsheet is usually one fix for every row it names."""
    column, sep, _ = reason.partition(":")
    return f"“{column}”" if sep and " " not in column else "the row"


def _line_by_line(report: "ImportReport") -> list[str]:
    """Refusals and notes in the file's order (a row's notes on one line), then past dates."""
    by_line: dict[int, list[str]] = {}
    for note in report.notes:
        by_line.setdefault(note.line, []).append(note.kind)
    noted = sorted(by_line.items())
    hidden = len(noted) - SHOWN_NOTES
    entries = [(row.line, f"Line {row.line}: {row.reason}") for row in report.rejected]
    entries += [(line, _note_line(line, kinds)) for line, kinds in noted[:SHOWN_NOTES]]
    out = [text for _, text in sorted(entries, key=lambda entry: entry[0])]
    if hidden > 0:
        out.append(f"And {_rows(hidden)} more with notes (counted in the summary).")
    out += report.past_due[:SHOWN_PAST]
    if len(report.past_due) > SHOWN_PAST:
        more = plural(len(report.past_due) - SHOWN_PAST, "more row is", "more rows are")
        out.append(f"{more} due in the past.")
    return out


def _note_line(line: int, kinds: list[str]) -> str:
    where = "The file" if line == 0 else f"Line {line}"
    return f"{where}: {'; '.join(kinds)}."


def _look_ups(report: "ImportReport") -> list[str]:
    """Whom a check would ask the chat platform about: without its token it can't know."""
    out = []
    for what, people in report.look_ups.items():
        named = ", ".join(people[:SHOWN_LOOK_UPS])
        if len(people) > SHOWN_LOOK_UPS:
            named += f" and {len(people) - SHOWN_LOOK_UPS:,} more"
        out.append(f"Would look up {plural(len(people), 'person', 'people')} {what}: {named}")
    return out


def _without_account(report: "ImportReport") -> list[str]:
    """The people the file names who are not on the chat platform: their reminders go to their
    working group's lead, so the board should know who they are."""
    people = report.without_account
    if not people:
        return []
    named = ", ".join(f"“{p}”" for p in people[:SHOWN_LOOK_UPS])
    if len(people) > SHOWN_LOOK_UPS:
        named += f" and {len(people) - SHOWN_LOOK_UPS:,} more"
    verb = "Would keep" if report.checked else "Kept"
    return [f"{verb} {plural(len(people), 'person', 'people')} without a chat account: {named}"]


def _done(report: "ImportReport") -> list[str]:
    if report.checked:
        out = _named("Would create", report.created) + _named("Would update", report.updated)
        if report.unchanged:
            out.append(f"Would leave {plural(len(report.unchanged), 'action')} unchanged.")
        return out
    out = _named("Created", report.created) + _named("Updated", report.updated)
    if report.unchanged:
        out.append(f"Unchanged: {plural(len(report.unchanged), 'action')}")
    return out


def _verdict(report: "ImportReport") -> list[str]:
    if report.checked:
        return _check_verdict(report) + ["This was a check: nothing was written."]
    if not report.written:
        count = plural(report.refused_rows, "row has", "rows have")
        return [
            f"Nothing was imported because {count} problems. Fix them and import again, "
            "or import with --skip-invalid to leave those rows out."
        ]
    if not report.refused_rows:
        return []
    out = [f"Left out {plural(report.refused_rows, 'row')} with problems."]
    if not report.imported:
        out.append("Nothing was imported: every row has problems.")
    return out


def _check_verdict(report: "ImportReport") -> list[str]:
    if not report.refused_rows:
        return []
    if not report.skip_invalid:
        count = plural(report.refused_rows, "row has", "rows have")
        return [
            f"Would import nothing as it stands, because {count} problems. Fix them, or import "
            "with --skip-invalid to leave those rows out."
        ]
    out = [f"Would leave out {plural(report.refused_rows, 'row')} with problems."]
    if not report.imported:
        out.append("Would import nothing: every row has problems.")
    return out


def _named(verb: str, refs: list[str]) -> list[str]:
    if not refs:
        return []
    named = ", ".join(refs[:SHOWN_REFS])
    if len(refs) > SHOWN_REFS:
        named += f" and {len(refs) - SHOWN_REFS:,} more"
    return [f"{verb} {plural(len(refs), 'action')}: {named}"]


def _rows(count: int) -> str:
    return plural(count, "row")


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
