"""The monthly recognition summary: last month's kudos by value and the people most recognised,
posted to the recognition channel on the first working day of the month at 09:00.

The tick decides from the clock and the database alone; a claimed run per (workspace, month) and
the outbox key `kudos:summary:YYYY-MM` make it post once however many ticks or instances run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from bot.blocks.reward import summary_message
from bot.clock import zone_of
from bot.i18n import Translator, translators
from bot.org.channels import hr_people, reroute_marker, warn_unreachable
from bot.org.erasure_marks import not_erased
from bot.outbox import Lane, post_message
from bot.reward.kudos import by_value_order
from bot.reward.settings import FALLBACK_TZ, recognition_settings
from bot.ticks import TickContext, TickTask, claim_run
from storage.kudos import CompanyValue, Kudos, KudosRecipient
from storage.models import Employee

SUMMARY_TIME = time(9, 0)
TOP_LIMIT = 5
JOB = "kudos_monthly_summary"


@dataclass(frozen=True)
class MonthlySummary:
    team_id: str
    month: date  # the first day of the month summarised
    since: datetime
    until: datetime
    total: int  # kudos given
    givers: int  # distinct people who gave
    recipients: int  # distinct people recognised
    by_value: list[tuple[CompanyValue | None, int]]  # kudos per value, display order
    top: list[tuple[str, int]]  # (slack id, kudos received), most first

    @property
    def empty(self) -> bool:
        return self.total == 0


def month_bounds(month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[first local midnight of the month, first local midnight of the next)."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(following, time(0), tzinfo=zone),
    )


def monthly_summary(
    session: Session, team_id: str, month: date, *, tz: str = FALLBACK_TZ
) -> MonthlySummary:
    """Recognition in `month` (any day of it), months starting at midnight in `tz`.

    A fixed number of queries whatever the number of kudos: totals, per value, per recipient
    (the top ones only), and the workspace's values to name them.
    """
    since, until = month_bounds(month, zone_of(tz, FALLBACK_TZ))
    period = (Kudos.team_id == team_id, Kudos.created_at >= since, Kudos.created_at < until)
    total, givers, recipients = session.execute(
        select(
            func.count(distinct(Kudos.id)),
            func.count(distinct(Kudos.giver_id)),
            func.count(distinct(KudosRecipient.employee_id)),
        )
        .select_from(Kudos)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .where(*period)
    ).one()
    per_value = session.execute(
        select(Kudos.value_id, func.count(Kudos.id)).where(*period).group_by(Kudos.value_id)
    ).all()
    by_value = by_value_order(session, team_id, [(v, n) for v, n in per_value])
    received = func.count(Kudos.id)
    top = session.execute(
        select(Employee.slack_id, received)
        .select_from(KudosRecipient)
        .join(Kudos, Kudos.id == KudosRecipient.kudos_id)
        .join(Employee, Employee.id == KudosRecipient.employee_id)
        .where(*period, not_erased(Employee.slack_id))
        .group_by(Employee.slack_id)
        .order_by(received.desc(), Employee.slack_id)
        .limit(TOP_LIMIT)
    ).all()
    return MonthlySummary(
        team_id=team_id,
        month=month.replace(day=1),
        since=since,
        until=until,
        total=total or 0,
        givers=givers or 0,
        recipients=recipients or 0,
        by_value=by_value,
        top=[(slack_id, count) for slack_id, count in top],
    )


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


def first_working_day(year: int, month: int, country: str) -> date:
    """The first day of the month that is neither a weekend nor a public holiday."""
    day = date(year, month, 1)
    while day.weekday() >= 5 or day in _holidays(country, year):
        day += timedelta(days=1)
    return day


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def kudos_monthly_summary(ctx: TickContext) -> int:
    """Enqueue last month's summary when it is due; 1 when enqueued now, else 0.

    Due from 09:00 on the first working day (organisation zone) until that day ends, so an
    instance that was down at 09:00 still posts later that day, but never on another day.
    """
    team_id = ctx.workspace.team_id
    settings = recognition_settings(ctx.session, team_id)
    if not settings.monthly_summary or settings.channel is None:
        return 0
    local = ctx.now.astimezone(zone_of(None, ctx.settings.default_tz))
    if local.time() < SUMMARY_TIME:
        return 0
    if local.date() != first_working_day(local.year, local.month, ctx.settings.holiday_country):
        return 0
    month = previous_month(local.date())
    if not claim_run(ctx.session, team_id, JOB, f"{month:%Y-%m}", ctx.now):
        return 0
    summary = monthly_summary(ctx.session, team_id, month, tz=ctx.settings.default_tz)
    if summary.empty:
        return 0  # nothing to celebrate: no post (respect attention), and claimed all the same
    key = f"kudos:summary:{month:%Y-%m}"
    if not _channel_usable(ctx, settings.channel):
        # Kinerja cannot post there: HR was told what to do; each of them gets the summary.
        tr_for = translators(ctx.settings.default_locale)
        for person in hr_people(ctx.session, team_id):
            post_message(
                ctx.session,
                team_id=team_id,
                key=f"{key}:dm:{person.id}",
                message=_message(tr_for(person), summary),
                now=ctx.now,
                channel=person.slack_id,
                lane=Lane.BULK,
            )
        return 1
    marker = reroute_marker(
        "recognition", locale=ctx.settings.default_locale, tz=ctx.settings.default_tz
    )
    message = _message(Translator(ctx.settings.default_locale), summary)
    post_message(
        ctx.session,
        team_id=team_id,
        key=key,
        message={**message, **marker},
        now=ctx.now,
        channel=settings.channel,
        lane=Lane.BULK,  # nobody waits for it; it must not hold up prompts
    )
    return 1


def _message(tr: Translator, summary: MonthlySummary) -> dict[str, Any]:
    return summary_message(
        tr,
        summary.month,
        total=summary.total,
        givers=summary.givers,
        recipients=summary.recipients,
        by_value=summary.by_value,
        top=summary.top,
    )


def _channel_usable(ctx: TickContext, channel: str) -> bool:
    """Checked with Slack when the summary is due; a channel Kinerja cannot post in gets HR
    a warning (once a day) and is not used."""
    checker = ctx.ports.channels
    if checker is None:
        return True
    state = checker.check(channel, post_files=False)
    warn_unreachable(
        ctx.session,
        ctx.workspace.team_id,
        state,
        "recognition",
        default_locale=ctx.settings.default_locale,
        org_tz=ctx.settings.default_tz,
        now=ctx.now,
    )
    return state.ok


TICK_TASKS = (TickTask(JOB, kudos_monthly_summary),)
