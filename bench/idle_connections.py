"""Benchmark 5 — answering while hundreds of connections are held open (issue 10).

`sendbot serve` runs as a subprocess over HTTP with a small plan; the Slack stand-in runs in this
process. With nothing held, then with 500 idle connections (connected, nothing sent), then with
500 slow ones (a request trickled a byte a second), it times 30 `GET /healthz` and 30 signed
`/action mine` commands, one at a time, each to its answer at the response URL.

Baseline, same run, same harness: the same bot served by waitress with its default settings
(`--before`: 100 connections at most), which is what `sendbot serve` used before issue 10.

Goal: with 500 idle or slow connections held, every `/healthz` and every command answered within
1 s.

    .venv/bin/python bench/idle_connections.py [--database sqlite|postgresql|both] [--held 500]
"""

import contextlib
import socket
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from urllib.parse import urlencode

import common
from command_latency import start_server
from slack_sdk.signature import SignatureVerifier

from slack_standin import SlackStandIn
from slack_standin.signed_requests import command_form

ROUNDS = 30
GOAL = 1.0  # seconds, for every request
OWNERS = 10
OWNER = common.owner_of(0, OWNERS)  # owns ten of the hundred actions
DEFAULTS_SCRIPT = '''"""The bot exactly as before issue 10: waitress with its default settings."""
import waitress

import sendbot.serve
import sendbot.web


def make_server(application, host, port, threads=8):
    return waitress.create_server(application, host=host, port=port, threads=threads)


sendbot.serve.make_server = make_server
from sendbot.cli import main  # noqa: E402

main(["serve"])
'''


class Held:
    """`count` connections to the server, idle or trickling a request a byte a second."""

    def __init__(self, port: int, count: int, slow: bool) -> None:
        self.sockets: list[socket.socket] = []
        self.slow = slow
        self.stop = threading.Event()
        for _ in range(count):
            sock = socket.socket()
            sock.settimeout(5)
            # A server that stops accepting leaves the connection in its backlog: still held.
            with contextlib.suppress(OSError):
                sock.connect(("127.0.0.1", port))
            self.sockets.append(sock)
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def _trickle(self) -> None:
        request = b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nX-Padding: " + b"a" * 10_000
        for byte in request:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.send(bytes([byte]))
            if self.stop.wait(1):
                return

    def __enter__(self):
        if self.slow:
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for sock in self.sockets:
            sock.close()


def healthz_time(url: str) -> float:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
            response.read()
    except OSError:
        return float("inf")
    return time.monotonic() - started


def command_time(url: str, standin: SlackStandIn) -> float:
    response_url = standin.new_response_url()
    body = urlencode(command_form("/action", "mine", OWNER, response_url))
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(common.SIGNING_SECRET).generate_signature(
        timestamp=timestamp, body=body
    )
    request = urllib.request.Request(
        url + "/slack/events",
        data=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        },
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        standin.wait_for_response(response_url, timeout=10)
    except (OSError, TimeoutError):
        return float("inf")
    return time.monotonic() - started


def measure(url: str, standin: SlackStandIn) -> tuple[list[float], list[float]]:
    health, commands = [], []
    for _ in range(ROUNDS):
        health.append(healthz_time(url))
        commands.append(command_time(url, standin))
        if float("inf") in health + commands:
            break  # a server that stopped answering will not start again while they are held
    return health, commands


def figures(values: list[float]) -> str:
    answered = [v for v in values if v != float("inf")]
    missing = len(values) - len(answered)
    if not answered:
        return "not answered in 10 s"
    text = f"p50 {common.ms(common.median(answered))}, slowest {common.ms(max(answered))}"
    return text + (f", {missing} not answered in 10 s (then stopped)" if missing else "")


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0], default="sqlite")
    parser.add_argument("--held", type=int, default=500, help="connections to hold open")
    args = parser.parse_args()
    common.banner("Benchmark 5: answering with connections held open")
    folder = common.workdir()
    before = folder / "waitress_defaults.py"
    before.write_text(DEFAULTS_SCRIPT)
    python = str(common.PYTHON)
    ok = True
    with SlackStandIn() as standin:
        for kind in common.backends(args.database):
            url = common.fresh_database(kind, folder)
            rt = common.runtime(url)
            common.seed_plan(rt.db, datetime.now(UTC), 100, 2, owners=OWNERS)
            rt.db.dispose()
            env = {"SLACK_API_URL": standin.url, "DATABASE_URL": url, "BOT_ADMINS": common.ADMIN}
            for name, argv in (
                ("before: waitress defaults", [python, str(before)]),
                ("sendbot serve", [python, "-m", "sendbot", "serve"]),
            ):
                process, bot_url = start_server(argv, env, folder, f"{kind}-{len(name)}")
                port = int(bot_url.rsplit(":", 1)[1])
                try:
                    for load, slow in (("nothing held", None), ("idle", False), ("slow", True)):
                        count = 0 if slow is None else args.held
                        with Held(port, count, bool(slow)):
                            health, commands = measure(bot_url, standin)
                        label = f"{kind}, {name}, {count} {load}" if count else f"{kind}, {name}"
                        print(f"   {label}: /healthz {figures(health)}; mine {figures(commands)}")
                        if name == "sendbot serve":
                            met = max(health + commands) <= GOAL
                            ok &= met
                            print(f"      → every answer within {GOAL:g} s: {common.verdict(met)}")
                        standin.reset()
                finally:
                    common.stop_process(process)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
