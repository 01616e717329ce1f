"""`sendbot` processes forked from a server that has already imported the bot.

A test that starts the clock twenty times (and kills it each time) spent most of its time in
twenty Python start-ups importing SQLAlchemy, Alembic, openpyxl and Slack's SDK. Here each
process is forked from multiprocessing's fork server, which imports them once: every process is
still a process of its own (its own pid, database connections, threads and signal handlers,
killed with a real SIGKILL) running `sendbot`'s own entry point, `sendbot.cli.main`. The fork
server has no threads, unlike pytest (the Slack stand-in serves from a thread), so forking it is
safe. Tests that prove `python -m sendbot` itself starts still run it with tests.support.cli.
"""

import multiprocessing
import os
from pathlib import Path

from tests.support.cli import clean_env

# What `sendbot clock` imports before its first sweep.
PRELOAD = [
    "sendbot.cli",
    "sendbot.runtime",
    "sendbot.clock_process",
    "sendbot.delivery_routing",
    "handlers.slack.app",
    "handlers.slack.delivery",
    "psycopg",
    "sqlite3",
]

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def start_sendbot(*args: str, cwd: Path, **settings: str) -> multiprocessing.Process:
    """`sendbot ARGS` in `cwd`, settings from the environment, output thrown away (as
    `subprocess.Popen(..., stdout=DEVNULL, stderr=DEVNULL)`). Returns the started process:
    `.pid`, `.kill()`, `.terminate()`, `.join(timeout)`, `.exitcode`."""
    process = _context.Process(
        target=_run_sendbot, args=(list(args), str(cwd), clean_env(**settings)), daemon=False
    )
    process.start()
    return process


def _run_sendbot(args: list[str], cwd: str, env: dict[str, str]) -> None:
    """In the forked process: become `python -m sendbot ARGS` run in `cwd` with `env`."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    from sendbot.cli import main

    raise SystemExit(main(args))
