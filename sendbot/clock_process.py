"""`sendbot clock`: one interval job that runs the reminder sweep (APScheduler 3.11).

Nothing is kept in memory between sweeps: the database says what is due and what was sent, so a
restart loses nothing. Only one job exists, with a fixed id; never one job per reminder.
"""

import logging
import signal
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.delivery import Delivery
from bot.reminder_report import report_lines
from bot.reminder_sweep import ReminderSweep

log = logging.getLogger(__name__)
JOB_ID = "reminder-sweep"
# Held while a sweep runs, so that Ctrl-C can let the sweep under way finish.
SWEEPING = threading.Lock()
# How long each wait for that sweep lasts. A signal that lands just before a wait starts is
# only handled when the wait ends: short waits keep a second Ctrl-C prompt.
WAIT_STEP_SECONDS = 0.2


def build_scheduler(sweep: ReminderSweep, sender: Delivery, minutes: float) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=UTC)
    scheduler.add_job(
        run_once,
        "interval",
        args=(sweep, sender),
        minutes=minutes,
        id=JOB_ID,
        replace_existing=True,
        next_run_time=datetime.now(UTC),  # sweep at start: catch up after downtime at once
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
    return scheduler


def run_once(sweep: ReminderSweep, sender: Delivery) -> None:
    try:
        with SWEEPING:
            report = sweep.run(sender)
    except Exception:
        log.exception("the reminder sweep failed; the next one will try again")
        return
    for line in report_lines(report):
        log.info(line)


def run_clock(sweep: ReminderSweep, sender: Delivery, minutes: float) -> None:
    scheduler = build_scheduler(sweep, sender, minutes)

    def stop(signum, _frame) -> None:
        log.info("stopping the clock (signal %s)", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    log.info("clock started: sweeping every %s minutes", minutes)
    try:
        scheduler.start()
    except KeyboardInterrupt:
        # Ctrl-C: a sweep under way finishes, so that what it sent is recorded as sent; a
        # second Ctrl-C stops the process at once (sendbot.cli).
        log.info("stopping the clock: a sweep under way finishes first")
        scheduler.shutdown(wait=False)
        while not SWEEPING.acquire(timeout=WAIT_STEP_SECONDS):
            pass
        SWEEPING.release()  # a sweep that starts this very moment must not wait for ever
        raise
