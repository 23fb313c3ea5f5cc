"""The check-in modal's content, and the period a check-in is filed under.

Which period `/kinerja checkin` opens (see bot/monitoring/periods.py for open/closed): the
current period once its prompt went out; before that, the previous period while it is
unanswered and either its prompt was sent or its (holiday-moved) prompt is still to come;
otherwise the current period. So answering a prompt files the check-in under the period it
asked about, a late answer still counts for last period, and an early one for this period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from bot.clock import zone_of
from bot.config import Settings
from bot.monitoring.errors import MonitoringValidationError
from bot.monitoring.periods import Period, moments, open_periods, parse_period, period_state
from bot.monitoring.schedule import ScheduleSpec, schedule_for
from bot.permissions import Action, require
from bot.planning import active_goals_of
from bot.planning.progress import progress_of
from storage.checkins import Checkin, CheckinGoalUpdate, CheckinPrompt, Obstacle, ObstacleStatus
from storage.goals import Goal
from storage.models import Employee


@dataclass(frozen=True)
class CheckinForm:
    """Everything the check-in modal needs, read in one place."""

    period: Period
    schedule: ScheduleSpec
    goals: list[Goal]
    progress: dict[int, float]  # goal id -> 0..1
    confidence: dict[int, str]
    existing: Checkin | None
    open_obstacles: list[Obstacle]


def local_today(employee: Employee, settings: Settings, now: datetime) -> date:
    return now.astimezone(zone_of(employee.tz, settings.default_tz)).date()


def default_period(
    session: Session, employee: Employee, settings: Settings, now: datetime
) -> Period:
    """Where `/kinerja checkin` and the Home file a check-in (see the module docstring)."""
    spec = schedule_for(session, employee)
    current, previous = open_periods(spec.cadence, local_today(employee, settings, now))
    prompted = set(
        session.scalars(
            select(CheckinPrompt.period).where(
                CheckinPrompt.employee_id == employee.id,
                CheckinPrompt.period.in_((current.key, previous.key)),
            )
        )
    )
    if current.key in prompted:
        return current
    answered = session.scalar(
        select(Checkin.id).where(Checkin.employee_id == employee.id, Checkin.period == previous.key)
    )
    if answered is not None:
        return current
    zone = zone_of(employee.tz, settings.default_tz)
    upcoming = moments(previous, spec.weekday, spec.at, zone, settings.holiday_country)
    if previous.key in prompted or upcoming.prompt_due > now:
        return previous
    return current


def resolve_period(
    session: Session, employee: Employee, settings: Settings, now: datetime, key: str | None
) -> Period:
    """The period to file a check-in under; MonitoringValidationError if it is not open."""
    if not key:
        return default_period(session, employee, settings, now)
    try:
        period = parse_period(key)
    except ValueError:
        raise MonitoringValidationError({"period": "monitoring.error.period"}) from None
    state = period_state(period, local_today(employee, settings, now))
    if state != "open":
        raise MonitoringValidationError({"period": f"monitoring.error.period_{state}"})
    return period


def checkin_form(
    session: Session,
    actor: Employee,
    *,
    settings: Settings,
    now: datetime,
    period_key: str | None = None,
) -> CheckinForm:
    """The modal's content; a closed or unknown period in a stale button opens the default."""
    require(actor, Action.CHECK_IN)
    try:
        period = resolve_period(session, actor, settings, now, period_key)
    except MonitoringValidationError:
        period = default_period(session, actor, settings, now)
    existing = find_checkin(session, actor, period.key)
    goals = active_goals_of(session, actor)
    return CheckinForm(
        period=period,
        schedule=schedule_for(session, actor),
        goals=goals,
        # shown in the form only; a submission does not need them
        progress=progress_of(session, goals),
        confidence=_last_confidence(session, actor, [g.id for g in goals]),
        existing=existing,
        open_obstacles=[
            o
            for o in (existing.obstacles if existing else [])
            if o.status != ObstacleStatus.RESOLVED
        ],
    )


def find_checkin(session: Session, employee: Employee, period: str) -> Checkin | None:
    return session.scalar(
        select(Checkin)
        .where(Checkin.employee_id == employee.id, Checkin.period == period)
        .options(lazyload(Checkin.employee))  # it is `employee`, already loaded
    )


def _last_confidence(session: Session, employee: Employee, goal_ids: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(CheckinGoalUpdate.goal_id, CheckinGoalUpdate.confidence)
        .join(Checkin, Checkin.id == CheckinGoalUpdate.checkin_id)
        .where(Checkin.employee_id == employee.id, CheckinGoalUpdate.goal_id.in_(goal_ids))
        .order_by(Checkin.submitted_at, CheckinGoalUpdate.id)
    ).all()
    return dict(rows)
