"""Benchmark 5 — answering while hundreds of connections are held open (issues 10 and 11).

`sendbot serve` runs as a subprocess over HTTP with a small plan; the Slack and Teams stand-ins run
in this process. With nothing held, then with 500 idle connections (connected, nothing sent), then
with 500 slow ones (a request trickled a byte a second), it times 30 `GET /healthz` and 30 signed
`/action mine` commands, one at a time, each to its answer at the response URL.

Slack only, `sendbot serve` is waitress. Baseline, same run, same harness: the same bot served by
waitress with its default settings (100 connections at most), as before issue 10.

With the TEAMS_* settings too, `sendbot serve` is one uvicorn server: the same is timed there, plus
a Teams `action mine` activity to its reply at the Bot Connector stand-in. Then the door's limits:
how long the server keeps a connection that sends nothing or trickles a header a byte a second;
what a 100 MB chunked body to each path gets and what it costs the server's memory; what a
malformed request gets, and whether the server's log holds a traceback.

Goal: with 500 idle or slow connections held, every `/healthz`, command and activity answered
within 1 s.

    .venv/bin/python bench/idle_connections.py [--database sqlite|postgresql|both] [--held 500]
        [--uvicorn-only]
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
from teams_standin.sender import TeamsSender
from teams_standin.server import TeamsStandIn

ROUNDS = 30
MEMBERS = 10  # Teams askers, in turn: a few activities per conversation, as people write
GIVE_UP = 30.0  # seconds: a held connection the server still keeps after this, it keeps for ever
SLOW_BODIES = 20  # more than a2wsgi's 10 threads
UPLOAD = 100 * 1024 * 1024  # the chunked body sent to each path
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


class TeamsAsker:
    """Teams `action mine` activities from MEMBERS people in turn, each to its reply."""

    def __init__(self, url: str, teams: TeamsStandIn) -> None:
        self.teams = teams
        self.sender = TeamsSender(url, teams)
        self.members = [
            teams.add_member(f"Bench Asker {n}", f"asker{n}@council.example")
            for n in range(MEMBERS)
        ]
        self.asked = 0

    def time(self) -> float:
        member = self.members[self.asked % MEMBERS]
        self.asked += 1
        activity = self.teams.activities.message(member, "action mine")
        conversation = activity["conversation"]["id"]
        replies = len(self.teams.sent_to(conversation))
        started = time.monotonic()
        try:
            if self.sender.post(activity).status != 200:
                return float("inf")
            self.teams.wait_for(
                "send",
                count=replies + 1,
                timeout=10,
                predicate=lambda call: call.conversation_id == conversation,
            )
        except (OSError, TimeoutError):
            return float("inf")
        return time.monotonic() - started


def measure(url: str, standin: SlackStandIn, teams: TeamsAsker | None) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"/healthz": [], "mine": []}
    if teams:
        times["Teams mine"] = []
    for _ in range(ROUNDS):
        times["/healthz"].append(healthz_time(url))
        times["mine"].append(command_time(url, standin))
        if teams:
            times["Teams mine"].append(teams.time())
        if any(float("inf") in values for values in times.values()):
            break  # a server that stopped answering will not start again while they are held
    return times


def figures(values: list[float]) -> str:
    answered = [v for v in values if v != float("inf")]
    missing = len(values) - len(answered)
    if not answered:
        return "not answered in 10 s"
    text = f"p50 {common.ms(common.median(answered))}, slowest {common.ms(max(answered))}"
    return text + (f", {missing} not answered in 10 s (then stopped)" if missing else "")


# -- the door's limits (uvicorn) -----------------------------------------------------------------


def kept_for(port: int, trickle: bool) -> str:
    """How long the server keeps a connection that sends nothing, or a header a byte a second."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(1)
    started = time.monotonic()
    request = b"GET /healthz HTTP/1.1\r\nHost: bot\r\nX-Padding: " + b"a" * 100_000
    try:
        for byte in request:
            if trickle:
                sock.send(bytes([byte]))
            try:
                if sock.recv(1024) == b"":
                    return f"closed after {time.monotonic() - started:.1f} s"
            except TimeoutError:
                pass  # still open: it waited a second for an answer
            except OSError:
                return f"closed after {time.monotonic() - started:.1f} s"
            if time.monotonic() - started > GIVE_UP:
                return f"still open after {GIVE_UP:g} s"
    finally:
        sock.close()
    return "never closed"


def peak_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def chunked_upload(port: int, path: str, headers: dict[str, str]) -> str:
    """Sends UPLOAD bytes chunked (no length) to `path`; the status, or what happened."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(10)
    head = f"POST {path} HTTP/1.1\r\nHost: bot\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    chunk = b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n"
    sent = 0
    try:
        sock.sendall(head.encode())
        while sent < UPLOAD:
            sock.sendall(chunk)
            sent += 65536
        sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server closed it: what it answered first is still to be read
    try:
        answer = sock.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
    except OSError as error:
        answer = f"no answer ({error.__class__.__name__})"
    finally:
        sock.close()
    return f"{answer or 'closed, no answer'}, {sent // 1024 // 1024} MB sent before the end"


def malformed(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GARBAGE \x00\x01 nonsense\r\n\r\n")
        return sock.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")


def slow_bodies(port: int, url: str, standin: SlackStandIn) -> str:
    """A Slack command's answer while SLOW_BODIES senders hold a request whose body never ends."""
    sockets = []
    try:
        for _ in range(SLOW_BODIES):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(
                b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Length: 900\r\n\r\na"
            )
            sockets.append(sock)
        return figures([command_time(url, standin)])
    finally:
        for sock in sockets:
            sock.close()


def door_limits(port: int, pid: int, teams: TeamsStandIn, log, standin: SlackStandIn) -> None:
    answer = slow_bodies(port, f"http://127.0.0.1:{port}", standin)
    print(f"   `/action mine` with {SLOW_BODIES} bodies trickling to /slack/events: {answer}")
    print(f"   idle connection: {kept_for(port, trickle=False)}")
    print(f"   header trickled a byte a second: {kept_for(port, trickle=True)}")
    bearer = {"Authorization": f"Bearer {teams.mint_token(service_url=teams.service_url)}"}
    for path, headers in (("/slack/events", {}), ("/api/messages", bearer)):
        before = peak_kib(pid)
        answer = chunked_upload(port, path, headers)
        grew = (peak_kib(pid) - before) / 1024
        print(f"   100 MB chunked to {path}: {answer}; server's peak memory +{grew:.1f} MB")
    print(f"   malformed request: {malformed(port)}")
    print(f"   tracebacks in the server's log: {log.read_text().count('Traceback')}")


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0], default="sqlite")
    parser.add_argument("--held", type=int, default=500, help="connections to hold open")
    parser.add_argument("--uvicorn-only", action="store_true", help="skip the waitress servers")
    args = parser.parse_args()
    common.banner("Benchmark 5: answering with connections held open")
    folder = common.workdir()
    before = folder / "waitress_defaults.py"
    before.write_text(DEFAULTS_SCRIPT)
    python = str(common.PYTHON)
    serve = [python, "-m", "sendbot", "serve"]
    ok = True
    with SlackStandIn() as standin, TeamsStandIn() as teams:
        teams_env = {
            "TEAMS_APP_ID": teams.app_id,
            "TEAMS_APP_PASSWORD": teams.app_password,
            "TEAMS_TENANT_ID": teams.tenant_id,
            "TEAMS_OPENID_URL": teams.openid_url,
            "TEAMS_AUTHORITY_URL": teams.url,
        }
        for kind in common.backends(args.database):
            url = common.fresh_database(kind, folder)
            rt = common.runtime(url)
            common.seed_plan(rt.db, datetime.now(UTC), 100, 2, owners=OWNERS)
            rt.db.dispose()
            env = {"SLACK_API_URL": standin.url, "DATABASE_URL": url, "BOT_ADMINS": common.ADMIN}
            for name, argv, extra in (
                ("before: waitress defaults", [python, str(before)], {}),
                ("sendbot serve", serve, {}),
                ("sendbot serve, Teams and Slack (uvicorn)", serve, teams_env),
            ):
                if args.uvicorn_only and not extra:
                    continue
                log_name = f"{kind}-{len(name)}"
                process, bot_url = start_server(argv, env | extra, folder, log_name)
                port = int(bot_url.rsplit(":", 1)[1])
                asker = TeamsAsker(bot_url, teams) if extra else None
                try:
                    for load, slow in (("nothing held", None), ("idle", False), ("slow", True)):
                        count = 0 if slow is None else args.held
                        with Held(port, count, bool(slow)):
                            times = measure(bot_url, standin, asker)
                        label = f"{kind}, {name}, {count} {load}" if count else f"{kind}, {name}"
                        said = "; ".join(f"{what} {figures(v)}" for what, v in times.items())
                        print(f"   {label}: {said}")
                        if name.startswith("sendbot serve"):
                            met = max(max(values) for values in times.values()) <= GOAL
                            ok &= met
                            print(f"      → every answer within {GOAL:g} s: {common.verdict(met)}")
                        standin.reset()
                    if extra:
                        log = folder / f"{log_name}.log"
                        door_limits(port, process.pid, teams, log, standin)
                finally:
                    common.stop_process(process)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
