"""What a person's Home shows about check-ins: this period, their open obstacles and, for a
manager, their team's open obstacles and the check-ins waiting for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import zone_of
from bot.config import Settings
from bot.monitoring.checkins import default_period
from bot.monitoring.obstacles import open_obstacles_of, team_open_obstacles
from bot.monitoring.periods import Period, moments
from bot.monitoring.schedule import schedule_for
from bot.permissions import Action, require
from storage.checkins import Checkin, Obstacle
from storage.models import Employee

HOME_LIMIT = 5


@dataclass(frozen=True)
class CheckinStatus:
    period: Period
    checkin: Checkin | None
    prompt_due: datetime
    zone: ZoneInfo
    away_until: date | None
    own_obstacles: list[Obstacle]
    team_obstacles: list[Obstacle]
    to_acknowledge: int
    # Not done, and the day it was asked for has passed in the person's zone (a person who
    # was away that day was not asked, so is not late).
    overdue: bool = False


def checkin_status(
    session: Session, employee: Employee, *, settings: Settings, now: datetime
) -> CheckinStatus:
    require(employee, Action.CHECK_IN)
    period = default_period(session, employee, settings, now)
    spec = schedule_for(session, employee)
    zone = zone_of(employee.tz, settings.default_tz)
    at = moments(period, spec.weekday, spec.at, zone, settings.holiday_country)
    checkin = session.scalar(
        select(Checkin).where(Checkin.employee_id == employee.id, Checkin.period == period.key)
    )
    waiting = session.scalar(
        select(func.count())
        .select_from(Checkin)
        .where(Checkin.manager_id == employee.id, Checkin.acknowledged_at.is_(None))
    )
    today = now.astimezone(zone).date()
    away = employee.away_until is not None and employee.away_until >= at.prompt_day
    return CheckinStatus(
        period=period,
        checkin=checkin,
        prompt_due=at.prompt_due,
        zone=zone,
        away_until=employee.away_until,
        own_obstacles=open_obstacles_of(session, employee, HOME_LIMIT + 1),
        team_obstacles=team_open_obstacles(session, employee, HOME_LIMIT + 1),
        to_acknowledge=waiting or 0,
        overdue=checkin is None and today > at.prompt_day and not away,
    )
