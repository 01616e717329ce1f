"""`sendbot` processes forked from a server that has already imported the bot.

A test that starts the clock twenty times (and kills it each time) spent most of its time in
twenty Python start-ups importing SQLAlchemy, Alembic, openpyxl and Slack's SDK. Here each
process is forked from multiprocessing's fork server, which imports them once: every process is
still a process of its own (its own pid, database connections, threads and signal handlers,
killed with a real SIGKILL) running `sendbot`'s own entry point, `sendbot.cli.main`. The fork
server has no threads, unlike pytest (the Slack stand-in serves from a thread), so forking it is
safe. The processes are daemons: one that a failed test leaves running is stopped when pytest
exits, instead of keeping pytest waiting. Tests that prove `python -m sendbot` itself starts
still run it with tests.support.cli.
"""

import multiprocessing
import os
import subprocess
import tempfile
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
    "bot.plan_import",
    "sendbot.import_directory",
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
        target=_run_sendbot, args=(list(args), str(cwd), clean_env(**settings)), daemon=True
    )
    process.start()
    return process


def run_sendbot(
    *args: str, cwd: Path, timeout: float = 60, **settings: str
) -> subprocess.CompletedProcess:
    """`sendbot ARGS` to the end, as tests.support.cli.sendbot runs it, with its output."""
    with tempfile.TemporaryDirectory() as folder:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        out.touch()  # read even when the process dies before writing a word
        err.touch()
        process = _context.Process(
            target=_run_sendbot,
            args=(list(args), str(cwd), clean_env(**settings), str(out), str(err)),
            daemon=True,
        )
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["sendbot", *args], timeout)
        return subprocess.CompletedProcess(
            ["sendbot", *args],
            process.exitcode,
            out.read_text(encoding="utf-8"),
            err.read_text(encoding="utf-8"),
        )


def _run_sendbot(
    args: list[str],
    cwd: str,
    env: dict[str, str],
    stdout: str = os.devnull,
    stderr: str = os.devnull,
) -> None:
    """In the forked process: become `python -m sendbot ARGS` run in `cwd` with `env`."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, stdout), (2, stderr)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
    from sendbot.cli import main

    raise SystemExit(main(args))  # the exit status, as `python -m sendbot` has it
