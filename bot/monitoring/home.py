"""What a person's Home shows about check-ins, loaded in one go: this period, their open
obstacles and, for a manager, their team's open obstacles and the check-ins waiting for them.

The section is rendered (bot/blocks/monitoring_home.py) from the `CheckinStatus` alone, which
holds plain values, so rendering runs no query and works after the session is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import zone_of
from bot.config import Settings
from bot.monitoring.checkin_form import default_period
from bot.monitoring.obstacles import open_obstacles_of, team_open_obstacles
from bot.monitoring.periods import Period, moments
from bot.monitoring.schedule import schedule_for
from bot.monitoring.summary import ObstacleLine, obstacle_line
from bot.permissions import Action, require
from storage.checkins import Checkin
from storage.models import Employee

HOME_LIMIT = 5  # obstacles listed per part; one more is loaded to know there are more


@dataclass(frozen=True)
class CheckinStatus:
    period: Period
    checked_in_at: datetime | None  # this period's check-in, last saved; None: not done yet
    prompt_due: datetime
    zone: ZoneInfo
    away_until: date | None
    own_obstacles: list[ObstacleLine]
    team_obstacles: list[ObstacleLine]
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
    checked_in_at = session.scalar(
        select(Checkin.updated_at).where(
            Checkin.employee_id == employee.id, Checkin.period == period.key
        )
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
        checked_in_at=checked_in_at,
        prompt_due=at.prompt_due,
        zone=zone,
        away_until=employee.away_until,
        own_obstacles=[
            obstacle_line(o) for o in open_obstacles_of(session, employee, HOME_LIMIT + 1)
        ],
        team_obstacles=[
            obstacle_line(o) for o in team_open_obstacles(session, employee, HOME_LIMIT + 1)
        ],
        to_acknowledge=waiting or 0,
        overdue=checked_in_at is None and today > at.prompt_day and not away,
    )
