"""`kinerja digest`, `kinerja export` and `kinerja person export|erase` from the server's shell.

The operator of the server is trusted (like `org import`): no Slack identity and no role check;
what changes data (the digest schedule, an erasure) is audited with the actor "cli".

    kinerja digest [--dry-run] [--managers] [--chart FILE] [--workspace T…]
    kinerja digest schedule [--weekday mon] [--time 09:00] [--workspace T…]
    kinerja export --out DIR [--include-private-text] [--workspace T…]
    kinerja person export SLACK_ID [--out FILE] [--workspace T…]
    kinerja person erase SLACK_ID --yes [--vacuum-full] [--workspace T…]
    kinerja person restore SLACK_ID [--workspace T…]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot import audit
from bot.blocks.channels import advice_text
from bot.blocks.reporting import hr_digest_message
from bot.blocks.terminal import terminal_text
from bot.config import Settings
from bot.i18n import Translator
from bot.org.erasure_marks import erased_at
from bot.reporting import (
    PersonNotFound,
    chart_data,
    export_person,
    hr_figures,
    render_chart,
    write_csv_files,
)
from bot.reporting.digest import upload_charts
from bot.reporting.export import record_export
from bot.reporting.export_scope import ExportScope
from bot.reporting.tasks import check_hr_channel, digest_schedule, send_now, set_digest_schedule
from bot.shell.cli import words
from bot.shell.cli.common import (
    WORKSPACE_HELP,
    CliError,
    old_team_option,
    open_database,
    services_for,
    slack_failure,
    workspace_of,
)
from bot.shell.cli.person import person_erase, person_restore
from bot.shell.runtime import make_sender
from bot.slack.ports import slack_ports
from bot.slack.services import Services
from storage.models import Employee

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ACTOR = "cli"


def add_reporting_parsers(commands: argparse._SubParsersAction) -> None:
    digest = commands.add_parser(
        "digest", help="send HR's weekly digest now, print it, or set when it goes out"
    )
    digest.add_argument(
        "action", nargs="?", choices=("send", "schedule"), default="send",
        help="send (default) or schedule: show or change the weekly day and time",
    )  # fmt: skip
    digest.add_argument("--dry-run", action="store_true", help="print the digest; send nothing")
    digest.add_argument("--managers", action="store_true", help="also send every manager's")
    digest.add_argument("--chart", type=Path, help="also write the chart (PNG) to this file")
    digest.add_argument("--locale", choices=("en", "id"), help="language of --dry-run output")
    digest.add_argument("--weekday", help="schedule: mon … sun (organisation zone)")
    digest.add_argument("--time", help="schedule: HH:MM (organisation zone)")
    digest.add_argument("--workspace", help=WORKSPACE_HELP)
    old_team_option(digest)

    export = commands.add_parser(
        "export", help="write the records as CSV files: what HR may see, or everything stored"
    )
    export.add_argument("--out", type=Path, required=True, help="directory for the CSV files")
    export.add_argument(
        "--include-private-text", action="store_true",
        help="also check-in answers, all obstacle text, review answers and drafts",
    )  # fmt: skip
    export.add_argument("--workspace", help=WORKSPACE_HELP)
    old_team_option(export)

    person = commands.add_parser("person", help="personal-data rights: access and erasure")
    actions = person.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    access = actions.add_parser("export", help="everything stored about one person, as JSON")
    access.add_argument("slack_id", help="the person's Slack id (U…)")
    access.add_argument("--out", type=Path, help="file to write (default: standard output)")
    access.add_argument("--workspace", help=WORKSPACE_HELP)
    old_team_option(access)
    erase = actions.add_parser(
        "erase",
        help="erase one person (irreversible); Kinerja then keeps them out until restored",
    )
    erase.add_argument("slack_id", help="the person's Slack id (U…)")
    erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    erase.add_argument(
        "--vacuum-full", action="store_true",
        help="also rebuild the tables (PostgreSQL: VACUUM FULL, locks each table while it "
        "runs) or the file (SQLite: VACUUM) so no old copy of the text stays in free space",
    )  # fmt: skip
    erase.add_argument("--workspace", help=WORKSPACE_HELP)
    old_team_option(erase)
    restore = actions.add_parser(
        "restore", help="let an erased person back in: the sync adds them again (as someone new)"
    )
    restore.add_argument("slack_id", help="the person's Slack id (U…)")
    restore.add_argument("--workspace", help=WORKSPACE_HELP)
    old_team_option(restore)


def run_reporting(args: argparse.Namespace, settings: Settings) -> int:

    db = open_database(settings)
    services = services_for(settings, db)
    reads_only = (
        args.command == "export"
        or (
            args.command == "digest"
            and (args.dry_run if args.action == "send" else not (args.weekday or args.time))
        )
        or getattr(args, "person_command", None) == "export"
    )
    team_id = workspace_of(services, args.workspace, offline=reads_only)
    if args.command == "digest":
        if args.action == "schedule":
            return _schedule(services, team_id, args)
        return _digest(services, team_id, args)
    if args.command == "export":
        return _export(services, team_id, args.out, private_text=args.include_private_text)
    if args.person_command == "export":
        return _person_export(services, team_id, args.slack_id, args.out)

    if args.person_command == "restore":
        return person_restore(services, team_id, args.slack_id)
    return person_erase(services, team_id, args.slack_id, confirmed=args.yes, full=args.vacuum_full)


def _schedule(services: Services, team_id: str, args: argparse.Namespace) -> int:

    db, now = services.db, services.clock.now()
    with db.session() as session:
        if args.weekday is None and args.time is None:
            schedule = digest_schedule(session, team_id)
        else:
            try:
                schedule = set_digest_schedule(
                    session, team_id, weekday=args.weekday, at=args.time, actor=ACTOR, now=now
                )
            except ValueError as error:
                raise CliError(f"schedule not changed: {error}") from None
    tz = services.settings.default_tz
    print(f"weekly digest: {schedule.describe()} ({tz})")
    return 0


def _digest(services: Services, team_id: str, args: argparse.Namespace) -> int:

    settings = services.settings
    db, now = services.db, services.clock.now()
    if args.dry_run or args.chart:
        with db.session(dry_run=True) as session:
            figures = hr_figures(session, team_id, now=now, org_tz=settings.default_tz)
            names = _names(session, team_id)
        tr = Translator(args.locale or settings.default_locale)
        if args.chart:
            args.chart.write_bytes(render_chart(chart_data(figures), tr))
            print(f"chart written to {args.chart}")
        if args.dry_run:
            print(terminal_text(hr_digest_message(tr, figures), names), end="")
            return 0
    if not settings.slack_bot_token:
        raise CliError("sending needs SLACK_BOT_TOKEN (or use --dry-run)", code=2)
    ports = slack_ports(settings)
    with db.session() as session:
        state = check_hr_channel(session, team_id, settings, ports.channels, now)
        if state is not None and not state.ok:
            tr = Translator(args.locale or settings.default_locale)
            print(advice_text(tr, state, "hr_digest"))
        use_channel = state is None or state.ok
        count = send_now(
            session, team_id, settings, now, managers=args.managers, use_channel=use_channel
        )

    try:
        stats = make_sender(services).drain()
        with db.session() as session:
            charts = upload_charts(session, team_id, now, lambda: ports.files)
    except OSError as error:
        raise slack_failure(error) from None
    print(
        f"digest: {words.count(count, 'message')} queued, {stats.sent} sent, "
        f"{words.count(charts, 'chart')} uploaded"
    )
    return 0 if stats.failed == 0 else 1


def _names(session: Session, team_id: str) -> dict[str, str]:
    """Slack id → name, so a terminal shows people where Slack would show a mention."""


    rows = session.execute(
        select(Employee.slack_id, Employee.name).where(Employee.team_id == team_id)
    )
    return {slack_id: name or slack_id for slack_id, name in rows}


HR_SCOPE = (
    "what HR may see: counts, statuses, dates, ratings of submitted reviews, and the text of\n"
    "obstacles escalated to HR; no check-in answers, no other obstacle text, no review answers,\n"
    "no drafts, no 1:1 talking points, notes or action item titles (add\n"
    "--include-private-text for everything stored)"
)
EVERYTHING = (
    "EVERYTHING STORED, private text included: check-in answers (mood, wins, support, plans),\n"
    "every obstacle's text, review answers and ratings including unsubmitted drafts, draft\n"
    "goals, 1:1 talking points, shared notes and action items. Private 1:1 notes are in no\n"
    "export: only their writer reads them. Keep these files from anyone who may not read\n"
    "them in Slack."
)


def _export(services: Services, team_id: str, out: Path, *, private_text: bool) -> int:

    db, now = services.db, services.clock.now()
    scope = ExportScope.for_operator(team_id, private_text=private_text)
    print(f"exporting {EVERYTHING if private_text else HR_SCOPE}")
    with db.session() as session:
        counts = write_csv_files(session, scope, out)
        record_export(session, team_id, ACTOR, counts, now, scope.name)
    for name, rows in counts.items():
        print(f"{out / (name + '.csv')}: {words.count(rows, 'row')}")
    return 0


def _person_export(services: Services, team_id: str, slack_id: str, out: Path | None) -> int:

    db, now = services.db, services.clock.now()
    with db.session() as session:
        try:
            data = export_person(session, team_id, slack_id, now=now)
        except PersonNotFound:
            when = erased_at(session, team_id, slack_id)
            if when is not None:
                raise CliError(
                    f"{slack_id} was erased on {when.date().isoformat()}: nothing stored can "
                    "be linked to them any more"
                ) from None
            raise CliError(f"nobody with Slack id {slack_id} in {team_id}") from None
        audit.record(
            session,
            team_id=team_id,
            actor=ACTOR,
            action="person.exported",
            subject=f"employee:{data['person']['id']}",
            at=now,
        )
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    if out is None:
        print(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        rows = sum(len(v) for v in data["records"].values())
        tables = words.count(len(data["records"]), "table")
        print(f"{out}: {words.count(rows, 'record')} in {tables}")
    return 0
