"""Benchmark 1 — command latency under load.

`sendbot serve` runs as a subprocess over HTTP (waitress), its database holding 10,000 actions
and 100,000 history rows, its Slack Web API the stand-in running in this process, which notes
when each response_url answer arrives. A load generator in another process plays 16 people at
once, each sending a signed slash command (in turn `/action mine`, `/action list`,
`/action update REF STATUS note`, `/summary`), waiting for the HTTP response (the ack) and then
for the answer at its own response URL before sending the next: 2,000 commands in all, after a
warm-up of 64 that are not counted.

Baselines, in the same run and the same harness: a bare Bolt app served the same way
(bench/bare_bolt.py) that only acks, and one that acks and posts a fixed answer.

Goal: the bot's p99 time to HTTP response ≤ 3 × the bare (ack-only) Bolt app's p99, and every
ack under Slack's 3 s. The answer times are reported beside the answer-posting bare app's.

    .venv/bin/python bench/command_latency.py [--database sqlite|postgresql|both]
        [--requests 2000] [--concurrency 16] [--serve-with SCRIPT]

--serve-with runs `python SCRIPT` (same environment) instead of `python -m sendbot serve`: a way to
try a change to the bot without editing it (see bench/README.md).
"""

import multiprocessing
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from random import Random

import common

from slack_standin import SlackStandIn

ACTIONS = 10_000
HISTORY_PER_ACTION = 10
OWNERS = 300
WARMUP = 64
ACK_GOAL = 3.0  # × the bare Bolt app's p99
SLACK_ACK_LIMIT = 3.0  # seconds
KINDS = ("/action mine", "/action list", "/action update", "/summary")
FAILURE_WORDS = ("something went wrong", "cannot reach its database")


# -- the load generator (runs in its own process) ---------------------------------------------


def load_generator(bot_url, response_base, prefix, specs, concurrency, wait, arrivals, results):
    """Send `specs` (command, text, user) `concurrency` at a time; put one
    (sent, acked, answered, status) per spec on `results`, times from time.monotonic()."""
    from urllib.parse import urlencode

    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(common.SIGNING_SECRET)

    def prepare(i: int) -> tuple[str, urllib.request.Request]:
        command, text, user = specs[i]
        response_id = f"{prefix}{i}"
        body = urlencode(
            {
                "token": "legacy-token-unused",
                "team_id": "T0STANDIN",
                "channel_id": "C0GENERAL",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "response_url": response_base + response_id,
                "trigger_id": f"trigger.{i}.{time.time_ns()}",
                "api_app_id": "A0SENDBOT",
            }
        )
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body),
        }
        request = urllib.request.Request(
            bot_url + "/slack/events", data=body.encode(), headers=headers, method="POST"
        )
        return response_id, request

    results.put(common.closed_loop(prepare, len(specs), concurrency, arrivals, wait))


# -- servers -----------------------------------------------------------------------------------


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start-up; its log:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not answer /healthz in {timeout:.0f} s")


def start_server(argv: list[str], env: dict, folder: Path, name: str, slack: bool = True):
    """`argv` served on a free port with `env` (and Slack's settings unless `slack` is False);
    returns the process and its URL once /healthz answers."""
    port = common.free_port()
    log = folder / f"{name}.log"
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "TEAMS_", "DATABASE_", "BOARD_", "BOT_", "TEST_DATABASE"))
    }
    environment |= env | {"PORT": str(port)}
    if slack:
        environment |= {
            "SLACK_BOT_TOKEN": common.BOT_TOKEN,
            "SLACK_SIGNING_SECRET": common.SIGNING_SECRET,
        }
    with log.open("w") as out:
        process = subprocess.Popen(
            argv, cwd=folder, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log)
    return process, url


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Rep:
    """One pass of the load generator over one server."""

    acks: list[float]
    answers: list[float]
    by_kind: dict[str, tuple[list[float], list[float]]]
    bad_status: int
    missing_answers: int
    failed_answers: int
    rate: float  # commands per second, first send to last answer


@dataclass
class Figures:
    """Several passes over one server: each figure is the median of the passes' figures."""

    name: str
    reps: list[Rep]

    def stat(self, q: float, answers: bool = False, kind: str | None = None) -> float:
        def values(rep: Rep) -> list[float]:
            if kind is not None:
                return rep.by_kind[kind][1 if answers else 0]
            return rep.answers if answers else rep.acks

        return common.median(common.percentile(values(rep), q) for rep in self.reps)

    @property
    def slowest_ack(self) -> float:
        return max(max(rep.acks) for rep in self.reps)

    @property
    def problems(self) -> tuple[int, int, int]:
        return (
            sum(r.bad_status for r in self.reps),
            sum(r.missing_answers for r in self.reps),
            sum(r.failed_answers for r in self.reps),
        )

    def line(self) -> str:
        ms = common.ms
        p99s = ", ".join(ms(common.percentile(r.acks, 99)) for r in self.reps)
        answer = "answer        (none: only acks)"
        if self.reps[0].answers:
            answer = f"answer p50 {ms(self.stat(50, True)):>9} p99 {ms(self.stat(99, True)):>9}"
        rate = common.median(r.rate for r in self.reps)
        return (
            f"   {self.name:26} ack p50 {ms(self.stat(50)):>8} p99 {ms(self.stat(99)):>8} "
            f"max {ms(self.slowest_ack):>8}   {answer}   ({rate:5.1f} commands/s; "
            f"ack p99 of each pass: {p99s})"
        )


def specs_for(count: int, seed: int) -> list[tuple[str, str, str]]:
    rng = Random(seed)
    specs = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        user = common.owner_of(rng.randrange(OWNERS), OWNERS)
        if kind == "/action mine":
            specs.append(("/action", "mine", user))
        elif kind == "/action list":
            specs.append(("/action", "list", user))
        elif kind == "/action update":
            n = rng.randrange(ACTIONS)
            status = rng.choice(("red", "amber", "green"))
            note = f"bench note {i}: 12 of 14 annual reviews on time"
            specs.append(("/action", f"update B{n} {status} {note}", common.owner_of(n, OWNERS)))
        else:
            specs.append(("/summary", "", user))
    return specs


def measure(url, standin, arrivals, prefix, count, concurrency, wait) -> Rep:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    specs = specs_for(WARMUP + count, seed=6)
    base = standin.new_response_url().rsplit("/", 1)[0] + "/"
    process = context.Process(
        target=load_generator,
        args=(url, base, prefix, specs, concurrency, wait, arrivals, results),
    )
    process.start()
    out = results.get()
    process.join()
    acks, answers = [], []
    by_kind: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in KINDS}
    bad = missing = failed = 0
    counted = out[WARMUP:]
    for i, (sent, acked, answered, status) in enumerate(counted, start=WARMUP):
        kind = KINDS[i % len(KINDS)]
        acks.append(acked - sent)
        by_kind[kind][0].append(acked - sent)
        if status != 200:
            bad += 1
        if wait:
            if answered is None:
                missing += 1
            else:
                answers.append(answered - sent)
                by_kind[kind][1].append(answered - sent)
                bodies = standin.responses(f"{prefix}{i}")
                if any(word in str(bodies).lower() for word in FAILURE_WORDS):
                    failed += 1
    first = min(sent for sent, *_ in counted)
    last = max(max(acked, answered or 0) for _, acked, answered, _ in counted)
    return Rep(acks, answers, by_kind, bad, missing, failed, len(counted) / (last - first))


def prepare_bot_database(kind: str, folder: Path) -> str:
    url = common.fresh_database(kind, folder)
    rt = common.runtime(url)
    common.seed_plan(rt.db, datetime.now(UTC), ACTIONS, HISTORY_PER_ACTION, owners=OWNERS)
    rt.db.dispose()
    return url


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3, help="passes per server (medians)")
    parser.add_argument("--serve-with", type=Path, help="a script to run instead of the bot")
    args = parser.parse_args()
    common.banner("Benchmark 1: command latency")
    print(
        f"   {args.requests:,} commands, {args.concurrency} at a time, each waiting for its "
        f"answer; {ACTIONS:,} actions, {ACTIONS * HISTORY_PER_ACTION:,} history rows; "
        f"{args.repeat} passes per server, figures are medians of the passes"
    )
    folder = common.workdir()
    # A fresh queue per run: a finished generator may die holding the old one's read lock.
    arrivals = {"queue": None}

    def on_call(call) -> None:
        queue = arrivals["queue"]
        if call.method == "response_url" and queue is not None:
            queue.put((call.response_id, time.monotonic()))

    python = str(common.PYTHON)
    bare = [python, str(Path(__file__).with_name("bare_bolt.py"))]
    figures: list[Figures] = []
    with SlackStandIn(on_call=on_call) as standin:
        api = {"SLACK_API_URL": standin.url}
        runs = [("bare Bolt: ack only", bare + ["--mode", "ack"], api, False)]
        runs.append(("bare Bolt: ack + answer", bare + ["--mode", "answer"], api, True))
        for kind in common.backends(args.database):
            print(f"   preparing the {kind} database …", flush=True)
            url = prepare_bot_database(kind, folder)
            env = api | {"DATABASE_URL": url, "BOT_ADMINS": common.ADMIN}
            serve = [python, str(args.serve_with.resolve())] if args.serve_with else None
            name = f"{args.serve_with.stem}, {kind}" if serve else f"sendbot serve, {kind}"
            runs.append((name, serve or [python, "-m", "sendbot", "serve"], env, True))
        for n, (name, argv, env, wait) in enumerate(runs):
            process, url = start_server(argv, env, folder, f"server{n}")
            reps = []
            try:
                for r in range(args.repeat):
                    queue = arrivals["queue"] = multiprocessing.get_context("spawn").Queue()
                    prefix = f"run{n}p{r}x"
                    reps.append(
                        measure(url, standin, queue, prefix, args.requests, args.concurrency, wait)
                    )
                    arrivals["queue"] = None
                    standin.reset()
            finally:
                common.stop_process(process)
                arrivals["queue"] = None
            result = Figures(name, reps)
            print(result.line(), flush=True)
            figures.append(result)

    bare_ack, bare_answer, bots = figures[0], figures[1], figures[2:]
    ms = common.ms
    ok = True
    print("== per command (p50 / p99 of ack, then of answer)")
    for bot in bots:
        for kind in KINDS:
            print(
                f"   {bot.name:26} {kind:15} ack {ms(bot.stat(50, kind=kind)):>8} / "
                f"{ms(bot.stat(99, kind=kind)):>8}   answer "
                f"{ms(bot.stat(50, True, kind)):>9} / {ms(bot.stat(99, True, kind)):>9}"
            )
    print("== results (baseline: the bare Bolt app, same server, same harness, same run)")
    for bot in bots:
        ratio = bot.stat(99) / bare_ack.stat(99)
        slowest = bot.slowest_ack
        bad, missing, failed = bot.problems
        met = ratio <= ACK_GOAL and slowest < SLACK_ACK_LIMIT and not (bad or missing or failed)
        ok &= met
        answer_ratio = bot.stat(99, True) / bare_answer.stat(99, True)
        print(
            f"   {bot.name}: ack p99 {ms(bot.stat(99))} = {ratio:.2f} × bare "
            f"{ms(bare_ack.stat(99))} (goal ≤ {ACK_GOAL:g}); slowest ack {ms(slowest)} "
            f"(goal < {SLACK_ACK_LIMIT:g} s); answer p99 {ms(bot.stat(99, True))} = "
            f"{answer_ratio:.1f} × the answering bare app's {ms(bare_answer.stat(99, True))}; "
            f"non-200 {bad}, unanswered {missing}, apologies {failed} → {common.verdict(met)}"
        )
    if os.environ.get("BENCH_KEEP"):
        print(f"   server logs: {folder}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
