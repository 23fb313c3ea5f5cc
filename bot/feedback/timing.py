"""When feedback messages may reach people: working hours in each person's own zone.

A feedback DM is nothing urgent, so it waits for the recipient's working hours (DESIGN.md
principle 9); a reminder goes out on a working day during working hours, never while the
person is away.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from bot.clock import zone_of

WORKDAY_START = time(9, 0)
WORKDAY_END = time(18, 0)


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:  # an unknown country: weekends only
        return frozenset()


def is_working_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def next_working_moment(now: datetime, tz: str | None, fallback: str) -> datetime:
    """`now` within 09:00–18:00 on a weekday in the person's zone, else the next 09:00 of a
    weekday there (public holidays are not known per person; a DM on one is harmless)."""
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


def within_working_hours(now: datetime, tz: str | None, fallback: str, country: str) -> bool:
    local = now.astimezone(zone_of(tz, fallback))
    return is_working_day(local.date(), country) and WORKDAY_START <= local.time() < WORKDAY_END


def working_days_before(day: date, count: int, country: str) -> date:
    cursor, left = day, count
    while left > 0:
        cursor -= timedelta(days=1)
        if is_working_day(cursor, country):
            left -= 1
    return cursor


def local_day(now: datetime, tz: str | None, fallback: str) -> date:
    return now.astimezone(zone_of(tz, fallback)).date()


def end_of_day(day: date, tz: str) -> datetime:
    """The first moment after `day` in zone `tz`: a deadline "on" that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone_of(tz, "UTC"))
