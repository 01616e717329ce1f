"""Shared by the benchmark scripts (bench/ is a folder of scripts, not a package).

Databases: SQLite in a fresh temporary folder, or PostgreSQL in the database `bench`
(BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/bench), which is created if
missing and emptied and migrated at every use. Never point it at the tests' database.
"""

import argparse
import atexit
import math
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import threading
import time as clock
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from sendbot.runtime import Runtime, start
from sendbot.settings import Settings
from storage.database import Database, normalize_url
from storage.migrate import upgrade
from storage.models import (
    Action,
    ActionHistory,
    Area,
    Deadline,
    Risk,
    WorkingGroup,
    action_areas,
)

REPO = Path(__file__).resolve().parent.parent
PYTHON = Path(os.environ.get("BENCH_PYTHON", REPO / ".venv" / "bin" / "python"))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/bench")
BOT_TOKEN = "xoxb-bench-not-a-real-token"
SIGNING_SECRET = "bench-signing-secret-0123456789"
ADMIN = "U0ADMIN01"
LONDON_TZ = "Europe/London"
STATUSES = ("not started", "red", "amber", "green", "blue")
OPEN_STATUSES = STATUSES[:4]
CHUNK = 5_000

# A working morning: Tuesday 10 March 2026, 10:00 in London (GMT), no bank holiday near it.
WORKING_MORNING = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


# -- command line and output -----------------------------------------------------------------


def arguments(description: str, default: str = "both") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql", "both"],
        default=default,
        help=f"which backend(s) to measure (default {default})",
    )
    return parser


def backends(choice: str) -> list[str]:
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory} RAM, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def banner(title: str) -> None:
    print(f"== {title}")
    print(f"   machine: {machine()}")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Iterable[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


# -- load ------------------------------------------------------------------------------------


def closed_loop(
    prepare: Callable[[int], tuple[str, urllib.request.Request]],
    count: int,
    concurrency: int,
    arrivals,
    wait: bool = True,
) -> list[tuple[float, float, float | None, int]]:
    """Requests 0 … count-1 from `concurrency` people at once, each sending its next only once
    the last one's answer arrived (a closed loop). `prepare(i)` gives request i and the key its
    answer will arrive under; `arrivals` is a queue of (key, time.monotonic()) as answers reach
    the stand-in. One (sent, acked, answered or None, HTTP status) per request."""
    lock = threading.Lock()
    events: dict[str, threading.Event] = {}
    arrived: dict[str, float] = {}
    indexes = iter(range(count))
    out: list = [None] * count

    def dispatch() -> None:
        while True:
            key, at = arrivals.get()
            with lock:
                arrived.setdefault(key, at)
                event = events.get(key)
            if event is not None:
                event.set()

    def work() -> None:
        while True:
            with lock:
                i = next(indexes, None)
            if i is None:
                return
            key, request = prepare(i)
            event = threading.Event()
            with lock:
                events[key] = event
            sent = clock.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = -1
            acked = clock.monotonic()
            answered = None
            if wait and status == 200 and event.wait(60):
                with lock:
                    answered = arrived[key]
            out[i] = (sent, acked, answered, status)

    threading.Thread(target=dispatch, daemon=True).start()
    workers = [threading.Thread(target=work) for _ in range(concurrency)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return out


def print_checks(kind: str, checks: dict[str, bool]) -> None:
    print(f"   {kind}:")
    for name, ok in checks.items():
        print(f"      {'ok ' if ok else 'NO '} {name}")


def print_against_floor(
    total: float, span: float, what: str, ratio: float, goal: float, met: bool
) -> None:
    """A sweep's time against its floor; `span` runs from the first accepted `what` to the last."""
    print(
        f"      sweep total {total:.1f} s (first to last accepted {what} {span:.1f} s); "
        f"ratio to floor {ratio:.3f} (goal ≤ {goal:g}) {verdict(met)}"
    )


# -- databases -------------------------------------------------------------------------------


def workdir() -> Path:
    """A temporary folder, removed when the script ends unless BENCH_KEEP is set."""
    folder = Path(tempfile.mkdtemp(prefix="sendbot-bench-"))
    if not os.environ.get("BENCH_KEEP"):
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def fresh_database(kind: str, folder: Path | None = None) -> str:
    """An empty, migrated database of `kind`; returns its URL."""
    if kind == "sqlite":
        folder = folder or workdir()
        url = f"sqlite:///{folder / 'bench.db'}"
        Path(folder / "bench.db").unlink(missing_ok=True)
        upgrade(url)
        return url
    _create_postgres_database(POSTGRES_URL)
    db = Database(POSTGRES_URL)
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    db.dispose()
    upgrade(POSTGRES_URL)
    return POSTGRES_URL


def _create_postgres_database(url: str) -> None:
    parsed = make_url(normalize_url(url))
    name = parsed.database
    if name in (None, "test", "postgres"):
        raise SystemExit(f"refusing to benchmark in the database {name!r}: use `bench`")
    import psycopg

    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    admin = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def settings(url: str, api_url: str, board_file: Path | None = None, **extra) -> Settings:
    return Settings(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=api_url,
        database_url=url,
        board_config=board_file,
        admins=frozenset({ADMIN}),
        **extra,
    )


def runtime(
    url: str,
    api_url: str = "http://127.0.0.1:9/api/",
    board_file: Path | None = None,
    now: Callable[[], datetime] | None = None,
    **extra,
) -> Runtime:
    return start(settings(url, api_url, board_file, **extra), now=now)


def analyze(db: Database) -> None:
    """PostgreSQL's autovacuum would vacuum and analyze freshly loaded tables; do it now, so
    it does not start in the middle of a measurement and every run sees the same plans.
    SQLite is left as the bot leaves it (the bot never runs ANALYZE)."""
    if db.engine.dialect.name == "postgresql":
        engine = db.engine.execution_options(isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))


# -- generated plans -------------------------------------------------------------------------


def group_ids(db: Database) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(WorkingGroup.id).order_by(WorkingGroup.number)))


def area_ids(db: Database) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(Area.id).order_by(Area.number)))


def insert_rows(db: Database, table, rows: list[dict]) -> None:
    for first in range(0, len(rows), CHUNK):
        with db.session() as session:
            session.execute(insert(table), rows[first : first + CHUNK])


def ids_by_ref(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {ref: id_ for ref, id_ in session.execute(select(Action.ref_key, Action.id))}


def seed_people(db: Database, owners: int, *others: str) -> dict[str, int]:
    """The generated owners (owner_of's Slack IDs) and any others as people; their ids by
    Slack user ID."""
    from bot.people import PersonKey, ensure_person

    wanted = [owner_of(n, owners) for n in range(owners)] + [o for o in others if o]
    with db.session() as session:
        now = datetime.now(UTC)
        return {
            user: ensure_person(session, now, PersonKey("slack", user)).id
            for user in dict.fromkeys(wanted)
        }


def action_row(
    ref: str,
    group_id: int,
    owner: int,
    due: date,
    status: str,
    last_update: datetime,
    created: datetime,
) -> dict:
    return {
        "ref": ref,
        "ref_key": ref.upper(),
        "title": f"Generated action {ref}: improve annual review timeliness " + "x" * 40,
        "description": "Generated for the benchmarks.",
        "working_group_id": group_id,
        "owner_id": owner,
        "original_due_date": due,
        "due_date": due,
        "status": status,
        "created_at": created,
        "last_update_at": last_update,
        "version": 1,
    }


def owner_of(n: int, owners: int) -> str:
    return f"U0GEN{n % owners:04d}"


def seed_plan(
    db: Database,
    now: datetime,
    actions: int,
    history_per_action: int,
    owners: int = 300,
    asker: str | None = None,
    asker_actions: int = 0,
    risks: int = 50,
    prefix: str = "B",
) -> None:
    """A plan of `actions` spread over the groups, areas, owners, statuses and a year of due
    dates, with `history_per_action` history rows each, some risks and the board's deadlines.

    Action n is ref f"{prefix}{n}", owned by owner_of(n) (or by `asker` for the first
    `asker_actions`, which are kept open)."""
    today = now.date()
    groups = group_ids(db)
    areas = area_ids(db)
    created = now - timedelta(days=200)
    people = seed_people(db, owners, ADMIN, asker or "")
    rows = []
    for n in range(actions):
        mine = n < asker_actions
        rows.append(
            action_row(
                f"{prefix}{n}",
                groups[n % len(groups)],
                people[asker if mine and asker else owner_of(n, owners)],
                today + timedelta(days=(n * 37) % 360 - 60),
                OPEN_STATUSES[n % 4] if mine else STATUSES[n % 5],
                now - timedelta(days=(n * 13) % 90, hours=n % 7),
                created,
            )
        )
    insert_rows(db, Action, rows)
    ids = ids_by_ref(db)
    insert_rows(
        db,
        action_areas,
        [
            {"action_id": ids[f"{prefix}{n}".upper()], "area_id": areas[n % len(areas)]}
            for n in range(actions)
        ],
    )
    history = []
    for n in range(actions):
        action_id = ids[f"{prefix}{n}".upper()]
        for k in range(history_per_action):
            # Spread over the 200 days up to `now`: the newest tenth falls after the last board.
            at = created + timedelta(days=(k + 0.5) * 200 / history_per_action, minutes=n % 600)
            if k % 3 == 2:
                history.append(
                    {
                        "action_id": action_id,
                        "at": at,
                        "actor_id": people[owner_of(n, owners)],
                        "event": "note",
                        "note": f"Progress note {k}: 12 of 14 annual reviews on time.",
                    }
                )
            else:
                history.append(
                    {
                        "action_id": action_id,
                        "at": at,
                        "actor_id": people[owner_of(n, owners)],
                        "event": "update",
                        "field": "status",
                        "old_value": STATUSES[(n + k) % 5],
                        "new_value": STATUSES[(n + k + 1) % 5],
                        "note": "Generated status change.",
                    }
                )
        if len(history) >= 20_000:
            insert_rows(db, ActionHistory, history)
            history = []
    insert_rows(db, ActionHistory, history)
    insert_rows(
        db,
        Risk,
        [
            {
                "number": n + 1,
                "description": f"Generated risk {n}: capacity in the EHCP team " + "y" * 60,
                "owner_id": people[owner_of(n, owners)],
                "likelihood": 1 + n % 5,
                "impact": 1 + (n // 5) % 5,
                "status": "open",
                "review_date": today + timedelta(days=10 + n % 50),
                "created_by": people[ADMIN],
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
            for n in range(risks)
        ],
    )
    _deadlines(db, today, created, people[ADMIN])
    analyze(db)


def _deadlines(db: Database, today: date, created: datetime, admin: int) -> None:
    insert_rows(
        db,
        Deadline,
        [
            {"kind": kind, "date": today + timedelta(days=days), "title": title}
            | {"created_by": admin, "created_at": created}
            for kind, days, title in (
                ("board", -20, "Board meeting"),
                ("board", 30, "Board meeting"),
                ("visit", 45, "Monitoring visit"),
            )
        ],
    )


def local_morning(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock in London on `day`, as an aware UTC datetime."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(LONDON_TZ)).astimezone(UTC)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
