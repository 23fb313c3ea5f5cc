"""`kinerja review open|list|close`: review cycles from the server's command line.

The operator of the server is trusted (like `org import`): no Slack identity, no role check;
every change is audited with the actor "cli". Dates are days in the organisation's zone
(KINERJA_DEFAULT_TZ). Questions, competencies and scale default to the ones the Slack modal
offers. Invitations go to the outbox; the running bot (or `kinerja tick`) delivers them.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.feedback.peers import save_peer_setup
from bot.i18n import t, translators
from bot.review import (
    CycleInput,
    ReviewConflict,
    ReviewNotFound,
    ReviewValidationError,
    close_cycle_as,
    create_cycle_as_operator,
    cycles_of,
)
from bot.review.cycles import CLI_ACTOR
from bot.review.dates import local_today
from bot.review.forms import default_competencies, default_questions
from bot.shell.cli.common import CliError, open_database, services_for, workspace_of
from bot.shell.cli.feedback_peers import add_peer_arguments, peer_setup_from
from storage.models import Team
from storage.reviews import Review


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-12-31") from None


def add_review_parser(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser("review", help="review cycles: open, list, close")
    actions = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    start = actions.add_parser("open", help="create a review cycle (opens today, or on --opens-on)")
    start.add_argument("--name", required=True)
    start.add_argument("--start", required=True, type=_day, help="first day of the period")
    start.add_argument("--end", required=True, type=_day, help="last day of the period")
    start.add_argument("--self-due", required=True, type=_day, help="self-review due date")
    start.add_argument("--manager-due", required=True, type=_day, help="manager review due date")
    start.add_argument("--opens-on", type=_day, help="open on this day at 09:00 (default: now)")
    start.add_argument(
        "--team", action="append", default=[], help="only this team (repeatable); default: all"
    )
    start.add_argument(
        "--question",
        action="append",
        default=[],
        help='"English | Indonesia", or one text for both (repeatable)',
    )
    start.add_argument(
        "--competency", action="append", default=[], help='"English | Indonesia" (repeatable)'
    )
    start.add_argument("--scale", action="append", default=[], help="a label, lowest first")
    start.add_argument("--workspace", help="workspace id (T…) when several are installed")
    add_peer_arguments(start)  # peer feedback (360): bot/shell/cli/feedback_peers.py
    listing = actions.add_parser("list", help="print every cycle with its progress")
    listing.add_argument("--workspace", help="workspace id (T…) when several are installed")
    close = actions.add_parser("close", help="close a cycle; its reviews become read-only")
    close.add_argument("cycle", type=int, help="the cycle's number (see `kinerja review list`)")
    close.add_argument("--workspace", help="workspace id (T…) when several are installed")


def _team_ids(session: Session, team_id: str, names: list[str]) -> list[int]:

    ids = []
    for name in names:
        found = session.scalar(
            select(Team.id).where(
                Team.team_id == team_id, func.lower(Team.name) == name.strip().lower()
            )
        )
        if found is None:
            query = select(Team.name).where(Team.team_id == team_id).order_by(Team.name)
            known = ", ".join(session.scalars(query))
            raise CliError(f"no team called {name!r} (known: {known or 'none'})")
        ids.append(int(found))
    return ids


def run_review(args: argparse.Namespace, settings: Settings) -> int:

    db = open_database(settings)
    services = services_for(settings, db)
    team_id = workspace_of(services, args.workspace)
    now = services.clock.now()
    try:
        with db.session() as session:
            if args.review_command == "list":
                _list(session, team_id)
            elif args.review_command == "close":
                cycle = close_cycle_as(session, team_id, args.cycle, CLI_ACTOR, now=now)
                print(f"review cycle {cycle.id} {cycle.name!r} closed; its reviews are read-only")
            else:
                _open(session, team_id, args, settings, now)
    except ReviewValidationError as error:
        problems = "; ".join(
            f"{field}: {t('en', key, **error.values)}" for field, key in error.errors.items()
        )
        raise CliError(f"review cycle not created: {problems}") from None
    except ReviewConflict as error:
        raise CliError(t("en", error.key, **error.values)) from None
    except ReviewNotFound:
        raise CliError(f"no review cycle {args.cycle} (see `kinerja review list`)") from None
    return 0


def _open(
    session: Session, team_id: str, args: argparse.Namespace, settings: Settings, now: datetime
) -> None:
    locale = settings.default_locale
    data = CycleInput(
        name=args.name,
        period_start=args.start,
        period_end=args.end,
        opens_on=args.opens_on,
        self_due=args.self_due,
        manager_due=args.manager_due,
        everyone=not args.team,
        team_ids=_team_ids(session, team_id, args.team),
        questions="\n".join(args.question) or default_questions(),
        competencies="\n".join(args.competency) or default_competencies(),
        scale="\n".join(args.scale),
    )
    today = local_today(now, None, settings.default_tz)
    peers = peer_setup_from(
        args, self_due=data.self_due, manager_due=data.manager_due, today=today
    )
    result = create_cycle_as_operator(
        session, team_id, data, now=now, tz=settings.default_tz, tr_for=translators(locale)
    )
    cycle = result.cycle
    setup = save_peer_setup(session, cycle, peers, now=now)
    if result.opened:
        print(f"review cycle {cycle.id} {cycle.name!r} opened: {result.reviews} people invited")
    else:
        print(f"review cycle {cycle.id} {cycle.name!r} opens on {cycle.opens_on} at 09:00")
    if setup is not None:
        print(f"peer feedback: {setup.peers} peers each, answers due {setup.due}")
    if result.left_out:
        names = ", ".join(f"{p.name or p.slack_id} ({p.slack_id})" for p in result.left_out)
        print(f"left out (no manager recorded): {names}")


def _list(session: Session, team_id: str) -> None:
    cycles = cycles_of(session, team_id)
    if not cycles:
        print("no review cycles yet")
    for cycle in cycles:
        counts = {
            str(status): int(count)
            for status, count in session.execute(
                select(Review.status, func.count(Review.id))
                .where(Review.cycle_id == cycle.id)
                .group_by(Review.status)
            )
        }
        shown = ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))
        print(
            f"{cycle.id}: {cycle.name!r} [{cycle.status}] period {cycle.period_start} – "
            f"{cycle.period_end}, opens {cycle.opens_on}, self-review due {cycle.self_due}, "
            f"manager review due {cycle.manager_due}; reviews: {shown or 'none'}"
        )
