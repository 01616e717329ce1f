"""The baseline server of benchmark 1: a bare Bolt app served exactly as `sendbot serve` serves
the bot (waitress through sendbot.web.make_server and wsgi_app, 8 threads, the same Bolt
options), that only acks `/action` and `/summary` (`--mode ack`), or acks and posts a fixed
answer to the response URL (`--mode answer`). Settings come from the same environment
variables as the bot's: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.

    .venv/bin/python bench/bare_bolt.py --mode ack|answer
"""

import argparse
import os

from slack_bolt import App
from slack_sdk import WebClient

from sendbot.log_setup import configure_logging
from sendbot.web import make_server, wsgi_app


class _NoDatabase:
    """/healthz answers 200: there is no database to ask."""

    def ping(self) -> bool:
        return True


def build(mode: str) -> App:
    token = os.environ["SLACK_BOT_TOKEN"]
    app = App(
        client=WebClient(token=token, base_url=os.environ.get("SLACK_API_URL")),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        process_before_response=False,
    )

    def ack_only(ack) -> None:
        ack()

    def ack_and_answer(ack, respond) -> None:
        ack()
        respond(response_type="ephemeral", text="ok")

    listener = ack_only if mode == "ack" else ack_and_answer
    for command in ("/action", "/summary"):
        app.command(command)(listener)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["ack", "answer"], default="ack")
    args = parser.parse_args()
    configure_logging([os.environ.get("SLACK_BOT_TOKEN"), os.environ["SLACK_SIGNING_SECRET"]])
    app = build(args.mode)
    port = int(os.environ.get("PORT", "3000"))
    make_server(wsgi_app(app, _NoDatabase()), "0.0.0.0", port).run()


if __name__ == "__main__":
    main()
