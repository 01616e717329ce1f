"""Run the real bot over HTTP on a loopback port in a background thread (tests and the demo)."""

import contextlib
import threading

from waitress import wasyncore

from handlers.slack.app import build_app
from sendbot.runtime import Runtime
from sendbot.serve import context
from sendbot.web import make_server, wsgi_app


class BackgroundServer:
    """A waitress server for a WSGI application on 127.0.0.1, in a daemon thread."""

    def __init__(self, application, threads: int = 4) -> None:
        self.server = make_server(application, "127.0.0.1", 0, threads=threads)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        # Let the request threads finish first (they wake the loop through its trigger), then
        # close the sockets from inside the loop: closing them from here races with select().
        self.server.task_dispatcher.shutdown()
        # OSError: the loop has already closed its trigger, and with it every socket.
        with contextlib.suppress(OSError):
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self.thread.join(timeout=5)


class LocalBot(BackgroundServer):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.app = build_app(context(runtime))
        super().__init__(wsgi_app(self.app, runtime.db, runtime.settings.signing_secret or ""))
