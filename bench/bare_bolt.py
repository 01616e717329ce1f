"""The baseline server of benchmark 1: a bare Bolt app served exactly as `sendbot serve` serves
the bot (waitress through sendbot.web.make_server, 8 threads, Bolt's own WSGI adapter, the same Bolt
options), that only acks `/action` and `/summary` (`--mode ack`), or acks and posts a fixed
answer to the response URL (`--mode answer`). Settings come from the same environment
variables as the bot's: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.

    .venv/bin/python bench/bare_bolt.py --mode ack|answer
"""

import argparse
import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from sendbot.log_setup import configure_logging
from sendbot.web import EVENTS_PATH, make_server


def bare_wsgi(app: App):
    """Bolt's own WSGI adapter, with a /healthz that has no database to ask."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        return slack(environ, start_response)

    return application


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
    make_server(bare_wsgi(app), "0.0.0.0", port).run()


if __name__ == "__main__":
    main()
