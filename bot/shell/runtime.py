"""Starting and stopping a Kinerja process: migrations, workspace, scheduler, sender, server."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from bot.clock import Clock, SystemClock, zone_of
from bot.config import Settings
from bot.org.channels import warn_unreachable
from bot.org.directory import sync_directory
from bot.reporting.tasks import check_hr_channel
from bot.reward.settings import recognition_settings
from bot.shell.app import TICK_TASKS, create_app
from bot.shell.web import serve
from bot.slack.budgets import BudgetRates, Budgets
from bot.slack.client import make_web_client
from bot.slack.ports import slack_ports
from bot.slack.sender import OutboxSender
from bot.slack.services import Services
from bot.slack.workspace import register_workspace
from bot.ticks import claim_run, tick
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Workspace

log = logging.getLogger(__name__)

DIRECTORY_SYNC_HOUR = 2  # local time of the organisation's default zone


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    db = Database(settings.database_url)
    return Services(settings, db, clock or SystemClock(), make_web_client(settings))


def make_sender(services: Services) -> OutboxSender:
    """The sender as `kinerja run` and `kinerja tick --send` use it: Slack's tiers as budgets
    (KINERJA_SLACK_RATE_PER_SECOND for posts, KINERJA_SLACK_BUDGETS over the rest), leases on
    the real clock whatever `services.clock` says."""
    return OutboxSender(
        services.db,
        make_web_client(services.settings, retries=False),
        services.clock,
        concurrency=services.settings.sender_concurrency,
        max_attempts=services.settings.outbox_max_attempts,
        budgets=Budgets(
            BudgetRates.slack_defaults(
                services.settings.slack_rate_per_second, services.settings.slack_budgets
            )
        ),
    )


def sync_all_workspaces(services: Services, *, once_per_day: bool) -> None:
    """Refresh names, time zones, locales and leavers from Slack's directory.

    The daily run claims the date first, so several instances sync once between them.
    """
    now = services.clock.now()
    with services.db.session() as session:
        team_ids = list(session.scalars(select(Workspace.team_id)))
    for team_id in team_ids:
        try:
            if once_per_day:
                day = now.astimezone(zone_of(None, services.settings.default_tz)).date()
                with services.db.session() as session:
                    claimed = claim_run(session, team_id, "directory_sync", day.isoformat(), now)
                if not claimed:
                    continue
            # The claim is committed first: paging Slack must not hold SQLite's write lock.
            with services.db.session() as session:
                report = sync_directory(session, services.directory, team_id, now)
            log.info("directory sync for %s: %s", team_id, report)
        except Exception:
            log.exception("directory sync failed for %s; the next run will retry", team_id)


def check_channels(services: Services) -> None:
    """At start: can Kinerja post in the HR channel and each recognition channel? For one it
    cannot, HR is told what to do by DM (bot/org/channels.py), at most once a day."""

    settings = services.settings
    checker = slack_ports(settings).channels
    if checker is None:
        return
    now = services.clock.now()
    with services.db.session() as session:
        team_ids = list(session.scalars(select(Workspace.team_id)))
    for team_id in team_ids:
        try:
            with services.db.session() as session:
                check_hr_channel(session, team_id, settings, checker, now)
                channel = recognition_settings(session, team_id).channel
                if channel:
                    state = checker.check(channel, post_files=False)
                    warn_unreachable(
                        session,
                        team_id,
                        state,
                        "recognition",
                        default_locale=settings.default_locale,
                        org_tz=settings.default_tz,
                        now=now,
                    )
        except Exception:
            log.exception(
                "channel check failed for %s; posts still fall back when refused", team_id
            )


@dataclass
class Background:
    scheduler: BackgroundScheduler
    sender_thread: threading.Thread
    stop_event: threading.Event

    def stop(self) -> None:
        self.stop_event.set()
        self.scheduler.shutdown(wait=False)
        self.sender_thread.join(timeout=10)


def start_background(services: Services) -> Background:
    """The minute tick, the daily directory sync, the channel check at start, and the outbox
    sender thread."""
    settings = services.settings
    ports = slack_ports(settings)

    def run_tick() -> None:
        report = tick(services.db, settings, services.clock.now(), TICK_TASKS, ports)
        if report.total or report.failed:
            log.info("tick %s: %s failed=%s", report.at.isoformat(), report.done, report.failed)

    scheduler = BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 50},
    )
    scheduler.add_job(run_tick, IntervalTrigger(minutes=1), id="tick", next_run_time=_now())
    scheduler.add_job(
        sync_all_workspaces,
        CronTrigger(hour=DIRECTORY_SYNC_HOUR, minute=0, timezone=settings.default_tz),
        kwargs={"services": services, "once_per_day": True},
        id="directory_sync",
    )
    scheduler.add_job(
        sync_all_workspaces,
        kwargs={"services": services, "once_per_day": False},
        id="directory_sync_on_start",
        next_run_time=_now(),
    )
    scheduler.add_job(
        check_channels, args=(services,), id="channels_on_start", next_run_time=_now()
    )
    stop_event = threading.Event()
    sender = make_sender(services)
    sender_thread = threading.Thread(
        target=sender.run_forever, args=(stop_event,), name="outbox-sender", daemon=True
    )
    scheduler.start()
    sender_thread.start()
    return Background(scheduler, sender_thread, stop_event)


def _now() -> datetime:
    return SystemClock().now()


def prepare(services: Services) -> None:
    """Schema first, then the workspace this token serves (auth.test)."""
    upgrade(services.db.engine)
    register_workspace(services)


def run(settings: Settings, host: str = "0.0.0.0") -> None:
    """`kinerja run`: Socket Mode with SLACK_APP_TOKEN, otherwise HTTP on PORT."""
    services = build_services(settings)
    prepare(services)
    app = create_app(services)
    background = start_background(services)
    try:
        if settings.slack_app_token:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("starting in Socket Mode")
            SocketModeHandler(app, settings.slack_app_token).start()
        else:
            log.info("listening on http://%s:%d/slack/events", host, settings.port)
            serve(
                app,
                services.db,
                host,
                settings.port,
                after_ack=services.after_ack,
                signing_secret=settings.slack_signing_secret,
                max_body=settings.max_request_bytes,
            )
    finally:
        background.stop()
