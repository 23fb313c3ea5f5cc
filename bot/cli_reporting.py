"""`kinerja digest`, `kinerja export` and `kinerja person export|erase` from the server's shell.

The operator of the server is trusted (like `org import`): no Slack identity and no role check;
what changes data (the digest schedule, an erasure) is audited with the actor "cli".

    kinerja digest [--dry-run] [--managers] [--chart FILE] [--team T…]
    kinerja digest schedule [--weekday mon] [--time 09:00] [--team T…]
    kinerja export --out DIR [--team T…]
    kinerja person export SLACK_ID [--out FILE] [--team T…]
    kinerja person erase SLACK_ID --yes [--team T…]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.config import Settings
from bot.services import Services

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
    digest.add_argument("--team", help="workspace id (T…) when several are installed")

    export = commands.add_parser("export", help="write every record as CSV files")
    export.add_argument("--out", type=Path, required=True, help="directory for the CSV files")
    export.add_argument("--team", help="workspace id (T…) when several are installed")

    person = commands.add_parser("person", help="personal-data rights: access and erasure")
    actions = person.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    access = actions.add_parser("export", help="everything stored about one person, as JSON")
    access.add_argument("slack_id", help="the person's Slack id (U…)")
    access.add_argument("--out", type=Path, help="file to write (default: standard output)")
    access.add_argument("--team", help="workspace id (T…) when several are installed")
    erase = actions.add_parser("erase", help="erase or anonymise one person (irreversible)")
    erase.add_argument("slack_id", help="the person's Slack id (U…)")
    erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    erase.add_argument("--team", help="workspace id (T…) when several are installed")


def run_reporting(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_commands import _database, _services, _workspace

    db = _database(settings)
    services = _services(settings, db)
    team_id = _workspace(services, args.team)
    if args.command == "digest":
        if args.action == "schedule":
            return _schedule(services, team_id, args)
        return _digest(services, team_id, args)
    if args.command == "export":
        return _export(services, team_id, args.out)
    if args.person_command == "export":
        return _person_export(services, team_id, args.slack_id, args.out)
    return _person_erase(services, team_id, args.slack_id, confirmed=args.yes)


def _schedule(services: Services, team_id: str, args: argparse.Namespace) -> int:
    from bot.cli import CliError
    from bot.reporting.tasks import digest_schedule, set_digest_schedule

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
    from bot.blocks.channels import advice_text
    from bot.blocks.reporting import as_plain_text, hr_digest_message
    from bot.cli import CliError
    from bot.i18n import Translator
    from bot.reporting import chart_data, hr_figures, render_chart
    from bot.reporting.digest import upload_charts
    from bot.reporting.tasks import (
        channel_checker_for,
        check_hr_channel,
        file_sender_for,
        send_now,
    )

    settings = services.settings
    db, now = services.db, services.clock.now()
    if args.dry_run or args.chart:
        with db.session(dry_run=True) as session:
            figures = hr_figures(session, team_id, now=now, org_tz=settings.default_tz)
        tr = Translator(args.locale or settings.default_locale)
        if args.chart:
            args.chart.write_bytes(render_chart(chart_data(figures), tr))
            print(f"chart written to {args.chart}")
        if args.dry_run:
            print(as_plain_text(hr_digest_message(tr, figures)))
            return 0
    if not settings.slack_bot_token:
        raise CliError("sending needs SLACK_BOT_TOKEN (or use --dry-run)", code=2)
    with db.session() as session:
        state = check_hr_channel(session, team_id, settings, channel_checker_for(settings), now)
        if state is not None and not state.ok:
            tr = Translator(args.locale or settings.default_locale)
            print(advice_text(tr, state, "hr_digest"))
        use_channel = state is None or state.ok
        count = send_now(
            session, team_id, settings, now, managers=args.managers, use_channel=use_channel
        )
    from bot.cli_commands import _slack_failure
    from bot.runtime import make_sender

    try:
        stats = make_sender(services).drain()
        with db.session() as session:
            charts = upload_charts(session, team_id, now, lambda: file_sender_for(settings))
    except OSError as error:
        raise _slack_failure(error) from None
    print(f"digest: {count} message(s) queued, {stats.sent} sent, {charts} chart(s) uploaded")
    return 0 if stats.failed == 0 else 1


def _export(services: Services, team_id: str, out: Path) -> int:
    from bot.reporting import write_csv_files
    from bot.reporting.export import record_export

    db, now = services.db, services.clock.now()
    with db.session() as session:
        counts = write_csv_files(session, team_id, out)
        record_export(session, team_id, ACTOR, counts, now)
    for name, rows in counts.items():
        print(f"{out / (name + '.csv')}: {rows} row(s)")
    return 0


def _person_export(services: Services, team_id: str, slack_id: str, out: Path | None) -> int:
    from bot import audit
    from bot.cli import CliError
    from bot.reporting import PersonNotFound, export_person

    db, now = services.db, services.clock.now()
    with db.session() as session:
        try:
            data = export_person(session, team_id, slack_id, now=now)
        except PersonNotFound:
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
        print(f"{out}: {rows} record(s) in {len(data['records'])} table(s)")
    return 0


def _person_erase(services: Services, team_id: str, slack_id: str, *, confirmed: bool) -> int:
    from bot.cli import CliError
    from bot.reporting import PersonNotFound, erase_person

    if not confirmed:
        raise CliError("erasing cannot be undone; add --yes to confirm", code=2)
    db, now = services.db, services.clock.now()
    with db.session() as session:
        try:
            result = erase_person(session, team_id, slack_id, actor=ACTOR, now=now)
        except PersonNotFound:
            raise CliError(f"nobody with Slack id {slack_id} in {team_id}") from None
    changed = ", ".join(f"{table} {count}" for table, count in sorted(result.changed.items()))
    print(f"erased {slack_id} (now employee:{result.employee_id}); rows changed: {changed}")
    return 0
