"""How fast Socket Mode answers again after each kind of dropped connection, and at what cost.

For each drop (a TCP close with no close frame, a close frame, a reset, and Slack's
``disconnect`` refresh) the stand-in drops the bot's connection and at once queues a slash
command envelope. The figure is the time from the drop to that envelope's ack: how long Slack
would find the bot deaf. The CPU the bot's process burns meanwhile shows a busy loop.
``--client builtin`` measures Bolt's default client for comparison; the product uses
websocket-client (`handlers.slack.socket_mode.socket_mode_handler`).
"""

import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common  # noqa: E402
from slack_bolt.adapter.socket_mode.builtin import SocketModeHandler as BuiltinHandler  # noqa: E402

from handlers.slack.app import build_app  # noqa: E402
from handlers.slack.socket_mode import connect_socket_mode, socket_mode_handler  # noqa: E402
from sendbot.serve import context  # noqa: E402
from slack_standin import SlackStandIn  # noqa: E402
from slack_standin.signed_requests import command_form  # noqa: E402

APP_TOKEN = "xapp-bench-not-a-real-token"
DROPS = ("fin", "close_frame", "reset", "refresh")
GOAL_SECONDS = 10.0


def main() -> int:
    parser = common.arguments(__doc__.splitlines()[0], default="sqlite")
    parser.add_argument("--client", choices=["websocket-client", "builtin"], default=None)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the clients narrate every reconnect
    common.banner("Socket Mode recovery per kind of drop")
    clients = [args.client] if args.client else ["websocket-client", "builtin"]
    ok = True
    for client in clients:
        ok &= measure(client, args.rounds) or client == "builtin"
    return 0 if ok else 1


def measure(client: str, rounds: int) -> bool:
    with SlackStandIn() as standin:
        runtime = common.runtime(common.fresh_database("sqlite"), api_url=standin.url)
        app = build_app(context(runtime))
        if client == "builtin":
            handler = BuiltinHandler(app, APP_TOKEN)
            handler.connect()
        else:
            handler = socket_mode_handler(app, APP_TOKEN)
            connect_socket_mode(handler, standin.url)
        # websocket-client sets its logger's level when a client is made; quiet it after.
        logging.getLogger("websocket").setLevel(logging.CRITICAL)
        socket_mode = standin.socket_mode
        socket_mode.wait_connected(1)
        socket_mode.request("slash_commands", _help(standin))  # warm up
        print(f"\n{client}: seconds from the drop to the next ack (CPU seconds meanwhile)")
        worst = 0.0
        for drop in DROPS:
            times, cpu = [], []
            for _ in range(rounds):
                opened = socket_mode.connections_opened
                cpu_before, started = time.process_time(), time.monotonic()
                socket_mode.drop(drop)
                envelope = socket_mode.send("slash_commands", _help(standin))
                try:
                    socket_mode.wait_ack(envelope, timeout=90)
                    took = time.monotonic() - started
                except TimeoutError:
                    took = float("inf")
                times.append(took)
                cpu.append(time.process_time() - cpu_before)
                socket_mode.wait_connected(opened + 1, timeout=90)
            worst = max(worst, *times)
            shown = ", ".join(f"{t:.2f} s ({c:.2f})" for t, c in zip(times, cpu, strict=True))
            print(f"  {drop:<12} {shown}")
        handler.close()
        runtime.db.dispose()
    met = worst <= GOAL_SECONDS
    print(f"  worst {worst:.2f} s; goal ≤ {GOAL_SECONDS:.0f} s: {common.verdict(met)}")
    return met


def _help(standin: SlackStandIn) -> dict:
    return command_form("/action", "help", "U0BENCH01", standin.new_response_url())


if __name__ == "__main__":
    sys.exit(main())
