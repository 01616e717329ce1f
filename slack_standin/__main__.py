"""Run the Slack stand-in on its own: ``python -m slack_standin --port 4000``.

Prints one line per call so you can watch what the bot sends during a demo.
"""

from __future__ import annotations

import argparse
import json
import threading

from slack_standin.server import Call, SlackStandIn

MAX_LINE = 300  # long block payloads would otherwise flood the terminal


def format_call(call: Call) -> str:
    """One readable line for a recorded call (tokens left out)."""
    params = {key: value for key, value in call.params.items() if key != "token"}
    name = f"{call.method}[{call.response_id}]" if call.response_id else call.method
    status = " FAILED" if call.failed else ""
    line = f"{name}{status} {json.dumps(params, ensure_ascii=False, default=str)}"
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


def _parse_user(spec: str) -> tuple[str, str, str | None]:
    parts = spec.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        raise argparse.ArgumentTypeError(f"expected ID:NAME[:EMAIL], got {spec!r}")
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m slack_standin", description="Local stand-in for the Slack Web API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4000)
    parser.add_argument(
        "--user",
        type=_parse_user,
        action="append",
        default=[],
        metavar="ID:NAME[:EMAIL]",
        help="register a user for users.info / users.lookupByEmail (repeatable)",
    )
    args = parser.parse_args(argv)

    def show(call: Call) -> None:
        print(format_call(call), flush=True)

    standin = SlackStandIn(args.host, args.port, on_call=show)
    for user_id, name, email in args.user:
        standin.add_user(user_id, name, email)
    with standin:
        print(f"Slack stand-in listening; use WebClient(base_url={standin.url!r})", flush=True)
        try:
            threading.Event().wait()  # serve until Ctrl-C
        except KeyboardInterrupt:
            print("stopping", flush=True)


if __name__ == "__main__":
    main()
