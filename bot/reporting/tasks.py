"""The weekly digests on the scheduler's tick, and `kinerja digest` sending one now.

Due on the configured weekday from the configured time (organisation zone — "HR's time zone")
until that day ends, so an instance that was down at 09:00 still sends later that day but
never on another day. A claimed run per (workspace, ISO week) makes it happen once however
many ticks or instances run; the outbox keys make each message once; the chart follows the
rules in bot/reporting/digest.py.

Settings (bot.org.settings): `reporting.digest_weekday` (0 = Monday … 6, or mon … sun;
default Monday) and `reporting.digest_time` ("HH:MM", default "09:00").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy.orm import Session

from bot.clock import zone_of
from bot.config import Settings
from bot.monitoring.periods import parse_local_time
from bot.org.channels import warn_unreachable
from bot.org.settings import get_setting, set_setting
from bot.ports import ChannelChecker, ChannelState
from bot.reporting.digest import enqueue_hr_digest, enqueue_manager_digests, upload_charts
from bot.reporting.figures import hr_figures
from bot.reporting.periods import iso_week
from bot.ticks import TickContext, TickTask, claim_run

JOB = "hr_digest"
TASK = "weekly_digests"
WEEKDAY_KEY = "reporting.digest_weekday"
TIME_KEY = "reporting.digest_time"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WEEKDAY = 0
DEFAULT_TIME = time(9, 0)


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int = DEFAULT_WEEKDAY
    at: time = DEFAULT_TIME

    def due(self, local: datetime) -> bool:
        return local.weekday() == self.weekday and local.time() >= self.at

    def describe(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.at:%H:%M}"


def parse_weekday(value: object) -> int:
    """0–6 or mon…sun (also the full English name); ValueError otherwise."""
    text = str(value).strip().lower()
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    for index, name in enumerate(WEEKDAYS):
        if text[:3] == name and len(text) >= 3:
            return index
    raise ValueError(f"{value!r} is not a weekday (mon … sun or 0–6)")


def digest_schedule(session: Session, team_id: str) -> DigestSchedule:
    """The stored schedule; a value that does not parse falls back to the default."""
    try:
        weekday = parse_weekday(get_setting(session, team_id, WEEKDAY_KEY, DEFAULT_WEEKDAY))
    except ValueError:
        weekday = DEFAULT_WEEKDAY
    try:
        at = parse_local_time(str(get_setting(session, team_id, TIME_KEY, "09:00")))
    except ValueError:
        at = DEFAULT_TIME
    return DigestSchedule(weekday, at)


def set_digest_schedule(
    session: Session,
    team_id: str,
    *,
    weekday: str | None,
    at: str | None,
    actor: str | None,
    now: datetime,
) -> DigestSchedule:
    """Change the day and/or time (audited); ValueError names what is wrong."""
    if weekday is not None:
        set_setting(session, team_id, WEEKDAY_KEY, parse_weekday(weekday), actor=actor, now=now)
    if at is not None:
        try:
            parsed = parse_local_time(at)
        except ValueError:
            raise ValueError(f"{at!r} is not a time such as 09:00") from None
        set_setting(session, team_id, TIME_KEY, f"{parsed:%H:%M}", actor=actor, now=now)
    return digest_schedule(session, team_id)


def check_hr_channel(
    session: Session,
    team_id: str,
    settings: Settings,
    checker: ChannelChecker | None,
    now: datetime,
) -> ChannelState | None:
    """Can the digest (text and chart) go to KINERJA_HR_CHANNEL? None when there is no such
    channel or no way to ask; when it cannot, HR is told what to do (once a day)."""
    if not settings.hr_channel or checker is None:
        return None
    state = checker.check(settings.hr_channel, post_files=True)
    if not state.ok:
        warn_unreachable(
            session,
            team_id,
            state,
            "hr_digest",
            default_locale=settings.default_locale,
            org_tz=settings.default_tz,
            now=now,
        )
    return state


def weekly_digests(ctx: TickContext) -> int:
    """Enqueue this week's HR digest and manager digests when due, then upload charts.
    The HR channel is checked first: one Kinerja cannot post in sends the digest to HR
    people by DM."""
    team_id = ctx.workspace.team_id
    schedule = digest_schedule(ctx.session, team_id)
    local = ctx.now.astimezone(zone_of(None, ctx.settings.default_tz))
    done = 0
    if schedule.due(local):
        week = iso_week(local.date())
        if claim_run(ctx.session, team_id, JOB, week, ctx.now):
            channels = ctx.ports.channels
            state = check_hr_channel(ctx.session, team_id, ctx.settings, channels, ctx.now)
            done += send_digests(
                ctx.session,
                team_id,
                ctx.settings,
                ctx.now,
                week,
                schedule,
                use_channel=state is None or state.ok,
            )
    done += upload_charts(ctx.session, team_id, ctx.now, lambda: ctx.ports.files)
    return done


def send_digests(
    session: Session,
    team_id: str,
    settings: Settings,
    now: datetime,
    week: str,
    schedule: DigestSchedule,
    *,
    managers: bool = True,
    key_suffix: str = "",
    use_channel: bool = True,
) -> int:
    """The HR digest (and, with `managers`, every manager's) into the outbox."""
    figures = hr_figures(session, team_id, now=now, org_tz=settings.default_tz)
    done = enqueue_hr_digest(
        session,
        figures,
        settings,
        now,
        key_base=f"digest:hr:{week}{key_suffix}",
        use_channel=use_channel,
    )
    if managers:
        done += enqueue_manager_digests(
            session,
            team_id,
            settings,
            now,
            f"{week}{key_suffix}",
            schedule.at,
            goals=figures.goals_at_risk,  # computed once for both
        )
    return done


def send_now(
    session: Session,
    team_id: str,
    settings: Settings,
    now: datetime,
    *,
    managers: bool,
    use_channel: bool = True,
) -> int:
    """`kinerja digest`: send again now, under keys of its own, leaving the weekly run alone."""
    local = now.astimezone(zone_of(None, settings.default_tz))
    return send_digests(
        session,
        team_id,
        settings,
        now,
        iso_week(local.date()),
        DigestSchedule(at=local.time().replace(second=0, microsecond=0)),
        managers=managers,
        key_suffix=f":manual:{now:%Y%m%dT%H%M%S}",
        use_channel=use_channel,
    )


TICK_TASKS = (TickTask(TASK, weekly_digests),)
