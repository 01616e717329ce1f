"""Where `/summary` spends its time: each SQL statement of `SummaryService.overview()` on the
plan of benchmark 2, timed at the driver, with the database's own query plan.

    .venv/bin/python bench/profile_summary.py [--database sqlite|postgresql|both]
        [--actions 10000] [--try-indexes]
"""

import sys
import time

import common
from plan_size import ASKER, ASKER_ACTIONS, HISTORY_PER_ACTION, SUGGESTED_INDEXES
from sqlalchemy import event, text

RUNS = 20


def profile(kind: str, actions: int, try_indexes: bool) -> None:
    url = common.fresh_database(kind)
    now = common.WORKING_MORNING
    rt = common.runtime(url, now=lambda: now)
    common.seed_plan(
        rt.db, now, actions, HISTORY_PER_ACTION, asker=ASKER, asker_actions=ASKER_ACTIONS
    )
    if try_indexes:
        with rt.db.engine.begin() as connection:
            for statement in SUGGESTED_INDEXES:
                connection.execute(text(statement))
        common.analyze(rt.db)
    timings: list[tuple[float, str, object]] = []

    @event.listens_for(rt.db.engine, "before_cursor_execute")
    def before(connection, cursor, statement, parameters, context, executemany):
        connection.info["bench_started"] = time.perf_counter()

    @event.listens_for(rt.db.engine, "after_cursor_execute")
    def after(connection, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - connection.info["bench_started"]
        timings.append((elapsed, statement, parameters))

    for _ in range(3):
        rt.summaries.overview()
    timings.clear()
    started = time.perf_counter()
    for _ in range(RUNS):
        rt.summaries.overview()
    whole = (time.perf_counter() - started) / RUNS
    by_statement: dict[str, list] = {}
    for elapsed, statement, parameters in timings:
        entry = by_statement.setdefault(statement, [0.0, parameters])
        entry[0] += elapsed
    in_sql = sum(entry[0] for entry in by_statement.values()) / RUNS
    indexes = " with the suggested indexes" if try_indexes else ""
    print(
        f"== {kind}, {actions:,} actions{indexes}: overview() {common.ms(whole)}, of which SQL "
        f"{common.ms(in_sql)} in {len(by_statement)} statements (mean of {RUNS} runs)"
    )
    ranked = sorted(by_statement.items(), key=lambda item: -item[1][0])
    explain = "EXPLAIN QUERY PLAN " if kind == "sqlite" else "EXPLAIN "
    for statement, (total, parameters) in ranked[:8]:
        flat = " ".join(statement.split())
        if flat.startswith("SELECT actions.id, actions.ref,"):
            flat = "SELECT actions.* … " + flat[flat.index(" FROM ") :]
        print(f"   {common.ms(total / RUNS):>9}  {flat[:230]}")
        with rt.db.engine.connect() as connection:
            rows = connection.exec_driver_sql(explain + statement, parameters).all()
        plan = [str(row[-1]).strip() for row in rows]
        print(f"              plan: {' | '.join(plan)[:230]}")
    rt.db.dispose()


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--try-indexes", action="store_true")
    args = parser.parse_args()
    common.banner("Where /summary spends its time")
    for kind in common.backends(args.database):
        profile(kind, args.actions, args.try_indexes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
