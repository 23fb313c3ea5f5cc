"""What each `kinerja` command does; bot.shell.cli only parses and reports."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.clock import FixedClock, SystemClock, as_utc
from bot.config import Settings
from bot.shell.cli import CliError
from bot.shell.cli import words as words
from bot.slack.services import Services
from storage.db import Database
from storage.migrate import current_revision, upgrade
from storage.models import Team, Workspace


def _database(settings: Settings) -> Database:
    db = Database(settings.database_url)
    try:
        upgrade(db.engine)
    except SQLAlchemyError as error:
        reason = str(error.orig if hasattr(error, "orig") else error).splitlines()[0]
        raise CliError(f"cannot open DATABASE_URL ({reason})") from None
    return db


def _slack_failure(error: Exception) -> CliError:
    if isinstance(error, SlackApiError):
        code = error.response.get("error", "error")
        if code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked"):
            return CliError(f"Slack rejected SLACK_BOT_TOKEN ({code})", code=2)
        return CliError(f"Slack answered {code}")
    return CliError(f"cannot reach Slack ({type(error).__name__}: {error}); check SLACK_API_URL")


def _services(settings: Settings, db: Database, at: datetime | None = None) -> Services:
    from bot.slack.client import make_web_client

    clock = FixedClock(at) if at is not None else SystemClock()
    return Services(settings, db, clock, make_web_client(settings))


def run(settings: Settings, host: str) -> int:
    from bot.shell import runtime

    try:
        runtime.run(settings, host)
    except SQLAlchemyError as error:
        raise CliError(f"cannot open DATABASE_URL ({str(error).splitlines()[0]})") from None
    except (SlackApiError, OSError) as error:
        raise _slack_failure(error) from None
    except KeyboardInterrupt:
        pass
    return 0


def migrate(settings: Settings, revision: str) -> int:
    db = Database(settings.database_url)
    try:
        upgrade(db.engine, revision)
        print(f"database at revision {current_revision(db.engine)}")
    except SQLAlchemyError as error:
        raise CliError(f"cannot open DATABASE_URL ({str(error).splitlines()[0]})") from None
    return 0


def tick(settings: Settings, at: datetime | None, *, send: bool) -> int:
    from bot.slack.ports import slack_ports
    from bot.ticks import tick as run_tick
    from handlers.cycles import TICK_TASKS

    db = _database(settings)
    now = as_utc(at) if at is not None else SystemClock().now()
    report = run_tick(db, settings, now, TICK_TASKS, slack_ports(settings))
    print(f"tick at {now.isoformat()}: {words.count(report.total, 'item')} due {report.done}")
    for failure in report.failed:
        print(f"  failed: {failure}", file=sys.stderr)
    if send:
        from bot.shell.runtime import make_sender

        try:
            stats = make_sender(_services(settings, db, now)).drain()
        except (SlackApiError, OSError) as error:
            raise _slack_failure(error) from None
        print(f"outbox: {stats.sent} sent, {stats.retried} to retry, {stats.failed} failed")
    return 1 if report.failed else 0


def sync(settings: Settings, workspace: str | None = None) -> int:
    from bot.org.directory import sync_directory

    db = _database(settings)
    services = _services(settings, db)
    team_id = _workspace(services, workspace)
    try:
        with db.session() as session:
            report = sync_directory(session, services.directory, team_id, services.clock.now())
    except (SlackApiError, OSError) as error:
        raise _slack_failure(error) from None
    print(f"directory of {team_id}: {report}")
    return 0


def _workspace(services: Services, wanted: str | None, *, offline: bool = False) -> str:
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
    from bot.shell.app import register_workspace

    try:
        return register_workspace(services).team_id
    except (SlackApiError, OSError) as error:
        raise _slack_failure(error) from None


def org_import(settings: Settings, path: Path, workspace: str | None, *, dry_run: bool) -> int:
    from bot.org.csv_import import import_org

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {path}: {error}") from None
    db = _database(settings)
    services = _services(settings, db)
    team_id = _workspace(services, workspace)
    source = services.directory if settings.slack_bot_token else None
    try:
        with db.session(dry_run=dry_run) as session:
            result = import_org(session, source, team_id, text, services.clock.now(), actor=None)
            if not result.ok:
                session.rollback()
    except (SlackApiError, OSError) as error:
        raise _slack_failure(error) from None
    if not result.ok:
        problems = words.count(len(result.problems), "problem")
        print(f"{path}: nothing was changed; {problems}:", file=sys.stderr)
        for problem in result.problems:
            print(f"  line {problem.line}: {problem.message}", file=sys.stderr)
        return 1
    verb = "would change" if dry_run else "changed"
    people = words.count(result.changed, "person", "people")
    print(f"{path}: {verb} {people}, {words.count(result.teams_created, 'new team')}")
    return 0


def org_show(settings: Settings, workspace: str | None, team: str | None = None) -> int:
    """Read only and offline: the database is all it needs, whatever SLACK_BOT_TOKEN says."""
    from bot.org.csv_import import render_org_tree

    db = _database(settings)
    team_id = _workspace(_services(settings, db), workspace, offline=True)
    with db.session() as session:
        only = _org_team(session, team_id, team) if team is not None else None
        print(render_org_tree(session, team_id, only_team=only))
    return 0


def _org_team(session: Session, team_id: str, name: str) -> int:
    """The organisation team called `name`; a workspace id given here gets a pointer to
    --workspace, which is what `--team` meant in this verb before."""
    found = session.scalar(
        select(Team.id).where(Team.team_id == team_id, func.lower(Team.name) == name.lower())
    )
    if found is not None:
        return int(found)
    if session.get(Workspace, name) is not None:
        raise CliError(f"--team names an organisation team; for workspace {name} use --workspace")
    known = ", ".join(sorted(session.scalars(select(Team.name).where(Team.team_id == team_id))))
    raise CliError(f"no team called {name!r} (known: {known or 'none'})")
