"""`kinerja` — the command line: run the bot, migrate, tick by hand, import the organisation.

Option names mean one thing in every verb: `--workspace T…` picks the Slack workspace when
several are installed, `--team NAME` names an organisation team (as in the org CSV). `-v`
(anywhere on the line) shows the log lines, Alembic's included, that are otherwise hidden.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.shell.cli import commands as cli_commands
from bot.shell.cli.common import (
    EXIT_CONFIG,
    WORKSPACE_HELP,
    CliError,
    old_team_option,
    refuse_old_team,
)
from bot.shell.cli.reporting import add_reporting_parsers, run_reporting
from bot.shell.cli.review import add_review_parser, run_review
from bot.shell.cli.schedule import add_schedule_parser, run_schedule

VERBOSE_FLAGS = ("-v", "--verbose")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinerja",
        description="Kinerja: performance management inside Slack (goals, check-ins, reviews, "
        "recognition). Settings come from the environment and .env.",
    )
    parser.add_argument("--version", action="version", version=f"kinerja {__version__}")
    parser.add_argument(
        *VERBOSE_FLAGS,
        action="store_true",
        help="show log lines (migrations, Slack calls); may also follow the command",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser("run", help="start the bot (Socket Mode or HTTP on PORT)")
    run.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to listen on")

    migrate = commands.add_parser("migrate", help="upgrade the database schema")
    migrate.add_argument("--revision", default="heads", help="target revision (default: heads)")

    tick = commands.add_parser("tick", help="run one scheduler pass now, then deliver the outbox")
    tick.add_argument("--at", type=_iso_datetime, help="pretend it is this time (ISO 8601)")
    tick.add_argument("--no-send", action="store_true", help="enqueue only; do not call Slack")

    sync = commands.add_parser("sync", help="sync people from the Slack directory now")
    sync.add_argument("--workspace", help=WORKSPACE_HELP)

    org = commands.add_parser("org", help="the organisation chart")
    org_commands = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    org_import = org_commands.add_parser(
        "import", help="set reporting lines, roles and teams from a CSV file (all or nothing)"
    )
    org_import.add_argument(
        "file", type=Path, help="CSV: slack_id|email,manager_slack_id,role,team"
    )
    org_import.add_argument("--dry-run", action="store_true", help="check the file; change nothing")
    org_import.add_argument("--workspace", help=WORKSPACE_HELP)
    old_team_option(org_import)
    org_show = org_commands.add_parser(
        "show", help="print the organisation as a tree (reads the database only, works offline)"
    )
    org_show.add_argument("--team", help="only this organisation team's people (its name)")
    org_show.add_argument("--workspace", help=WORKSPACE_HELP)


    add_schedule_parser(commands)


    add_review_parser(commands)


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
    words = list(sys.argv[1:] if argv is None else argv)
    verbose = any(word in VERBOSE_FLAGS for word in words)
    args = _parser().parse_args([word for word in words if word not in VERBOSE_FLAGS])
    needs_slack = args.command in ("run", "sync") or (args.command == "tick" and not args.no_send)
    try:
        settings = load_settings(require_slack=needs_slack)
    except ConfigError as error:
        print(f"kinerja: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    _configure_logging(settings, args.command, verbose)
    try:
        refuse_old_team(args)
        return _dispatch(args, settings)
    except CliError as error:
        print(f"kinerja: {error}", file=sys.stderr)
        return error.code


def _configure_logging(settings: Settings, command: str, verbose: bool) -> None:
    """The bot (`run`) logs at KINERJA_LOG_LEVEL; a one-off verb prints only its answer and
    warnings unless `-v` asks for more. Alembic's INFO lines ("Context impl SQLiteImpl",
    "Will assume non-transactional DDL") say nothing to an operator: only with `-v`."""
    level = settings.log_level if command == "run" else logging.WARNING
    if verbose:
        level = min(logging.getLevelName(settings.log_level), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    logging.getLogger("alembic").setLevel(level if verbose else logging.WARNING)


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:

    if args.command == "run":
        return cli_commands.run(settings, args.host)
    if args.command == "migrate":
        return cli_commands.migrate(settings, args.revision)
    if args.command == "tick":
        return cli_commands.tick(settings, args.at, send=not args.no_send)
    if args.command == "sync":
        return cli_commands.sync(settings, args.workspace)
    if args.command == "schedule":

        return run_schedule(args, settings)
    if args.command == "review":

        return run_review(args, settings)
    if args.command in ("digest", "export", "person"):

        return run_reporting(args, settings)
    if args.org_command == "import":
        return cli_commands.org_import(settings, args.file, args.workspace, dry_run=args.dry_run)
    return cli_commands.org_show(settings, args.workspace, args.team)
