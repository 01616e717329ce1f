"""Run the real bot over HTTP on a loopback port in a background thread (tests and the demo)."""

import threading

from waitress import wasyncore

from bot.runtime import Runtime
from handlers.app import build_app
from handlers.server import context
from handlers.web import make_server, wsgi_app


class LocalBot:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.app = build_app(context(runtime))
        self.server = make_server(wsgi_app(self.app, runtime.db), "127.0.0.1", 0, threads=4)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}"

    def __enter__(self) -> "LocalBot":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        # Close the sockets from inside the server's own loop: closing them from this thread
        # races with its select() call.
        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(timeout=5)
        self.server.task_dispatcher.shutdown()
