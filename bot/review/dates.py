"""Calendar arithmetic for cycles: local days, working days and the moments they begin.

A cycle's dates are days in the cycle's zone (the organisation's); a reminder is sent in the
recipient's own zone, during working hours, on a working day of the configured country.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from bot.clock import zone_of

WORKDAY_START = time(9, 0)
WORKDAY_END = time(18, 0)
REMINDER_WORKING_DAYS = 2


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:  # an unknown country code: weekends only
        return frozenset()


def is_working_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def working_days_before(day: date, count: int, country: str) -> date:
    """The working day `count` working days before `day` (2 before a Friday is Wednesday)."""
    cursor = day
    left = count
    while left > 0:
        cursor -= timedelta(days=1)
        if is_working_day(cursor, country):
            left -= 1
    return cursor


def local_today(now: datetime, tz: str | None, fallback: str) -> date:
    return now.astimezone(zone_of(tz, fallback)).date()


def start_of(day: date, tz: str) -> datetime:
    """Midnight at the start of `day` in zone `tz`, as an aware datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=zone_of(tz, "UTC"))


def opening_moment(day: date, tz: str) -> datetime:
    """09:00 on the opening day in the organisation's zone."""
    return datetime.combine(day, WORKDAY_START, tzinfo=zone_of(tz, "UTC"))


def within_working_hours(now: datetime, tz: str | None, fallback: str, country: str) -> bool:
    local = now.astimezone(zone_of(tz, fallback))
    return is_working_day(local.date(), country) and WORKDAY_START <= local.time() < WORKDAY_END


def next_working_moment(now: datetime, tz: str | None, fallback: str) -> datetime:
    """`now` if it is within 09:00–18:00 on a weekday in the person's zone, else the next
    09:00 on a weekday there. (Public holidays are not considered: an invitation on one is
    harmless, and the person's country may not be the organisation's.)"""
    zone = zone_of(tz, fallback)
    local = now.astimezone(zone)
    if local.weekday() < 5 and WORKDAY_START <= local.time() < WORKDAY_END:
        return now
    day = local.date()
    if local.time() >= WORKDAY_START or local.weekday() >= 5:
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, WORKDAY_START, tzinfo=zone)
