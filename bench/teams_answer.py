"""Benchmark 7 — a Teams command's answer at 10,000 actions, against a bare Teams SDK app.

`sendbot serve` with the Teams settings runs as a subprocess (uvicorn, sendbot/serve_teams.py),
its database holding 10,000 actions and 100,000 history rows; the Bot Connector stand-in
(`teams_standin`) runs in this process and notes when each reply reaches
`POST /v3/conversations/{id}/activities`. A load generator in another process plays 40 Teams people
(each owns about 33 actions), 8 activities in flight: `action mine`, `action list wg 3`,
`action show REF` and `action list overdue` in turn, typed in each person's personal chat and
posted to `/api/messages` with a Bot Framework token, as Teams posts them. A person's next
activity goes only once the last one's reply has reached the connector. The answer is the time
from posting the activity to its reply (threaded under it) reaching the connector; the HTTP
response comes after that, since both servers reply before answering 200.

Baseline, same run, same harness: a bare Teams SDK app that replies "ok" (bench/bare_teams.py),
under the same uvicorn set-up, validating the same tokens against the same keys and replying
through the same connector with the same bot token. The servers' passes are interleaved (bare,
then each bot, pass after pass), so a noisy minute on the machine falls on all of them.

Goal: the bot's answer p99 ≤ 3 × the bare app's (medians of the passes), with every activity
answered and no apology.

    .venv/bin/python bench/teams_answer.py [--database sqlite|postgresql|both]
        [--requests 1000] [--concurrency 8] [--repeat 5] [--try SCRIPT …]

--try runs `python SCRIPT` too (same environment as the bot), in the same interleaved passes: a way
to try a change to the door against the bot as it is, in one run (see bench/README.md).
"""

import json
import multiprocessing
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import common
from command_latency import Figures, Rep, start_server

from bot.people import PersonKey, ensure_person, find_person
from storage.database import Database
from teams_standin import routes
from teams_standin.directory import Member
from teams_standin.server import Call, TeamsStandIn

ACTIONS = 10_000
HISTORY_PER_ACTION = 10
OWNERS = 300
ASKERS = 40  # the first 40 generated owners, on Teams
WARMUP_PER_ASKER = 2  # not counted: each asker's first activity stores how to reach them
GOAL = 3.0  # × the bare app's answer p99
KINDS = ("action mine", "action list wg 3", "action show", "action list overdue")
FAILURE_WORDS = ("something went wrong", "cannot reach its database", "did not recognise")


# -- the load generator (runs in its own process) ---------------------------------------------


def load_generator(bot_url, token, activities, concurrency, arrivals, results):
    """Post `activities` (JSON) `concurrency` at a time, each answer keyed by the activity's id;
    put one (sent, acked, answered, status) per activity on `results`."""

    def prepare(i: int) -> tuple[str, urllib.request.Request]:
        key, body = activities[i]
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {token}",
        }
        request = urllib.request.Request(
            bot_url + "/api/messages", data=body, headers=headers, method="POST"
        )
        return key, request

    results.put(common.closed_loop(prepare, len(activities), concurrency, arrivals))


# -- the people and the plan --------------------------------------------------------------------


def add_askers(teams: TeamsStandIn) -> list[Member]:
    """The askers in the stand-in's tenant, each with the app installed personally."""
    return [
        teams.add_member(f"Generated Owner {n}", f"owner{n}@council.example") for n in range(ASKERS)
    ]


def put_askers_on_teams(db: Database, askers: list[Member]) -> None:
    """Generated owner n (a Slack person) is asker n too: their name, email and Teams account."""
    now = datetime.now(UTC)
    with db.session() as session:
        for n, member in enumerate(askers):
            person = find_person(session, PersonKey("slack", common.owner_of(n, OWNERS)))
            assert person is not None
            person.name, person.email = member.name, member.email
            session.flush()
            ensure_person(session, now, PersonKey("teams", member.aad_object_id, member.email))


def prepare_bot_database(kind: str, folder: Path, askers: list[Member]) -> str:
    url = common.fresh_database(kind, folder)
    rt = common.runtime(url)
    common.seed_plan(rt.db, datetime.now(UTC), ACTIONS, HISTORY_PER_ACTION, owners=OWNERS)
    put_askers_on_teams(rt.db, askers)
    rt.db.dispose()
    return url


def texts(count: int) -> list[str]:
    """The commands in turn; `action show` names a different action each time."""
    shown = ("action mine", "action list wg 3", "action show B{n}", "action list overdue")
    return [shown[i % len(shown)].format(n=(i * 7919) % ACTIONS) for i in range(count)]


# -- measuring ---------------------------------------------------------------------------------


class Replies:
    """Feeds each reply's arrival at the connector to the load generator of the pass under way."""

    def __init__(self) -> None:
        self.queue = None

    def __call__(self, call: Call) -> None:
        queue = self.queue
        if queue is None or call.failed or call.kind not in (routes.SEND, routes.REPLY):
            return
        reply_to = (call.body or {}).get("replyToId")
        if reply_to:
            queue.put((reply_to, time.monotonic()))


def measure(url: str, teams: TeamsStandIn, askers, replies: Replies, args) -> Rep:
    warmup = WARMUP_PER_ASKER * ASKERS
    activities = []
    for i, text in enumerate(["action mine"] * warmup + texts(args.requests)):
        activity = teams.activities.message(askers[i % ASKERS], text)
        activities.append((activity["id"], json.dumps(activity).encode()))
    token = teams.mint_token(service_url=teams.service_url)
    context = multiprocessing.get_context("spawn")
    replies.queue = context.Queue()
    results = context.Queue()
    process = context.Process(
        target=load_generator,
        args=(url, token, activities, args.concurrency, replies.queue, results),
    )
    process.start()
    out = results.get()
    process.join()
    replies.queue = None
    failed = sum(
        any(word in json.dumps(posted.activity).lower() for word in FAILURE_WORDS)
        for posted in teams.posted()
    )
    teams.reset()
    counted = out[warmup:]
    acks, answers = [], []
    by_kind: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in KINDS}
    bad = missing = 0
    for i, (sent, acked, answered, status) in enumerate(counted):
        kind = KINDS[i % len(KINDS)]
        acks.append(acked - sent)
        by_kind[kind][0].append(acked - sent)
        bad += status != 200
        if answered is None:
            missing += 1
        else:
            answers.append(answered - sent)
            by_kind[kind][1].append(answered - sent)
    first = min(sent for sent, *_ in counted)
    last = max(max(acked, answered or 0) for _, acked, answered, _ in counted)
    return Rep(acks, answers, by_kind, bad, missing, failed, len(counted) / (last - first))


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000, help="counted activities a pass")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5, help="passes per server (medians)")
    parser.add_argument(
        "--try",
        dest="tries",
        type=Path,
        action="append",
        default=[],
        help="also measure `python SCRIPT` (the bot's environment) in the same passes",
    )
    args = parser.parse_args()
    common.banner("Benchmark 7: a Teams command's answer")
    print(
        f"   {args.requests:,} activities a pass from {ASKERS} people, {args.concurrency} in "
        f"flight, each to its reply at the connector; {ACTIONS:,} actions, "
        f"{ACTIONS * HISTORY_PER_ACTION:,} history rows; {args.repeat} interleaved passes per "
        "server, figures are medians of the passes"
    )
    folder = common.workdir()
    python = str(common.PYTHON)
    replies = Replies()
    servers = []
    try:
        with TeamsStandIn(on_call=replies) as teams:
            askers = add_askers(teams)
            env = {
                "TEAMS_APP_ID": teams.app_id,
                "TEAMS_APP_PASSWORD": teams.app_password,
                "TEAMS_TENANT_ID": teams.tenant_id,
                "TEAMS_OPENID_URL": teams.openid_url,
                "TEAMS_AUTHORITY_URL": teams.url,
                "HOST": "127.0.0.1",
            }
            runs = [
                (
                    "bare Teams SDK app",
                    [python, str(Path(__file__).with_name("bare_teams.py"))],
                    env,
                )
            ]
            for kind in common.backends(args.database):
                print(f"   preparing the {kind} database …", flush=True)
                url = prepare_bot_database(kind, folder, askers)
                bot_env = env | {"DATABASE_URL": url, "BOT_ADMINS": common.ADMIN}
                runs.append((f"sendbot serve, {kind}", [python, "-m", "sendbot", "serve"], bot_env))
                for script in args.tries:
                    argv = [python, str(script.resolve())]
                    runs.append((f"{script.stem}, {kind}", argv, bot_env))
            for n, (name, argv, run_env) in enumerate(runs):
                process, url = start_server(argv, run_env, folder, f"server{n}", slack=False)
                servers.append((name, process, url, []))
            for r in range(args.repeat):
                for name, _, url, reps in servers:
                    reps.append(measure(url, teams, askers, replies, args))
                    p99 = common.percentile(reps[-1].answers, 99)
                    print(f"   pass {r + 1}, {name}: answer p99 {common.ms(p99)}", flush=True)
    finally:
        for _, process, _, _ in servers:
            common.stop_process(process)
    figures = [Figures(name, reps) for name, _, _, reps in servers]
    return report(figures[0], figures[1:])


def report(bare: Figures, bots: list[Figures]) -> int:
    ms = common.ms
    for figure in [bare, *bots]:
        p99s = ", ".join(ms(common.percentile(r.answers, 99)) for r in figure.reps)
        rate = common.median(r.rate for r in figure.reps)
        print(
            f"   {figure.name:24} answer p50 {ms(figure.stat(50, True)):>9} "
            f"p99 {ms(figure.stat(99, True)):>9}   HTTP 200 p99 {ms(figure.stat(99)):>9}   "
            f"({rate:5.1f} activities/s; answer p99 of each pass: {p99s})"
        )
    print("== per command (answer p50 / p99)")
    for bot in bots:
        for kind in KINDS:
            print(
                f"   {bot.name:24} {kind:20} {ms(bot.stat(50, True, kind)):>9} / "
                f"{ms(bot.stat(99, True, kind)):>9}"
            )
    print("== results (baseline: the bare Teams SDK app, same server, same harness, same run)")
    ok = True
    for bot in bots:
        ratio = bot.stat(99, True) / bare.stat(99, True)
        bad, missing, failed = bot.problems
        met = ratio <= GOAL and not (bad or missing or failed)
        ok &= met
        per_pass = ", ".join(
            f"{common.percentile(b.answers, 99) / common.percentile(a.answers, 99):.2f}"
            for a, b in zip(bare.reps, bot.reps, strict=True)
        )
        print(
            f"   {bot.name}: answer p99 {ms(bot.stat(99, True))} = {ratio:.2f} × bare "
            f"{ms(bare.stat(99, True))} (goal ≤ {GOAL:g}; pass by pass {per_pass}); "
            f"non-200 {bad}, unanswered {missing}, apologies {failed} → {common.verdict(met)}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
