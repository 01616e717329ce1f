"""Run the real bot over HTTP on a loopback port in a background thread (tests and the demo)."""

import contextlib
import logging
import threading
import time

from waitress import wasyncore

from handlers.slack.app import build_app
from sendbot.runtime import Runtime
from sendbot.serve import context
from sendbot.web import make_server, wsgi_app


@contextlib.contextmanager
def _quiet(*loggers: logging.Logger):
    """Only errors from these loggers while stopping."""
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


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
        # Stopping on purpose cancels what is still queued: waitress's warnings about that
        # ("Task queue depth is 1", "Canceling 1 pending task(s)") would only alarm a reader.
        with _quiet(logging.getLogger("waitress"), logging.getLogger("waitress.queue")):
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


class BackgroundAsgiServer:
    """An ASGI application under uvicorn on 127.0.0.1, in a daemon thread (the Teams door)."""

    def __init__(self, application) -> None:
        import uvicorn

        config = uvicorn.Config(
            application, host="127.0.0.1", port=0, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        (sock,) = [s for server in self.server.servers for s in server.sockets]
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the Teams door did not start")
            time.sleep(0.01)  # start-up, not a clock: uvicorn says when it listens
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
