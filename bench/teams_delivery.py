"""Benchmark 7 — delivery under Teams' rate limits.

1,000 reminders fall due at once (Tuesday 10 March 2026, 10:00 London): 994 "7 days to go"
reminders for actions of 200 owners, and a board meeting's highlight-update request to each of
the 6 working groups' Teams channels. One sweep (`ReminderSweep.run` with the bot's own
`TeamsDelivery`, its pacer and its retries) delivers them through the Teams stand-in, which
enforces Teams' limits on every Bot Connector call (per conversation 7 in 1 s, 8 in 2 s, 60 in
30 s, 1,800 an hour; per tenant 30 a second), answering 429 with Retry-After.

Half the owners have written to the bot (their personal chat is kept); the other half are known
only from the board team's roster, so the bot first creates their personal chat
(POST /v3/conversations), a call that counts against the limits too.

Goal: every reminder delivered, none twice, and the sweep's total time ≤ 1.1 × the floor those
limits allow for the calls it made (the limits replayed over those calls, in order, with no
time spent on anything else).

    .venv/bin/python bench/teams_delivery.py [--database sqlite|postgresql|both]
        [--written 100] [--latency S]

--latency makes the stand-in take S seconds over each connector call, as a round trip to the
real Teams does (loopback answers in about a millisecond).
"""

import json
import re
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import common
from sqlalchemy import func, select, update

from bot.people import PersonKey, ensure_person
from bot.places import Places
from bot.reminder_sweep import ReminderSweep
from bot.working_calendar import add_working_days
from handlers.teams.connector import BotToken, Connector
from handlers.teams.delivery import TeamsDelivery
from handlers.teams.people import PLATFORM
from sendbot.settings import TeamsSettings
from storage.models import Action, Deadline, Reminder, WorkingGroup
from teams_standin import TeamsStandIn
from teams_standin.limits import PER_CONVERSATION_LIMITS, PER_TENANT_LIMITS, TeamsLimits

PEOPLE = 200
CHANNELS = 6
ACTION_REMINDERS = 1_000 - CHANNELS
GOAL = 1.1
REF = re.compile(r"\bD\d+\b")
PACED = ("send", "create_conversation")


def seed_tenant(standin: TeamsStandIn) -> tuple[str, list[str], list]:
    team = standin.add_team("SEND Improvement Board")
    channels = [team] + [standin.add_channel(team, f"Working Group {n}") for n in range(2, 7)]
    members = [
        standin.add_member(f"Owner {n}", f"owner{n}@council.example", teams=(team,))
        for n in range(PEOPLE)
    ]
    return team, channels, members


def seed(rt, standin: TeamsStandIn, team: str, channels: list[str], members, written: int):
    """What the Teams door keeps at install and first message, then the plan."""
    now = common.WORKING_MORNING
    today = now.date()
    service = {"serviceUrl": standin.service_url, "tenantId": standin.tenant_id}
    bot_id = f"28:{standin.app_id}"
    with rt.db.session() as session:
        people = [
            ensure_person(
                session,
                datetime.now(UTC),
                PersonKey(PLATFORM, m.aad_object_id, m.email, m.name),
            ).id
            for m in members
        ]
    for n, member in enumerate(members):
        reach = {**service, "memberId": member.id, "botId": bot_id}
        if n < written:
            reach["conversationId"] = standin.personal_conversation(member)
        rt.people.keep_reach(PLATFORM, member.aad_object_id, json.dumps(reach, sort_keys=True))
    with rt.db.session() as session:
        # Straight into the table: board.toml does not take Teams channel ids yet.
        for number, channel in enumerate(channels, start=1):
            session.execute(
                update(WorkingGroup).where(WorkingGroup.number == number).values(channel_id=channel)
            )
    places = Places(rt.db)
    for channel in channels:
        places.keep_reach(PLATFORM, channel, json.dumps({**service, "teamId": team}))
    groups = common.group_ids(rt.db)
    common.insert_rows(
        rt.db,
        Action,
        [
            common.action_row(
                f"D{n}",
                groups[n % len(groups)],
                people[n % PEOPLE],
                today + timedelta(days=7),
                common.OPEN_STATUSES[n % 4],
                now - timedelta(days=1, minutes=n),
                now - timedelta(days=100),
            )
            for n in range(ACTION_REMINDERS)
        ],
    )
    common.insert_rows(
        rt.db,
        Deadline,
        [
            {
                "kind": "board",
                "date": add_working_days(today, 5),  # its highlight requests go out today
                "title": "Board meeting",
                "created_by": people[0],
                "created_at": now - timedelta(days=30),
            }
        ],
    )
    common.analyze(rt.db)


def floor_seconds(calls: list) -> float:
    """The least time Teams' limits allow for these calls, in this order, the first at 0."""
    now = [0.0]
    limits = TeamsLimits(PER_CONVERSATION_LIMITS, PER_TENANT_LIMITS, lambda: now[0])
    for call in calls:
        while (wait := limits.admit(call.conversation_id, "tenant")) > 0:
            now[0] += wait
    return now[0]


def run(kind: str, args) -> bool:
    folder = common.workdir()
    accepted: list[float] = []
    lock = threading.Lock()

    def on_call(call) -> None:
        if call.kind in PACED and not call.failed:
            with lock:
                accepted.append(time.monotonic())
        if args.latency and call.kind in PACED:
            time.sleep(args.latency)

    with TeamsStandIn(on_call=on_call) as standin:
        team, channels, members = seed_tenant(standin)
        url = common.fresh_database(kind, folder)
        rt = common.runtime(url, now=lambda: common.WORKING_MORNING)
        seed(rt, standin, team, channels, members, args.written)
        teams = TeamsSettings(
            standin.app_id, standin.app_password, standin.tenant_id, standin.openid_url, standin.url
        )
        delivery = TeamsDelivery(
            Connector(BotToken(teams)), rt.people, Places(rt.db), rt.clock.today
        )
        sweep = ReminderSweep(rt.db, rt.board, None, rt.clock)
        standin.limit_rate()  # Teams' own limits, per conversation and per tenant
        started = time.monotonic()
        report = sweep.run(delivery, now=common.WORKING_MORNING)
        total = time.monotonic() - started
        delivery.close()

        made = [c for c in standin.calls if c.kind in PACED and not c.failed]
        refused = sum(1 for c in standin.calls if c.kind in PACED and c.failed)
        sends = [c for c in made if c.kind == "send"]
        creates = len(made) - len(sends)
        per_conversation = Counter(c.conversation_id for c in sends)
        refs = Counter()
        for call in sends:
            refs.update(set(REF.findall(json.dumps(call.body.get("attachments", [])))))
        with rt.db.session() as session:
            query = select(Reminder.state, func.count()).group_by(Reminder.state)
            states = {state: count for state, count in session.execute(query)}
        rt.db.dispose()
        chats = {standin.personal_conversation(m) for m in members}

    floor = floor_seconds(made)
    reminders = sum(len(b.items) for b in report.sent)
    checks = {
        "every reminder sent (sweep report)": reminders == 1_000 and not report.failed,
        "nothing left to retry": not report.retry_later,
        "1,000 reminders recorded sent": states.get("sent", 0) == 1_000 and len(states) == 1,
        f"one message in each of the {PEOPLE} personal chats": (
            all(per_conversation[c] == 1 for c in chats)
        ),
        f"one message in each of the {CHANNELS} channels": (
            all(per_conversation[c] == 1 for c in channels)
        ),
        "nothing else sent": len(sends) == PEOPLE + CHANNELS,
        "each action reminded exactly once": (
            len(refs) == ACTION_REMINDERS and set(refs.values()) == {1}
        ),
        f"{PEOPLE - args.written} personal chats created, once each": creates
        == PEOPLE - args.written,
    }
    span = (max(accepted) - min(accepted)) if accepted else 0.0
    ratio = total / floor if floor else float("inf")
    met = all(checks.values()) and ratio <= GOAL
    common.print_checks(kind, checks)
    print(f"      {len(sends)} messages and {creates} new chats accepted, {refused} answered 429")
    print(
        f"      floor: {floor:.1f} s ({len(made)} calls under 30 a second per tenant; no "
        f"conversation takes more than {max(per_conversation.values())} message)"
    )
    common.print_against_floor(total, span, "call", ratio, GOAL, met)
    return met


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument(
        "--written", type=int, default=PEOPLE // 2, help="owners whose personal chat is kept"
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per connector call")
    args = parser.parse_args()
    common.banner("Benchmark 7: delivery under Teams' rate limits")
    print(
        "   limits: per conversation 7 in 1 s, 8 in 2 s, 60 in 30 s, 1,800 an hour; "
        "per tenant 30 a second"
        + (f"; {args.latency * 1000:g} ms per connector call" if args.latency else "")
    )
    results = [run(kind, args) for kind in common.backends(args.database)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
