"""Sending the digests: text through the outbox, the chart uploaded once.

Text messages are outbox rows (keys `digest:hr:{week}`, `digest:hr:{week}:{hr_employee_id}`,
`digest:manager:{manager_id}:{week}`), written in the caller's transaction like every other
message. A chart is a file, which the outbox cannot carry, so it is uploaded here:

1. With the text, a `digest.chart_pending` audit row stores the chart's data (plain JSON),
   where it goes and in which language.
2. `upload_charts` claims one attempt (`job_runs`: `digest_chart`, `{key}#{n}`) and commits the
   claim *before* calling Slack; then it renders the PNG, uploads it with `files_upload_v2`
   and records `digest.chart_uploaded` (file id, permalink) or `digest.chart_failed`.
3. A chart with an upload recorded is done. One whose latest attempt has no outcome (the
   process died during the upload, or another instance is uploading) is never tried again:
   a restart may lose a chart but never posts it twice. One that failed cleanly is retried
   on later ticks, at most MAX_ATTEMPTS times and for RETRY_HOURS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.blocks.monitoring import period_key_label
from bot.blocks.reporting import hr_digest_message
from bot.blocks.reporting_team import manager_digest_message
from bot.clock import zone_of
from bot.config import Settings
from bot.i18n import Translator, resolve_locale
from bot.org.channels import CHART_PENDING, CHART_REROUTED, reroute_marker
from bot.outbox import Lane, enqueue
from bot.ports import FileSender
from bot.reporting.chart import ChartData, chart_data, render_chart
from bot.reporting.figures import DigestFigures
from bot.reporting.goals import GoalAtRisk
from bot.reporting.team import manager_figures
from bot.ticks import claim_run
from storage.models import AuditLog, Employee, JobRun, Role

log = logging.getLogger(__name__)

CHART_JOB = "digest_chart"
PENDING, UPLOADED, FAILED = CHART_PENDING, "digest.chart_uploaded", "digest.chart_failed"
# The channel refused the digest; its chart went with the DM copies (bot/org/channels.py).
REROUTED = CHART_REROUTED
MAX_ATTEMPTS = 3
RETRY_HOURS = 24


@dataclass(frozen=True)
class Destination:
    key: str  # outbox key of the text message; also names the chart
    channel: str | None  # a channel id, or None for a DM to `user`
    user: str | None
    locale: str


def hr_destinations(
    session: Session, team_id: str, settings: Settings, key_base: str, *, use_channel: bool = True
) -> list[Destination]:
    """KINERJA_HR_CHANNEL, or else (also while Kinerja cannot post there: `use_channel` False)
    a DM to each active HR person (admins when there is none)."""
    if settings.hr_channel and use_channel:
        return [Destination(key_base, settings.hr_channel, None, settings.default_locale)]
    people = list(
        session.scalars(
            select(Employee)
            .where(
                Employee.team_id == team_id,
                Employee.active.is_(True),
                Employee.role.in_((Role.HR.value, Role.ADMIN.value)),
            )
            .order_by(Employee.id)
        )
    )
    hr = [p for p in people if p.role == Role.HR.value] or people
    return [
        Destination(
            f"{key_base}:{p.id}",
            None,
            p.slack_id,
            resolve_locale(p.locale, settings.default_locale),
        )
        for p in hr
    ]


def enqueue_hr_digest(
    session: Session,
    figures: DigestFigures,
    settings: Settings,
    now: datetime,
    *,
    key_base: str,
    with_chart: bool = True,
    use_channel: bool = True,
) -> int:
    """The digest's text for every HR destination, and its chart waiting to be uploaded.
    A channel post carries `_reroute`: refused by the channel, it goes to HR by DM."""
    data = chart_data(figures)
    destinations = hr_destinations(
        session, figures.team_id, settings, key_base, use_channel=use_channel
    )
    for destination in destinations:
        message = hr_digest_message(Translator(destination.locale), figures)
        fallback = (
            reroute_marker("hr_digest", locale=settings.default_locale, tz=settings.default_tz)
            if destination.channel
            else {}
        )
        enqueue(
            session,
            team_id=figures.team_id,
            key=destination.key,
            method="chat.postMessage",
            payload={"channel": destination.channel or destination.user, **message, **fallback},
            now=now,
            lane=Lane.SCHEDULED,  # also when `kinerja digest` sends it by hand
        )
        if with_chart:
            audit.record(
                session,
                team_id=figures.team_id,
                actor=None,
                action=PENDING,
                subject=destination.key,
                detail={
                    "channel": destination.channel,
                    "user": destination.user,
                    "locale": destination.locale,
                    "chart": data.to_json(),
                },
                at=now,
            )
    return len(destinations)


def enqueue_manager_digests(
    session: Session,
    team_id: str,
    settings: Settings,
    now: datetime,
    week: str,
    digest_time: Any,
    *,
    manager_ids: set[int] | None = None,
    key_base: str | None = None,
    goals: Sequence[GoalAtRisk] | None = None,
) -> int:
    """One DM per manager, in their language, not before the digest time in their own zone."""
    all_figures = manager_figures(
        session,
        team_id,
        now=now,
        org_tz=settings.default_tz,
        manager_ids=manager_ids,
        goals=goals,
    )
    for figures in all_figures.values():
        tr = Translator(resolve_locale(figures.locale, settings.default_locale))
        local_day = now.astimezone(zone_of(None, settings.default_tz)).date()
        zone = zone_of(figures.tz, settings.default_tz)
        their_time = datetime.combine(local_day, digest_time, tzinfo=zone)
        enqueue(
            session,
            team_id=team_id,
            key=f"{key_base or 'digest:manager'}:{figures.manager_id}:{week}",
            method="chat.postMessage",
            payload={"channel": figures.slack_id, **manager_digest_message(tr, figures)},
            now=now,
            not_before=max(now, their_time),
            lane=Lane.SCHEDULED,
        )
    return len(all_figures)


@dataclass(frozen=True)
class PendingChart:
    key: str
    attempt: int
    detail: dict[str, Any]


def charts_to_upload(session: Session, team_id: str, now: datetime) -> list[PendingChart]:
    since = now - timedelta(hours=RETRY_HOURS)
    rows = session.execute(
        select(AuditLog.action, AuditLog.subject, AuditLog.detail).where(
            AuditLog.team_id == team_id,
            AuditLog.at >= since,
            AuditLog.action.in_((PENDING, UPLOADED, FAILED, REROUTED)),
        )
    ).all()
    pending = {subject: detail for action, subject, detail in rows if action == PENDING}
    if not pending:
        return []
    uploaded = {subject for action, subject, _ in rows if action in (UPLOADED, REROUTED)}
    failures: dict[str, int] = {}
    for action, subject, _ in rows:
        if action == FAILED:
            failures[subject] = failures.get(subject, 0) + 1
    claims: dict[str, int] = {}
    for period in session.scalars(
        select(JobRun.period).where(
            JobRun.team_id == team_id, JobRun.job == CHART_JOB, JobRun.at >= since
        )
    ):
        key = period.rsplit("#", 1)[0]
        claims[key] = claims.get(key, 0) + 1
    found = []
    for key, detail in pending.items():
        failed = failures.get(key, 0)
        if key in uploaded or claims.get(key, 0) > failed or failed >= MAX_ATTEMPTS:
            continue  # done, in flight (or lost in a crash: never twice), or given up
        found.append(PendingChart(key, failed + 1, detail))
    return sorted(found, key=lambda c: c.key)


def upload_charts(
    session: Session,
    team_id: str,
    now: datetime,
    sender_for: Callable[[], FileSender | None],
    *,
    render: Callable[[ChartData, Translator], bytes] = render_chart,
) -> int:
    """Upload every chart waiting (see the module docstring); commits the session when there
    is one. `sender_for` is only called then: most ticks have nothing to upload."""
    waiting = charts_to_upload(session, team_id, now)
    sender = sender_for() if waiting else None
    if sender is None:
        return 0
    done = 0
    for chart in waiting:
        if not claim_run(session, team_id, CHART_JOB, f"{chart.key}#{chart.attempt}", now):
            continue
        session.commit()  # the attempt is on record before Slack hears of it
        detail = chart.detail
        tr = Translator(detail.get("locale") or "en")
        data = ChartData.from_json(detail["chart"])
        try:
            result = sender.send_file(
                channel=detail.get("channel"),
                user=detail.get("user"),
                content=render(data, tr),
                filename=f"kinerja-digest-{data.period}.png",
                title=tr("reporting.chart.file_title", period=period_key_label(tr, data.period)),
                comment=tr.n(
                    "reporting.chart.comment",
                    len(data.ends),
                    period=period_key_label(tr, data.period),
                ),
            )
        except Exception as error:  # recorded and retried on a later tick
            log.warning("digest chart %s not uploaded: %s", chart.key, error)
            outcome, info = FAILED, {"attempt": chart.attempt, "error": type(error).__name__}
        else:
            outcome, info = UPLOADED, {"attempt": chart.attempt, **result}
            done += 1
        audit.record(
            session, team_id=team_id, actor=None, action=outcome, subject=chart.key, detail=info,
            at=now,
        )  # fmt: skip
        session.commit()
    return done
