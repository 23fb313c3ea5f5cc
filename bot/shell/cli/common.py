"""What every `kinerja` verb shares: the one-line error, the database, the services, the
workspace to act on, and the meaning of `--workspace`."""

from __future__ import annotations

import argparse
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import FixedClock, SystemClock
from bot.config import Settings
from bot.slack.client import make_web_client
from bot.slack.services import Services
from bot.slack.workspace import register_workspace
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Workspace

EXIT_CONFIG = 2
WORKSPACE_HELP = "workspace id (T…) when several are installed"


class CliError(Exception):
    """A problem the person at the terminal can fix; printed as one line, no traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def open_database(settings: Settings) -> Database:
    db = Database(settings.database_url)
    try:
        upgrade(db.engine)
    except SQLAlchemyError as error:
        reason = str(error.orig if hasattr(error, "orig") else error).splitlines()[0]
        raise CliError(f"cannot open DATABASE_URL ({reason})") from None
    return db


def slack_failure(error: Exception) -> CliError:
    if isinstance(error, SlackApiError):
        code = error.response.get("error", "error")
        if code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked"):
            return CliError(f"Slack rejected SLACK_BOT_TOKEN ({code})", code=2)
        return CliError(f"Slack answered {code}")
    return CliError(f"cannot reach Slack ({type(error).__name__}: {error}); check SLACK_API_URL")


def services_for(settings: Settings, db: Database, at: datetime | None = None) -> Services:
    clock = FixedClock(at) if at is not None else SystemClock()
    return Services(settings, db, clock, make_web_client(settings))


def workspace_of(services: Services, wanted: str | None, *, offline: bool = False) -> str:
    """The workspace to act on: the one given, the only one installed, or auth.test's.
    A verb that only reads the database (`offline`) never asks Slack: with no workspace
    recorded yet there is nothing for it to read."""
    with services.db.session() as session:
        installed = list(session.scalars(select(Workspace.team_id)))
    if wanted:
        if wanted not in installed:
            raise CliError(
                f"workspace {wanted} is not installed (known: {', '.join(installed) or 'none'})"
            )
        return wanted
    if len(installed) == 1:
        return installed[0]
    if len(installed) > 1:
        raise CliError(
            f"several workspaces are installed ({', '.join(installed)}); pass --workspace T…"
        )
    if offline:
        raise CliError("no workspace yet: run `kinerja run` or `kinerja sync` once", code=2)
    if not services.settings.slack_bot_token:
        raise CliError("no workspace yet: set SLACK_BOT_TOKEN, or run `kinerja run` once", code=2)
    try:
        return register_workspace(services).team_id
    except (SlackApiError, OSError) as error:
        raise slack_failure(error) from None


def old_team_option(parser: argparse.ArgumentParser) -> None:
    """`--team` once meant the workspace in this verb; it is kept, hidden, only to say so."""
    parser.add_argument("--team", dest="old_team", help=argparse.SUPPRESS)


def refuse_old_team(args: argparse.Namespace) -> None:
    if getattr(args, "old_team", None):
        raise CliError(
            f"--team names an organisation team, and `kinerja {args.command}` works on the "
            f"whole workspace: to choose the workspace, use --workspace {args.old_team}",
            code=EXIT_CONFIG,
        )
