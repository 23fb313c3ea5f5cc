"""When a series' meetings are, and when their agendas open — as data, from the series alone.

A series names its first meeting's day (`starts_on`) and a time in the manager's zone; its
weekday is that day's. Occurrences follow from there:

- weekly: every 7 days; every two weeks: every 14 days;
- monthly: the same weekday in the same week of each month as the first meeting (the 2nd
  Tuesday…); a first meeting in the month's fifth week means the month's last such weekday.

An occurrence that falls on a weekend or a public holiday of the configured country moves to
the next working day, at the same time. When that move would reach the next occurrence (a
week of holidays), the occurrence is dropped: the pair meets at the next one.

The agenda of a meeting is due on the working day before it, at the meeting's time — "a
working day before" — and opens at the first tick in the manager's working hours from then
on (a series set up for tomorrow morning gets its agenda at once). The working-day and
working-hours rules are the check-ins' own (bot/monitoring/periods.py).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.monitoring.periods import (
    WORK_END,
    is_working_day,
    next_working_day,
    parse_local_time,
    within_working_hours,
)
from storage.checkins import Cadence

LAST = 5  # the ordinal of "the last such weekday of the month"
MAX_LOOKAHEAD = 60  # occurrences tried before giving up (a country of endless holidays)


class Cadenced(Protocol):
    """What a schedule needs of a series (the row, or a proposed change to it)."""

    @property
    def cadence(self) -> str: ...

    @property
    def starts_on(self) -> date: ...

    @property
    def local_time(self) -> str: ...

    @property
    def tz(self) -> str: ...


@dataclass(frozen=True)
class Plan:
    cadence: str
    starts_on: date
    local_time: str
    tz: str


@dataclass(frozen=True)
class Slot:
    """One meeting: the day the cadence names, the moment it is held, its agenda's moment."""

    occurs_on: date
    scheduled_at: datetime
    agenda_at: datetime


def week_ordinal(day: date) -> int:
    """1 for the month's first such weekday … 4; LAST for a fifth."""
    ordinal = (day.day - 1) // 7 + 1
    return LAST if ordinal >= LAST else ordinal


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date:
    days = calendar.monthrange(year, month)[1]
    if ordinal >= LAST:
        day = date(year, month, days)
        return day - timedelta(days=(day.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (ordinal - 1))


def occurrence_on_or_after(cadence: str, starts_on: date, day: date) -> date:
    """The first day the cadence names that is `day` or later (never before `starts_on`)."""
    if day <= starts_on:
        return starts_on
    chosen = Cadence(cadence)
    if chosen is not Cadence.MONTHLY:
        step = 7 if chosen is Cadence.WEEKLY else 14
        steps = -(-(day - starts_on).days // step)
        return starts_on + timedelta(days=steps * step)
    ordinal, weekday = week_ordinal(starts_on), starts_on.weekday()
    year, month = day.year, day.month
    while True:
        candidate = nth_weekday(year, month, weekday, ordinal)
        if candidate >= day:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def previous_working_day(day: date, country: str) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day, country):
        day -= timedelta(days=1)
    return day


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def slot_of(plan: Cadenced, occurs_on: date, country: str) -> Slot | None:
    """The meeting of one occurrence, or None when holidays push it into the next one."""
    held_on = next_working_day(occurs_on, country)
    following = occurrence_on_or_after(plan.cadence, plan.starts_on, occurs_on + timedelta(1))
    if held_on >= following:
        return None
    at = parse_local_time(plan.local_time)
    place = zone(plan.tz)
    scheduled = datetime.combine(held_on, at, tzinfo=place).astimezone(UTC)
    agenda_day = previous_working_day(held_on, country)
    agenda = datetime.combine(agenda_day, at, tzinfo=place).astimezone(UTC)
    return Slot(occurs_on, scheduled, agenda)


def next_slot(plan: Cadenced, after: date, country: str) -> Slot | None:
    """The first meeting whose occurrence is `after` or later; None only if holidays fill the
    next MAX_LOOKAHEAD occurrences."""
    day = occurrence_on_or_after(plan.cadence, plan.starts_on, after)
    for _ in range(MAX_LOOKAHEAD):
        found = slot_of(plan, day, country)
        if found is not None:
            return found
        day = occurrence_on_or_after(plan.cadence, plan.starts_on, day + timedelta(days=1))
    return None


def local_day(at: datetime, tz: str) -> date:
    return at.astimezone(zone(tz)).date()


def in_working_hours(now: datetime, tz: str, country: str) -> bool:
    """A working day and a working hour where the series is held (the manager's zone)."""
    local = now.astimezone(zone(tz))
    return is_working_day(local.date(), country) and within_working_hours(local.time())


def meeting_day_over(scheduled_at: datetime, now: datetime, tz: str) -> bool:
    """The meeting's working day has ended in its zone: an agenda not opened by then is not
    opened at all."""
    place = zone(tz)
    day = scheduled_at.astimezone(place).date()
    return now >= datetime.combine(day, WORK_END, tzinfo=place).astimezone(UTC)


def parse_time(text: str) -> time:
    return parse_local_time(text)
