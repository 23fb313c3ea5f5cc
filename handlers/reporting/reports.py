"""`/kinerja report` (alias `laporan`) and `/kinerja export` (alias `ekspor`).

Both acknowledge at once and do the work afterwards (Bolt keeps running the listener after
`ack`). A report answers ephemerally through the response URL with what the person may see
(bot.reporting.report_for). An export is built as a ZIP of CSV files and uploaded to the
person's DM; the database transaction is closed before the upload so a slow upload never
holds SQLite's write lock. What the export holds is HR's scope (bot/reporting/export_scope.py):
no check-in answers, no obstacle text unless escalated to HR, no review answers, no drafts.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.blocks.reporting import ephemeral, hr_digest_message
from bot.blocks.reporting_team import manager_digest_message
from bot.clock import zone_of
from bot.permissions import Action, PermissionDenied, can
from bot.reporting import export_for, report_for
from bot.reporting.export import record_export
from bot.slack.files import SlackFileSender
from handlers.commands import CommandRequest

log = logging.getLogger(__name__)


def _say(req: CommandRequest, text: str) -> None:
    req.respond(response_type="ephemeral", replace_original=False, text=text)


def report_command(req: CommandRequest) -> None:
    req.ack()
    tr, settings = req.tr, req.services.settings
    now = req.services.clock.now()
    try:
        report = report_for(req.session, req.employee, now=now, org_tz=settings.default_tz)
    except PermissionDenied:
        _say(req, tr("reporting.report.refused"))
        return
    if report.organisation is not None:
        message = hr_digest_message(tr, report.organisation, report=True)
    elif report.team is not None:
        message = manager_digest_message(tr, report.team, report=True)
    else:
        _say(req, tr("reporting.report.no_reports"))
        return
    req.respond(replace_original=False, **ephemeral(message))


def export_command(req: CommandRequest) -> None:
    tr, services, person = req.tr, req.services, req.employee
    if not can(person, Action.EXPORT_DATA):
        req.ack(response_type="ephemeral", text=tr("error.permission"))
        return
    req.ack(response_type="ephemeral", text=tr("reporting.export.preparing"))
    content, counts = export_for(req.session, person)
    team_id, slack_id = person.team_id, person.slack_id
    req.session.commit()  # end the read before talking to Slack
    now = services.clock.now()
    day = now.astimezone(zone_of(None, services.settings.default_tz)).date().isoformat()
    files = ", ".join(f"{name}.csv" for name in counts)
    try:
        SlackFileSender(services.client).send_file(
            channel=None,
            user=slack_id,
            content=content,
            filename=f"kinerja-export-{day}.zip",
            title=tr("reporting.export.title", date=day),
            comment=tr("reporting.export.comment", date=day, files=files),
        )
    except (SlackApiError, OSError) as error:
        log.warning("export for %s not delivered: %s", slack_id, error)
        reason = (
            error.response.get("error", "error") if isinstance(error, SlackApiError) else "network"
        )
        _say(req, tr("reporting.export.failed", error=reason))
        return
    record_export(req.session, team_id, slack_id, counts, now)
    req.session.commit()  # on record before the person is told it is done
    rows = tr.n("reporting.count.rows", sum(counts.values()))
    files = tr.n("reporting.count.files", len(counts))
    _say(req, tr("reporting.export.done", rows=rows, files=files))
