"""`kinerja` — the command line: run the bot, migrate, tick by hand, import the organisation."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, Settings, load_settings

EXIT_CONFIG = 2


class CliError(Exception):
    """A problem the person at the terminal can fix; printed as one line, no traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinerja",
        description="Kinerja: performance management inside Slack (goals, check-ins, reviews, "
        "recognition). Settings come from the environment and .env.",
    )
    parser.add_argument("--version", action="version", version=f"kinerja {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser("run", help="start the bot (Socket Mode or HTTP on PORT)")
    run.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to listen on")

    migrate = commands.add_parser("migrate", help="upgrade the database schema")
    migrate.add_argument("--revision", default="heads", help="target revision (default: heads)")

    tick = commands.add_parser("tick", help="run one scheduler pass now, then deliver the outbox")
    tick.add_argument("--at", type=_iso_datetime, help="pretend it is this time (ISO 8601)")
    tick.add_argument("--no-send", action="store_true", help="enqueue only; do not call Slack")

    commands.add_parser("sync", help="sync people from the Slack directory now")

    org = commands.add_parser("org", help="the organisation chart")
    org_commands = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    org_import = org_commands.add_parser(
        "import", help="set reporting lines, roles and teams from a CSV file (all or nothing)"
    )
    org_import.add_argument(
        "file", type=Path, help="CSV: slack_id|email,manager_slack_id,role,team"
    )
    org_import.add_argument("--dry-run", action="store_true", help="check the file; change nothing")
    org_import.add_argument("--team", help="workspace id (T…) when several are installed")
    org_show = org_commands.add_parser("show", help="print the organisation as a tree")
    org_show.add_argument("--team", help="workspace id (T…) when several are installed")

    from bot.cli_schedule import add_schedule_parser

    add_schedule_parser(commands)

    from bot.cli_review import add_review_parser

    add_review_parser(commands)

    from bot.cli_reporting import add_reporting_parsers

    add_reporting_parsers(commands)
    return parser


def _iso_datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time such as 2026-12-04T08:00:00+07:00"
        ) from None
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    needs_slack = args.command in ("run", "sync") or (args.command == "tick" and not args.no_send)
    try:
        settings = load_settings(require_slack=needs_slack)
    except ConfigError as error:
        print(f"kinerja: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return _dispatch(args, settings)
    except CliError as error:
        print(f"kinerja: {error}", file=sys.stderr)
        return error.code


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot import cli_commands

    if args.command == "run":
        return cli_commands.run(settings, args.host)
    if args.command == "migrate":
        return cli_commands.migrate(settings, args.revision)
    if args.command == "tick":
        return cli_commands.tick(settings, args.at, send=not args.no_send)
    if args.command == "sync":
        return cli_commands.sync(settings)
    if args.command == "schedule":
        from bot.cli_schedule import run_schedule

        return run_schedule(args, settings)
    if args.command == "review":
        from bot.cli_review import run_review

        return run_review(args, settings)
    if args.command in ("digest", "export", "person"):
        from bot.cli_reporting import run_reporting

        return run_reporting(args, settings)
    if args.org_command == "import":
        return cli_commands.org_import(settings, args.file, args.team, dry_run=args.dry_run)
    return cli_commands.org_show(settings, args.team)
