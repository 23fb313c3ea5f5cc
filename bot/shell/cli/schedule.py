"""`kinerja schedule show|set|clear`: check-in schedules from the server's command line.

The operator of the server is trusted (like `org import`): no Slack identity, no role check;
every change is audited with the actor "cli". `--team` names an organisation team (as in the
org CSV); `--workspace` picks the Slack workspace when several are installed.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.i18n import t
from bot.monitoring.errors import MonitoringValidationError
from bot.monitoring.obstacles import escalation_days
from bot.monitoring.schedule import (
    QUESTIONS,
    WEEKDAYS,
    ScheduleSpec,
    clear_team_schedule,
    load_schedules,
    save_schedule,
    validate_schedule,
)
from bot.shell.cli.common import CliError, open_database, services_for, workspace_of
from storage.models import Team

ACTOR = "cli"


def add_schedule_parser(commands: argparse._SubParsersAction) -> None:
    schedule = commands.add_parser("schedule", help="check-in schedules (organisation and teams)")
    actions = schedule.add_subparsers(dest="schedule_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print the organisation's and each team's schedule")
    show.add_argument("--workspace", help="workspace id (T…) when several are installed")
    change = actions.add_parser("set", help="change a schedule (unset options keep their value)")
    change.add_argument("--team", help="an organisation team's name; default: the organisation")
    change.add_argument("--cadence", choices=("weekly", "biweekly", "monthly"))
    change.add_argument("--weekday", help="mon … sun (or 0–6, Monday = 0)")
    change.add_argument("--time", help="HH:MM between 09:00 and 17:59, each person's local time")
    change.add_argument("--questions", help=f"comma-separated, from: {','.join(QUESTIONS)}")
    change.add_argument("--workspace", help="workspace id (T…) when several are installed")
    clear = actions.add_parser("clear", help="let a team follow the organisation's schedule")
    clear.add_argument("--team", required=True, help="an organisation team's name")
    clear.add_argument("--workspace", help="workspace id (T…) when several are installed")


def describe(spec: ScheduleSpec) -> str:
    questions = ", ".join(spec.questions) or "none"
    return (
        f"{spec.cadence.value} on {WEEKDAYS[spec.weekday]} at {spec.local_time} "
        f"(questions: {questions})"
    )


def _team(session: Session, team_id: str, name: str) -> Team:

    team = session.scalar(
        select(Team).where(Team.team_id == team_id, func.lower(Team.name) == name.strip().lower())
    )
    if team is None:
        known = ", ".join(session.scalars(select(Team.name).where(Team.team_id == team_id)))
        raise CliError(f"no team called {name!r} (known: {known or 'none'})")
    return team


def run_schedule(args: argparse.Namespace, settings: Settings) -> int:

    db = open_database(settings)
    services = services_for(settings, db)
    team_id = workspace_of(services, args.workspace)
    now = services.clock.now()
    try:
        with db.session() as session:
            if args.schedule_command == "show":
                _show(session, team_id)
            elif args.schedule_command == "clear":
                team = _team(session, team_id, args.team)
                changed = clear_team_schedule(session, team_id, team.id, actor=ACTOR, now=now)
                state = "now follows" if changed else "already followed"
                print(f"team {team.name} {state} the organisation's schedule")
            else:
                _set(session, team_id, args, now)
    except MonitoringValidationError as error:
        problems = "; ".join(
            f"{field}: {t('en', key, **error.values)}" for field, key in error.errors.items()
        )
        raise CliError(f"schedule not changed: {problems}") from None
    return 0


def _show(session: Session, team_id: str) -> None:
    schedules = load_schedules(session, team_id)
    origin = "built-in default" if schedules.org.source == "default" else "set"
    print(f"organisation: {describe(schedules.org)} [{origin}]")
    days = escalation_days(session, team_id)
    print(f"obstacles: manager reminded after {days} days open, escalated to HR after {2 * days}")
    for team in session.scalars(select(Team).where(Team.team_id == team_id).order_by(Team.name)):
        own = schedules.teams.get(team.id)
        print(f"team {team.name}: {describe(own) if own else 'follows the organisation'}")


def _set(session: Session, team_id: str, args: argparse.Namespace, now: datetime) -> None:
    team = _team(session, team_id, args.team) if args.team else None
    schedules = load_schedules(session, team_id)
    current = schedules.for_team(team.id) if team else schedules.org
    questions = (
        [q.strip() for q in args.questions.split(",") if q.strip()]
        if args.questions is not None
        else list(current.questions)
    )
    spec = validate_schedule(
        args.cadence or current.cadence.value,
        args.weekday if args.weekday is not None else current.weekday,
        args.time or current.local_time,
        questions,
    )
    saved = save_schedule(session, team_id, team.id if team else None, spec, actor=ACTOR, now=now)
    print(f"{'team ' + team.name if team else 'organisation'}: {describe(saved)}")
