"""`sendbot`: the bot's command line (SPEC §6)."""

import argparse
import errno
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.errors import ConfigError
from sendbot.draft_actions_cli import add_draft_actions_parser, draft_actions_command
from sendbot.family_cli import add_family_parser, family_command
from sendbot.log_setup import configure_logging
from sendbot.people_cli import add_people_parser, people_command
from sendbot.settings import Settings, load_settings

log = logging.getLogger("sendbot")
INTERRUPTED = 130  # what a shell reports for a command stopped by Ctrl-C (128 + SIGINT)
IMPORT_EXIT_CODES = """exit status:
  0  imported (with --check: the file would import as it is; warnings may be listed)
  1  some rows have problems and nothing was imported, --skip-invalid left every row out,
     or the file can't be read (with --check: the file has problems; nothing was written)
  2  a setting is wrong"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sendbot", description="The SEND Improvement Board's Slack bot."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="run the bot (HTTP on PORT, or Socket Mode)")
    db = commands.add_parser("db", help="database tasks")
    db.add_argument("task", choices=["upgrade"], help="upgrade: apply migrations")
    importer = commands.add_parser(
        "import",
        help="import actions from a CSV or XLSX file",
        epilog=IMPORT_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importer.add_argument("file", type=Path)
    importer.add_argument(
        "--skip-invalid", action="store_true", help="import the good rows even if some are bad"
    )
    importer.add_argument(
        "--check",
        action="store_true",
        help="read the file and say what importing it would do; writes nothing, needs no token",
    )
    importer.add_argument(
        "--map", type=Path, help="a TOML file: [map] “their heading” = “our field”"
    )
    exporter = commands.add_parser("export", help="write the plan to an .xlsx or .csv file")
    exporter.add_argument("file", type=Path)
    pack = commands.add_parser(
        "board-pack", help="write the highlight report for a board meeting as a Word document"
    )
    pack.add_argument("file", type=Path, nargs="?", help="where to write it (default: its name)")
    pack.add_argument("--meeting", help="the board meeting's date (default: the next one)")
    remind = commands.add_parser("remind", help="run one reminder sweep now")
    remind.add_argument("--at", type=_moment, help="as if at this time (ISO, local if no zone)")
    remind.add_argument("--dry-run", action="store_true", help="print what would be sent")
    clock = commands.add_parser("clock", help="the scheduler: a reminder sweep every few minutes")
    clock.add_argument(
        "--at", type=_moment, help="start the clock as if it were this time (a rehearsal)"
    )
    clock.add_argument("--every", type=float, help="minutes between sweeps (default from board)")
    package = commands.add_parser(
        "teams-package", help="build the Teams app package (manifest and icons) to upload"
    )
    package.add_argument("file", type=Path, help="where to write the .zip")
    package.add_argument("--publisher", required=True, help="who publishes it, e.g. the council")
    package.add_argument("--website", required=True, type=_https_url, help="its website")
    package.add_argument("--privacy", type=_https_url, help="its privacy notice (default: website)")
    package.add_argument("--terms", type=_https_url, help="terms of use (default: website)")
    package.add_argument("--version", default="1.0.0", type=_semver, help="the app's version")
    add_people_parser(commands)
    add_draft_actions_parser(commands)
    add_family_parser(commands)
    demo = commands.add_parser(
        "demo", help="play the bot end to end with no Slack (or Teams) account"
    )
    demo.add_argument("--keep", type=Path, help="keep the demo database and files in this folder")
    demo.add_argument(
        "--teams", action="store_true", help="play it on Microsoft Teams instead of Slack"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The process's entry point. Its Ctrl-C handler stays after it returns: threads may still
    be finishing their work, and a second Ctrl-C must stop them quietly too."""
    ctrl_c = _CtrlC()
    signal.signal(signal.SIGINT, ctrl_c)
    try:
        status = _run(build_parser().parse_args(argv))
    except KeyboardInterrupt:
        status = INTERRUPTED
        ctrl_c.received = True
    if ctrl_c.received:
        ctrl_c.say_stopped()
        return INTERRUPTED
    return status


class _CtrlC:
    """Ctrl-C stops any command quietly: "Stopped." and status 130, never a traceback.

    The signal is noted as well as raised, because a server may catch KeyboardInterrupt and
    return as if it had simply finished. A second Ctrl-C while the first is being tidied up
    (a reminder sweep finishing, say) stops the process at once."""

    def __init__(self) -> None:
        self.received = False
        self.said = False

    def __call__(self, signum: int, frame: object) -> None:
        if self.received:
            self.say_stopped()
            os._exit(INTERRUPTED)
        self.received = True
        raise KeyboardInterrupt

    def say_stopped(self) -> None:
        if not self.said:
            self.said = True
            # os.write, not print: a signal handler may run while the process is printing.
            os.write(sys.stderr.fileno(), b"Stopped.\n")
            # Work still in flight (a demo's reply to a stand-in already gone) can now only fail:
            # its log lines, tracebacks and all, would bury the one word the person asked for.
            logging.disable(logging.CRITICAL)


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "demo" and args.teams:
            from sendbot.demo_teams import run_teams_demo

            return run_teams_demo(args.keep)
        if args.command == "demo":
            from sendbot.demo import run_demo

            return run_demo(args.keep)
        settings = load_settings()
        configure_logging(settings.secrets)
        return _COMMANDS[args.command](settings, args)
    except ConfigError as error:
        print(f"sendbot: {error}", file=sys.stderr)
        return 2


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from sendbot.runtime import start
    from sendbot.serve import serve

    settings.require_serving()
    if not settings.socket_mode:
        _check_address(settings.host, settings.port)
    serve(start(settings))
    return 0


def _check_address(host: str, port: int) -> None:
    """Try HOST and PORT before anything starts, so that a name with no address, an address
    this computer does not have, or a port in use stops start-up in one line naming it."""
    try:
        places = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ConfigError(f"HOST is wrong: {host} has no address ({error.strerror}).") from None
    for family, kind, protocol, _, address in places:
        with socket.socket(family, kind, protocol) as probe:
            # As the server will: a port left in TIME_WAIT by the last run is free to use.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                raise _address_error(host, port, error) from None


def _address_error(host: str, port: int, error: OSError) -> ConfigError:
    match error.errno:
        case errno.EADDRINUSE:
            return ConfigError(f"PORT is in use: another program listens on port {port}.")
        case errno.EACCES:
            return ConfigError(f"PORT is not allowed: this user may not listen on port {port}.")
    return ConfigError(f"HOST is wrong: this computer can't listen on {host} ({error.strerror}).")


def _db(settings: Settings, args: argparse.Namespace) -> int:
    from sendbot.runtime import DATABASE_ERRORS, database_url_error
    from storage.migrate import upgrade

    try:
        upgrade(settings.database_url)
    except DATABASE_ERRORS as error:
        raise database_url_error(error) from None
    print("The database is up to date.")
    return 0


def _import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.plan_import import ImportFileError, import_plan
    from bot.tracker_headings import load_heading_map
    from bot.tracker_values import StatusWords
    from sendbot.import_directory import import_directory
    from sendbot.runtime import start

    try:  # before anything starts: a map file that can't be used stops the import at once
        heading_map = load_heading_map(args.map) if args.map else None
    except ImportFileError as error:
        print(f"sendbot import: {error}", file=sys.stderr)
        return 1
    if args.check:
        return _check_import(settings, args, heading_map)
    runtime = start(settings)
    owners = import_directory(settings, runtime.people)
    try:
        report = import_plan(
            runtime.db,
            args.file,
            owners.directory,
            skip_invalid=args.skip_invalid,
            status_words=StatusWords(runtime.board.status_words),
            heading_map=heading_map,
        )
    except ImportFileError as error:
        print(f"sendbot import: {error}", file=sys.stderr)
        return 1
    if report.written:
        owners.after_import()
    print("\n".join(report.lines()))
    # --skip-invalid that left every row out imported nothing: a script must not take it as done.
    return 0 if report.written and (report.imported or not report.refused_rows) else 1


def _check_import(
    settings: Settings, args: argparse.Namespace, heading_map: dict[str, str] | None
) -> int:
    """`sendbot import --check`: the whole import in a unit of work that is rolled back. The
    board's groups and areas are brought in inside it, so nothing at all is written, and the
    chat platform is never asked, so no token is needed."""
    from bot.board_config import load_board
    from bot.board_sync import sync_board_in
    from bot.plan_import import ImportFileError, import_plan
    from bot.tracker_values import StatusWords
    from sendbot.identities import RULES, find_lead
    from sendbot.import_directory import check_directory
    from sendbot.runtime import open_database

    board = load_board(settings.board_config, RULES)
    db = open_database(settings.database_url)
    owners = check_directory(settings)
    try:
        report = import_plan(
            db,
            args.file,
            owners.directory,
            skip_invalid=args.skip_invalid,
            check=True,
            prepare=lambda session: sync_board_in(session, board, find_lead),
            status_words=StatusWords(board.status_words),
            heading_map=heading_map,
        )
    except ImportFileError as error:
        print(f"sendbot import: {error}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    report.look_ups = owners.look_ups()
    print("\n".join(report.lines()))
    return 1 if report.refused_rows else 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.plan_export import export_plan
    from sendbot.runtime import start

    runtime = start(settings)
    try:
        count = export_plan(
            runtime.db,
            args.file,
            tz=settings.timezone,
            bands=runtime.board.risk_bands,
            plan=runtime.board.plan,
        )
    except ValueError as error:
        print(f"sendbot export: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {count} actions to {args.file}.")
    return 0


def _board_pack(settings: Settings, args: argparse.Namespace) -> int:
    from bot.board_pack import board_pack_file, meeting_date
    from bot.errors import UserError
    from sendbot.runtime import start

    runtime = start(settings)
    try:
        service = runtime.summaries
        day = meeting_date(args.meeting.split() if args.meeting else [], service.today())
        file, said = board_pack_file(service, day)
    except UserError as error:
        usage = "sendbot board-pack [--meeting DATE] [FILE]"
        print(f"sendbot board-pack: {error}\nUsage: {usage}", file=sys.stderr)
        return 1
    finally:
        runtime.db.dispose()
    path = args.file or Path(file.filename)
    path.write_bytes(file.content)
    print(f"{said} Wrote {path}.")
    return 0


def _teams_package(settings: Settings, args: argparse.Namespace) -> int:
    from sendbot.teams_package import Publisher, package

    if settings.teams is None:
        raise ConfigError(
            "TEAMS_APP_ID is missing: the package names the Azure Bot it talks to "
            "(set TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID)."
        )
    publisher = Publisher(
        name=args.publisher,
        website=args.website,
        privacy=args.privacy or args.website,
        terms=args.terms or args.website,
    )
    try:
        args.file.write_bytes(package(settings.teams.app_id, publisher, args.version))
    except OSError as error:
        print(f"sendbot teams-package: can't write {args.file}: {error.strerror}.", file=sys.stderr)
        return 1
    print(
        f"Wrote {args.file}. Upload it in the Teams admin centre (Manage apps › Upload new app), "
        "then add the app to the board's team and for each owner."
    )
    return 0


def _https_url(text: str) -> str:
    if not re.fullmatch(r"https://[^\s/]+(/\S*)?", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a web address starting https://")
    return text


def _semver(text: str) -> str:
    if not re.fullmatch(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a version like 1.0.0")
    return text


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time like 2020-01-20T09:30"
        ) from None


def _sweep(settings: Settings, at: datetime | None):
    from sendbot.runtime import reminder_sweep, start

    offset = timedelta(0)
    if at is not None:
        at = at if at.tzinfo else at.replace(tzinfo=settings.timezone)
        offset = at - datetime.now(UTC)
    runtime = start(settings, now=lambda: datetime.now(UTC) + offset)
    return runtime, reminder_sweep(runtime)


def _sender(settings: Settings, runtime):
    """Slack's delivery, Teams', or both behind one that picks per person and channel."""
    from sendbot.delivery_routing import RoutingDelivery

    doors = {}
    if settings.bot_token:
        from handlers.slack.app import web_client
        from handlers.slack.delivery import SlackDelivery

        client = web_client(settings.bot_token, settings.api_url)
        doors["slack"] = SlackDelivery(client, runtime.clock.today)
    if settings.teams is not None:
        from sendbot.runtime import teams_delivery

        doors["teams"] = teams_delivery(runtime)
    return RoutingDelivery(doors)


def _require_token(settings: Settings) -> None:
    if not settings.bot_token and settings.teams is None:
        raise ConfigError(
            "SLACK_BOT_TOKEN is missing: it is needed to send reminders "
            "(or set the TEAMS_ settings to send them on Teams)."
        )


def _remind(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reminder_report import report_lines

    if not args.dry_run:
        _require_token(settings)
    runtime, sweep = _sweep(settings, args.at)
    sender = None if args.dry_run else _sender(settings, runtime)
    report = sweep.run(sender, dry_run=args.dry_run)
    print("\n".join(report_lines(report)))
    return 0


def _clock(settings: Settings, args: argparse.Namespace) -> int:
    from sendbot.clock_process import run_clock

    _require_token(settings)
    runtime, sweep = _sweep(settings, args.at)
    run_clock(
        sweep, _sender(settings, runtime), args.every or runtime.board.reminders.sweep_minutes
    )
    return 0


_COMMANDS = {
    "serve": _serve,
    "db": _db,
    "import": _import,
    "export": _export,
    "board-pack": _board_pack,
    "remind": _remind,
    "clock": _clock,
    "teams-package": _teams_package,
    "people": people_command,
    "draft-actions": draft_actions_command,
    "family-update": family_command,
}
