"""Benchmark 2 — plan size: `/summary` and `/action mine` with 100 and with 10,000 actions.

Times the work the bot does for each command in-process (the service, then the Block Kit
rendering), with a fixed clock: the median of 41 runs after a warm-up, in each of 3 rounds that
each build both plans afresh; the figure is the median of the rounds.
The person asking owns 20 open actions in both plans; each action has 10 history rows.
Goal: the 10,000-action time ≤ 5 × the 100-action time, for each command.

    .venv/bin/python bench/plan_size.py [--database sqlite|postgresql|both] [--profile]
                                        [--try-indexes]

--try-indexes adds, to the benchmark's own database only, the indexes bench/README.md suggests
for the product, to show what they would change.
"""

import cProfile
import pstats
import sys
import time

import common
from sqlalchemy import text

from handlers.slack.render_result import render

SIZES = (100, 10_000)
HISTORY_PER_ACTION = 10
ASKER = "U0ASKER01"
ASKER_ACTIONS = 20
REPEATS = 41
ROUNDS = 3
WARMUP = 5
GOAL = 5.0
SUGGESTED_INDEXES = (
    "CREATE INDEX ix_bench_history_field_at ON action_history (field, at)",
    "CREATE INDEX ix_bench_history_field_value_at ON action_history (field, new_value, at)",
    "CREATE INDEX ix_bench_actions_group_status_live "
    "ON actions (working_group_id, status, withdrawn_at)",
)


def _asker(rt):
    """The person asking, as the Slack door would find them by their user ID."""
    from bot.people import Profile

    person = rt.people.by_account("slack", ASKER, lambda: Profile(name="Asker"))
    return rt.people.actor(person)


def commands(rt) -> dict:
    today = rt.clock.today

    def summary() -> dict:
        return render(rt.summaries.overview(), today())

    asker = _asker(rt)

    def mine() -> dict:
        return render(rt.actions.handle(asker, "mine").result, today())

    return {"/summary": summary, "/action mine": mine}


profiled: set[tuple[str, str]] = set()


def measure(kind: str, size: int, profile: bool, try_indexes: bool) -> dict[str, float]:
    url = common.fresh_database(kind)
    now = common.WORKING_MORNING
    rt = common.runtime(url, now=lambda: now)
    common.seed_plan(
        rt.db,
        now,
        size,
        HISTORY_PER_ACTION,
        asker=ASKER,
        asker_actions=ASKER_ACTIONS,
    )
    if try_indexes:
        with rt.db.engine.begin() as connection:
            for statement in SUGGESTED_INDEXES:
                connection.execute(text(statement))
        common.analyze(rt.db)
    results = {}
    for name, run in commands(rt).items():
        answer = run()
        assert "blocks" in answer, answer
        for _ in range(WARMUP):
            run()
        times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        results[name] = common.median(times)
        print(
            f"   {kind:10} {size:>6} actions  {name:13} median {common.ms(results[name]):>10}"
            f"  (min {common.ms(min(times))}, max {common.ms(max(times))}, n={REPEATS})"
        )
        if profile and size == max(SIZES) and (kind, name) not in profiled:
            profiled.add((kind, name))
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                run()
            profiler.disable()
            print(f"   -- profile of 10 × {name} at {size} actions on {kind}:")
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    rt.db.dispose()
    return results


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile the large plan")
    parser.add_argument(
        "--try-indexes", action="store_true", help="add the suggested indexes first"
    )
    args = parser.parse_args()
    extra = " (with the suggested indexes)" if args.try_indexes else ""
    common.banner("Benchmark 2: plan size" + extra)
    ok = True
    lines = []
    for kind in common.backends(args.database):
        rounds = [
            {size: measure(kind, size, args.profile, args.try_indexes) for size in SIZES}
            for _ in range(ROUNDS)
        ]
        small, large = (
            {name: common.median(r[size][name] for r in rounds) for name in rounds[0][size]}
            for size in SIZES
        )
        for name in small:
            ratio = large[name] / small[name]
            met = ratio <= GOAL
            ok &= met
            lines.append(
                f"   {kind:10} {name:13} {SIZES[0]:,}: {common.ms(small[name]):>9}   "
                f"{SIZES[1]:,}: {common.ms(large[name]):>9}   ratio {ratio:5.2f} "
                f"(goal ≤ {GOAL:g}) {common.verdict(met)}"
            )
    print(f"== results, medians of {ROUNDS} rounds (baseline: the command on the 100-action plan)")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
