"""What each `kinerja` command does; bot.shell.cli only parses and reports."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.clock import SystemClock, as_utc
from bot.config import Settings
from bot.org.csv_import import import_org, render_org_tree
from bot.org.directory import sync_directory
from bot.shell import runtime
from bot.shell.app import TICK_TASKS
from bot.shell.cli import words
from bot.shell.cli.common import (
    CliError,
    open_database,
    services_for,
    slack_failure,
    workspace_of,
)
from bot.shell.runtime import make_sender
from bot.slack.ports import slack_ports
from bot.ticks import tick as run_tick
from storage.db import Database
from storage.migrate import current_revision, upgrade
from storage.models import Team, Workspace


def run(settings: Settings, host: str) -> int:

    try:
        runtime.run(settings, host)
    except SQLAlchemyError as error:
        raise CliError(f"cannot open DATABASE_URL ({str(error).splitlines()[0]})") from None
    except (SlackApiError, OSError) as error:
        raise slack_failure(error) from None
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

    db = open_database(settings)
    now = as_utc(at) if at is not None else SystemClock().now()
    report = run_tick(db, settings, now, TICK_TASKS, slack_ports(settings))
    print(f"tick at {now.isoformat()}: {words.count(report.total, 'item')} due {report.done}")
    for failure in report.failed:
        print(f"  failed: {failure}", file=sys.stderr)
    if send:

        try:
            stats = make_sender(services_for(settings, db, now)).drain()
        except (SlackApiError, OSError) as error:
            raise slack_failure(error) from None
        print(f"outbox: {stats.sent} sent, {stats.retried} to retry, {stats.failed} failed")
    return 1 if report.failed else 0


def sync(settings: Settings, workspace: str | None = None) -> int:

    db = open_database(settings)
    services = services_for(settings, db)
    team_id = workspace_of(services, workspace)
    try:
        with db.session() as session:
            report = sync_directory(session, services.directory, team_id, services.clock.now())
    except (SlackApiError, OSError) as error:
        raise slack_failure(error) from None
    print(f"directory of {team_id}: {report}")
    return 0


def org_import(settings: Settings, path: Path, workspace: str | None, *, dry_run: bool) -> int:

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {path}: {error}") from None
    db = open_database(settings)
    services = services_for(settings, db)
    team_id = workspace_of(services, workspace)
    source = services.directory if settings.slack_bot_token else None
    try:
        with db.session(dry_run=dry_run) as session:
            result = import_org(session, source, team_id, text, services.clock.now(), actor=None)
            if not result.ok:
                session.rollback()
    except (SlackApiError, OSError) as error:
        raise slack_failure(error) from None
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

    db = open_database(settings)
    team_id = workspace_of(services_for(settings, db), workspace, offline=True)
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
