"""The wording of the chair's readiness and off-track lines, the same on every door.

As in bot/list_lines.py, the words and figures are the core's and the markup is the door's.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from bot.dates import describe_due, format_long
from bot.list_lines import ListLines
from bot.results import ActionCard
from bot.status import Status

OFF_TRACK_TITLE = "Off track: red and amber actions"
ON_TRACK_OVERDUE_TITLE = "Overdue but marked on track"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


IRREGULAR = {"person": "people"}


def plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else IRREGULAR.get(word, word + 's')}"


def no_date_heading(count: int) -> str:
    """'3 actions have no date agreed'."""
    return f"{plural(count, 'action')} {'has' if count == 1 else 'have'} no date agreed"


def status_name(status: Status) -> str:
    """'Red', 'Amber', 'Not started': the word without its gloss."""
    return status.label.split(" (")[0]


def area_name(number: int, title: str) -> str:
    """'Area 2 Sufficiency of places'; a board with no titles has just 'Area 2'."""
    return title if title == f"Area {number}" else f"Area {number} {title}"


def _updated(done: int, total: int) -> str:
    return f"{done} of {total} updated ({percent(done, total)})"


class SummaryLines:
    def __init__(self, lines: ListLines) -> None:
        self.lines = lines
        self.m = lines.m

    def off_track(self, item, today: date) -> str:
        """'🔴 Red · 2.1 Commission speech and language therapy — Jo · no update yet'."""
        a = item.action
        icon = self.m.status_icon[a.status]
        progress = item.progress_words(today)
        return f"{icon} {status_name(a.status)} · {self.lines.action(a)} · {progress}"

    def overdue_on_track(self, a: ActionCard, today: date) -> str:
        marked = f"{self.m.status_icon[a.status]} {status_name(a.status)}"
        flag = self.m.strong(f"{describe_due(a.due, today)} but marked on track")
        return f"{self.lines.action(a)} · {flag} ({marked})"

    def area(self, line) -> str:
        """'Area 2 Joint commissioning — 4 actions · 🔴 Red 1 🟠 Amber 0 … · 25% complete'."""
        return self._counted(area_name(line.number, line.name), line)

    def group(self, line) -> str:
        """'1 Understanding of Need — 3 actions · 🔴 Red 0 … · 33% complete': every colour with
        its word, as the areas have."""
        return self._counted(f"{line.number} {line.name}", line)

    def _counted(self, title: str, line) -> str:
        name = self.m.strong(self.m.safe(title))
        if not line.total:
            return f"{name} — no actions yet"
        order = (Status.RED, Status.AMBER, Status.GREEN, Status.NOT_STARTED, Status.BLUE)
        counts = " ".join(
            f"{self.m.status_icon[s]} {status_name(s)} {line.counts.get(s.value, 0)}" for s in order
        )
        return (
            f"{name} — "
            f"{plural(line.total, 'action')} · {counts} · "
            f"{percent(line.complete, line.total)} complete"
        )

    def awaiting(self, a, today: date) -> str:
        """'1.2 Publish the dashboard — 28 February 2020 (now 6 February 2020): reason'."""
        now = format_long(a.due) if a.due else "no date agreed"
        why = f": {self.m.safe(a.reason)}" if a.reason else ""
        return (
            f"{self.m.strong(self.m.safe(a.ref))} {self.m.safe(a.title)} — "
            f"{format_long(a.proposed)} (now {now}){why}"
        )

    def group_share(self, number: int, name: str, total: int, done: int) -> str:
        """'1 Understanding of Need — 1 of 2 updated (50%)'."""
        return f"{number} {self.m.safe(name)} — {_updated(done, total)}"

    def area_share(self, number: int, title: str, total: int, done: int) -> str:
        """'Area 2 Sufficiency of specialist places — 0 of 3 updated (0%)'."""
        return f"{self.m.safe(area_name(number, title))} — {_updated(done, total)}"

    def not_sent(self, missing: tuple[tuple[int, str], ...]) -> str:
        """'Not sent yet: Working group 2 Commissioning, Working group 3 …'."""
        groups = ", ".join(f"Working group {n} {self.m.safe(name)}" for n, name in missing)
        return f"Not sent yet: {groups}"

    def highlight(self, h) -> list[str]:
        icon = self.m.status_icon[h.brag]
        lines = [
            f"{self.m.strong(f'Working group {h.group_number} {self.m.safe(h.group_name)}')} "
            f"{icon} {status_name(h.brag)} — from {self.m.person(h.author)}, {format_long(h.on)}",
            f"Achievements: {self.m.safe(h.achievements)}",
        ]
        if h.issues:
            lines.append(f"Issues: {self.m.safe(h.issues)}")
        if h.next_steps:
            lines.append(f"Next steps: {self.m.safe(h.next_steps)}")
        return lines

    def overview_lists(self, result) -> list[tuple[str, object, Callable[..., str]]]:
        """The overview's lists in the order a chair reads them: (heading, part, line)."""
        lines = self.lines
        lists = [
            (f"{OFF_TRACK_TITLE} ({result.off_track.total})", result.off_track, self.off_track),
            (
                f"{ON_TRACK_OVERDUE_TITLE} ({result.overdue_on_track.total})",
                result.overdue_on_track,
                self.overdue_on_track,
            ),
            (f"Overdue ({result.overdue.total}), oldest first", result.overdue, lines.overdue),
            (f"Due in the next 14 days ({result.due_soon.total})", result.due_soon, lines.due),
            *self._no_date(result),
            (
                f"No update for {result.stale_after_days} days or more ({result.stale.total})",
                result.stale,
                lines.stale,
            ),
        ]
        if result.group_actions is not None:
            total = result.group_actions.total
            lists.append((f"Open actions ({total})", result.group_actions, lines.open))
        lists.append((f"Top risks ({result.risks.total} open)", result.risks, lines.risk))
        awaiting = f"New dates awaiting DfE/NHS England approval ({result.awaiting.total})"
        lists.append((awaiting, result.awaiting, self.awaiting))
        return [item for item in lists if item[1].total]

    def _no_date(self, result) -> list[tuple[str, object, Callable[..., str]]]:
        """'3 actions have no date agreed', then (for admins) which: ref, title and owner. For
        everyone else the heading alone, its part emptied so that no "…and 3 more" follows."""
        part = result.no_date
        if not part.total:
            return []
        # The heading stays without lines: a total below zero passes the filter of empty
        # lists and asks for no "…and N more".
        listed = part if part.items else replace(part, total=-1)
        return [(no_date_heading(part.total), listed, lambda a, today: self.lines.action(a))]
