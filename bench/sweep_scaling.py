"""Benchmark 3 — reminder sweep: 1,000 reminders due among 1,000 and among 100,000 actions.

`ReminderSweep.run` with a sender that records each bundle and returns at once, `now` fixed on
a working morning (Tuesday 10 March 2026, 10:00 London). The 1,000 due actions are due in 7
days (one "7 days to go" reminder each) and belong to 200 owners, so a sweep sends 200 bundles.
The other 99,000 actions of the big plan are not due: half complete (long past their due date,
not updated for months), half open, due in 1–23 months and updated in the last 20 days.
Each sweep starts with an empty reminder log; median of several sweeps after a warm-up.
Goal: the sweep among 100,000 actions ≤ 2 × the sweep among 1,000.

    .venv/bin/python bench/sweep_scaling.py [--database sqlite|postgresql|both] [--profile]
"""

import cProfile
import pstats
import sys
import time
from datetime import timedelta

import common
from sqlalchemy import delete

from bot.reminder_sweep import Bundle, ReminderSweep
from storage.models import Action, ClockLease, Reminder

DUE = 1_000
OWNERS = 200
SIZES = (1_000, 100_000)
REPEATS = 5
GOAL = 2.0


class RecordingSender:
    """A delivery port that only records: the sweep's own cost, without a platform."""

    def __init__(self) -> None:
        self.bundles: list[Bundle] = []

    def to_person(self, person, content) -> None:
        self.bundles.append(content)

    def to_place(self, place, content) -> None:
        self.bundles.append(content)

    def file(self, to, file) -> None:
        pass


def seed(db, size: int) -> None:
    now = common.WORKING_MORNING
    today = now.date()
    groups = common.group_ids(db)
    created = now - timedelta(days=400)
    people = common.seed_people(db, 300)
    rows = [
        common.action_row(
            f"D{n}",
            groups[n % len(groups)],
            people[common.owner_of(n, OWNERS)],
            today + timedelta(days=7),
            common.OPEN_STATUSES[n % 4],
            now - timedelta(days=1, minutes=n),
            created,
        )
        for n in range(DUE)
    ]
    for n in range(size - DUE):
        if n % 2:
            rows.append(
                common.action_row(
                    f"F{n}",
                    groups[n % len(groups)],
                    people[common.owner_of(n, 300)],
                    today - timedelta(days=1 + n % 365),
                    "blue",
                    now - timedelta(days=100 + n % 300),
                    created,
                )
            )
        else:
            rows.append(
                common.action_row(
                    f"F{n}",
                    groups[n % len(groups)],
                    people[common.owner_of(n, 300)],
                    today + timedelta(days=30 + n % 670),
                    common.OPEN_STATUSES[n % 4],
                    now - timedelta(days=n % 20, minutes=n % 600),
                    created,
                )
            )
        if len(rows) >= 20_000:
            common.insert_rows(db, Action, rows)
            rows = []
    common.insert_rows(db, Action, rows)
    common.analyze(db)


def forget_reminders(db) -> None:
    with db.session() as session:
        session.execute(delete(Reminder))
        session.execute(delete(ClockLease))


def sweep_once(sweep: ReminderSweep, db) -> float:
    forget_reminders(db)
    sender = RecordingSender()
    started = time.perf_counter()
    report = sweep.run(sender, now=common.WORKING_MORNING)
    elapsed = time.perf_counter() - started
    items = sum(len(b.items) for b in sender.bundles)
    assert len(sender.bundles) == OWNERS and items == DUE, (len(sender.bundles), items)
    assert len(report.sent) == OWNERS and not report.failed and not report.retry_later
    return elapsed


def measure(kind: str, size: int, profile: bool) -> float:
    url = common.fresh_database(kind)
    rt = common.runtime(url, now=lambda: common.WORKING_MORNING)
    seed(rt.db, size)
    sweep = ReminderSweep(rt.db, rt.board, None, rt.clock)
    sweep_once(sweep, rt.db)  # warm-up
    times = [sweep_once(sweep, rt.db) for _ in range(REPEATS)]
    result = common.median(times)
    print(
        f"   {kind:10} {size:>7,} actions: sweep median {common.ms(result):>10}"
        f"  (min {common.ms(min(times))}, max {common.ms(max(times))}, n={REPEATS})"
    )
    if profile:
        forget_reminders(rt.db)
        profiler = cProfile.Profile()
        profiler.enable()
        sweep.run(RecordingSender(), now=common.WORKING_MORNING)
        profiler.disable()
        print(f"   -- profile of one sweep among {size:,} actions on {kind}:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    rt.db.dispose()
    return result


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile one sweep of each")
    args = parser.parse_args()
    common.banner("Benchmark 3: reminder sweep, 1,000 due")
    ok = True
    lines = []
    for kind in common.backends(args.database):
        small, large = (measure(kind, size, args.profile) for size in SIZES)
        ratio = large / small
        met = ratio <= GOAL
        ok &= met
        lines.append(
            f"   {kind:10} among {SIZES[0]:,}: {common.ms(small):>9}   among {SIZES[1]:,}: "
            f"{common.ms(large):>9}   ratio {ratio:4.2f} (goal ≤ {GOAL:g}) {common.verdict(met)}"
        )
    print("== results (baseline: the same 1,000 reminders among 1,000 actions)")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
