"""Benchmark 4 — delivery under Slack's rate limits.

1,000 reminders fall due at once (Tuesday 10 March 2026, 10:00 London): 994 "7 days to go"
reminders for actions of 200 owners, and a board meeting's highlight-update request to each of
the 6 working groups' channels. One sweep (`ReminderSweep.run` with the bot's own
`SlackDelivery` and Web API client) delivers them through the Slack stand-in, which
enforces, on chat.postMessage, one message per second per channel and a workspace-wide bucket
(`--burst` messages at once, refilled at `--per-minute`), answering 429 with Retry-After.
Goal: every reminder delivered, none twice, and the sweep's total time ≤ 1.1 × the floor the
limits allow for the messages it must send (printed).

    .venv/bin/python bench/rate_limited_delivery.py [--database sqlite|postgresql|both]
        [--burst 30] [--per-minute 300] [--per-channel 1] [--open-per-minute N] [--latency S]

--open-per-minute also limits conversations.open (Slack's Tier 3 is 50+ per minute), which the
sender calls before every direct message; the floor then counts those calls too.
--latency makes the stand-in take S seconds over each chat.postMessage and conversations.open,
as a round trip to the real Slack does (loopback answers in about a millisecond).

Two experiments preview changes suggested in bench/README.md without editing the bot:
--try-workers N delivers the sweep's bundles from N threads (the sweep's own claim, send and
mark steps, driven by this script), and --try-no-open posts each direct message to the user
ID as the channel instead of calling conversations.open first.
"""

import json
import re
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import common
from sqlalchemy import func, select

from bot.reminder_sweep import LEASE, ReminderSweep, SweepReport
from bot.working_calendar import add_working_days
from handlers.slack.app import web_client
from handlers.slack.delivery import SlackDelivery
from slack_standin import SlackStandIn
from storage import reminder_store
from storage.models import Action, Deadline, Reminder

PEOPLE = 200
CHANNELS = 6
ACTION_REMINDERS = 1_000 - CHANNELS
GOAL = 1.1
REF = re.compile(r"\bD\d+\b")

BOARD = "\n".join(
    f'[[working_groups]]\nnumber = {n}\nname = "Working Group {n}"\n'
    f'lead = "U0LEAD{n:03d}"\nchannel = "C0WG{n}CHAN"\n'
    for n in range(1, CHANNELS + 1)
)


def seed(db) -> None:
    now = common.WORKING_MORNING
    today = now.date()
    groups = common.group_ids(db)
    people = common.seed_people(db, PEOPLE, common.ADMIN)
    common.insert_rows(
        db,
        Action,
        [
            common.action_row(
                f"D{n}",
                groups[n % len(groups)],
                people[common.owner_of(n, PEOPLE)],
                today + timedelta(days=7),
                common.OPEN_STATUSES[n % 4],
                now - timedelta(days=1, minutes=n),
                now - timedelta(days=100),
            )
            for n in range(ACTION_REMINDERS)
        ],
    )
    meeting = add_working_days(today, 5)  # its highlight-update requests go out today
    common.insert_rows(
        db,
        Deadline,
        [
            {
                "kind": "board",
                "date": meeting,
                "title": "Board meeting",
                "created_by": people[common.ADMIN],
                "created_at": now - timedelta(days=30),
            }
        ],
    )
    common.analyze(db)


class _NoOpenClient:
    """A Web API client whose conversations.open answers with the user ID itself, so direct
    messages are posted to the user ID as the channel (which Slack accepts) in one call."""

    def __init__(self, client) -> None:
        self._client = client

    def conversations_open(self, users: str, **kwargs) -> dict:
        return {"ok": True, "channel": {"id": users}}

    def __getattr__(self, name: str):
        return getattr(self._client, name)


def pooled_run(sweep: ReminderSweep, sender, now, workers: int) -> SweepReport:
    """The sweep's own steps (lease, pending bundles, claim → send → mark per bundle), with the
    bundles delivered from `workers` threads instead of one after another."""
    report = SweepReport(at=now)
    assert sweep._take_lease()
    try:
        bundles = sweep._pending_bundles(now)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda bundle: sweep._deliver(bundle, sender, report), bundles))
    finally:
        with sweep.db.session() as session:
            reminder_store.drop_lease(session, LEASE, sweep.holder)
    return report


def floor_seconds(per_channel: Counter, args, opens: int) -> tuple[float, str]:
    """The least time the limits allow for these messages, first message at time 0."""
    total = sum(per_channel.values())
    bounds = {
        "workspace bucket": max(0, total - args.burst) / (args.per_minute / 60),
        "busiest channel": (max(per_channel.values()) - 1) / args.per_channel,
    }
    if args.open_per_minute:
        bounds["conversations.open"] = max(0, opens - args.open_burst) / (args.open_per_minute / 60)
    name = max(bounds, key=lambda k: bounds[k])
    detail = ", ".join(f"{k} {v:.1f} s" for k, v in bounds.items())
    return bounds[name], f"{detail} → floor set by the {name}"


def run(kind: str, args) -> bool:
    folder = common.workdir()
    board_file = folder / "board.toml"
    board_file.write_text(BOARD, encoding="utf-8")
    accepted: list[float] = []
    lock = threading.Lock()

    def on_call(call) -> None:
        if call.method == "chat.postMessage" and not call.failed:
            with lock:
                accepted.append(time.monotonic())

    with SlackStandIn(on_call=on_call) as standin:
        url = common.fresh_database(kind, folder)
        rt = common.runtime(url, standin.url, board_file, now=lambda: common.WORKING_MORNING)
        seed(rt.db)
        sweep = ReminderSweep(rt.db, rt.board, None, rt.clock)
        client = web_client(common.BOT_TOKEN, standin.url)
        if args.try_no_open:
            client = _NoOpenClient(client)
        sender = SlackDelivery(client, rt.clock.today)
        standin.limit_rate(
            "chat.postMessage",
            per_channel_per_second=args.per_channel,
            workspace_burst=args.burst,
            workspace_per_minute=args.per_minute,
        )
        if args.latency:
            standin.slow("chat.postMessage", args.latency)
            standin.slow("conversations.open", args.latency)
        if args.open_per_minute:
            standin.limit_rate(
                "conversations.open",
                workspace_burst=args.open_burst,
                workspace_per_minute=args.open_per_minute,
            )
        started = time.monotonic()
        if args.try_workers:
            report = pooled_run(sweep, sender, common.WORKING_MORNING, args.try_workers)
        else:
            report = sweep.run(sender, now=common.WORKING_MORNING)
        total = time.monotonic() - started

        delivered = standin.delivered("chat.postMessage")
        refused = len(standin.calls_to("chat.postMessage")) - len(delivered)
        opens = len(standin.delivered("conversations.open"))
        per_channel = Counter(call.params["channel"] for call in delivered)
        refs = Counter()
        for call in delivered:
            refs.update(set(REF.findall(json.dumps(call.params.get("blocks", [])))))
        with rt.db.session() as session:
            query = select(Reminder.state, func.count()).group_by(Reminder.state)
            states = {state: count for state, count in session.execute(query)}
        rt.db.dispose()

    floor, why = floor_seconds(per_channel, args, opens)
    reminders = sum(len(b.items) for b in report.sent)
    wg_channels = [f"C0WG{n}CHAN" for n in range(1, CHANNELS + 1)]
    checks = {
        "every reminder sent (sweep report)": reminders == 1_000 and not report.failed,
        "nothing left to retry": not report.retry_later,
        "1,000 reminders recorded sent": states.get("sent", 0) == 1_000 and len(states) == 1,
        f"{PEOPLE + CHANNELS} messages, one per person and channel": (
            len(delivered) == PEOPLE + CHANNELS and set(per_channel.values()) == {1}
        ),
        "each action reminded exactly once": (
            len(refs) == ACTION_REMINDERS and set(refs.values()) == {1}
        ),
        "each working group channel asked once": all(per_channel[c] == 1 for c in wg_channels),
    }
    span = (max(accepted) - min(accepted)) if accepted else 0.0
    ratio = total / floor if floor else float("inf")
    met = all(checks.values()) and ratio <= GOAL
    common.print_checks(kind, checks)
    print(
        f"      {len(delivered)} messages accepted, {refused} answered 429; "
        f"{opens} conversations.open calls"
    )
    print(f"      floor: {floor:.1f} s ({why})")
    common.print_against_floor(total, span, "message", ratio, GOAL, met)
    return met


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=30, help="workspace burst (messages)")
    parser.add_argument("--per-minute", type=float, default=300, help="workspace refill rate")
    parser.add_argument("--per-channel", type=float, default=1.0, help="messages/s per channel")
    parser.add_argument(
        "--open-per-minute", type=float, help="also limit conversations.open (e.g. 50)"
    )
    parser.add_argument("--open-burst", type=int, default=50, help="conversations.open burst")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per Web API call")
    parser.add_argument("--try-workers", type=int, help="experiment: deliver from N threads")
    parser.add_argument(
        "--try-no-open", action="store_true", help="experiment: DM the user ID directly"
    )
    args = parser.parse_args()
    common.banner("Benchmark 4: delivery under Slack's rate limits")
    limits = (
        f"   limits: chat.postMessage {args.per_channel:g}/s per channel, workspace burst "
        f"{args.burst} refilled at {args.per_minute:g}/min"
    )
    if args.open_per_minute:
        limits += (
            f"; conversations.open burst {args.open_burst} refilled at {args.open_per_minute:g}/min"
        )
    if args.latency:
        limits += f"; {args.latency * 1000:g} ms per chat.postMessage and conversations.open"
    print(limits)
    if args.try_workers or args.try_no_open:
        tried = [f"{args.try_workers} delivery threads"] if args.try_workers else []
        tried += ["direct messages posted to the user ID"] if args.try_no_open else []
        print(f"   EXPERIMENT (not the bot as it is): {', '.join(tried)}")
    results = [run(kind, args) for kind in common.backends(args.database)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
