"""Check-in periods, working days and the moments a prompt or reminder is due.

Period keys are strings, stable across time zones and readable in the database:

- weekly: the ISO week, ``2026-W48`` (Monday to Sunday).
- biweekly: a two-week block, ``2026-B23``. Blocks are counted from a fixed Monday anchor,
  2024-01-01 (the Monday of ISO week 2024-W01), in steps of 14 days, so a block never depends on
  when an admin switched the cadence. The label is the calendar year of the block's first
  Monday and the block's ordinal among the blocks that start in that year (1..27).
- monthly: the calendar month, ``2026-11``.

The prompt day of a period is where the person is asked about it: the schedule's weekday in the
week (weekly), in the *second* week of the block (biweekly), or the last such weekday of the
month (monthly) — the end of the period, when there is something to report. A prompt day that is
a weekend or a public holiday of the configured country moves to the next working day, at the
same local time; the check-in still counts for the period of the scheduled day, even if the
moved day lies in the next period.

Open periods: the period containing the person's local today (``current``) and the one before it
(``previous``). Anything older is closed; anything newer is not open yet.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from storage.checkins import Cadence

BIWEEKLY_ANCHOR = date(2024, 1, 1)
WORK_START = time(9, 0)
WORK_END = time(18, 0)
# A prompt or reminder is sent late (missed ticks, a restart) at most this much after it was
# due, and never after WORK_END on its day: a person is not asked in the evening.
MAX_LATENESS = timedelta(hours=12)

_WEEKLY = re.compile(r"^(\d{4})-W(\d{2})$")
_BIWEEKLY = re.compile(r"^(\d{4})-B(\d{2})$")
_MONTHLY = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    cadence: Cadence
    start: date  # first day
    end: date  # last day, inclusive
    key: str

    def previous(self) -> Period:
        return period_containing(self.cadence, self.start - timedelta(days=1))

    def next(self) -> Period:
        return period_containing(self.cadence, self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_containing(cadence: Cadence | str, day: date) -> Period:
    cadence = Cadence(cadence)
    if cadence is Cadence.WEEKLY:
        start = day - timedelta(days=day.weekday())
        year, week, _ = start.isocalendar()
        return Period(cadence, start, start + timedelta(days=6), f"{year}-W{week:02d}")
    if cadence is Cadence.BIWEEKLY:
        index = (day - BIWEEKLY_ANCHOR).days // 14
        start = BIWEEKLY_ANCHOR + timedelta(days=14 * index)
        ordinal = index - _first_block_index(start.year) + 1
        return Period(cadence, start, start + timedelta(days=13), f"{start.year}-B{ordinal:02d}")
    first = day.replace(day=1)
    last = first.replace(day=monthrange(day.year, day.month)[1])
    return Period(cadence, first, last, f"{day.year}-{day.month:02d}")


def _first_block_index(year: int) -> int:
    """Index (from the anchor) of the first block whose Monday is in `year`."""
    return -((BIWEEKLY_ANCHOR - date(year, 1, 1)).days // 14)


def parse_period(key: str) -> Period:
    """The period a key names; ValueError for anything that is not a valid key."""
    if match := _WEEKLY.match(key):
        year, week = int(match[1]), int(match[2])
        monday = date.fromisocalendar(year, week, 1)  # raises for week 54, week 53 of 2025…
        return period_containing(Cadence.WEEKLY, monday)
    if match := _BIWEEKLY.match(key):
        year, ordinal = int(match[1]), int(match[2])
        if ordinal < 1:
            raise ValueError(key)
        start = BIWEEKLY_ANCHOR + timedelta(days=14 * (_first_block_index(year) + ordinal - 1))
        if start.year != year:
            raise ValueError(key)
        return period_containing(Cadence.BIWEEKLY, start)
    if match := _MONTHLY.match(key):
        return period_containing(Cadence.MONTHLY, date(int(match[1]), int(match[2]), 1))
    raise ValueError(key)


def scheduled_day(period: Period, weekday: int) -> date:
    """The day the schedule names within the period, before any move for a holiday."""
    if period.cadence is Cadence.WEEKLY:
        return period.start + timedelta(days=weekday)
    if period.cadence is Cadence.BIWEEKLY:
        return period.start + timedelta(days=7 + weekday)
    day = period.end
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    return day


@lru_cache(maxsize=256)
def _holidays_of(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_holiday(day: date, country: str) -> bool:
    return day in _holidays_of(country, day.year)


def is_working_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and not is_holiday(day, country)


def next_working_day(day: date, country: str) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, country):
        day += timedelta(days=1)
    return day


def parse_local_time(text: str) -> time:
    """ "HH:MM" (24 h); ValueError otherwise."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match:
        raise ValueError(text)
    return time(int(match[1]), int(match[2]))


def within_working_hours(local: time) -> bool:
    return WORK_START <= local < WORK_END


@dataclass(frozen=True)
class Moments:
    """When a person is asked about one period, as UTC instants and their local days."""

    period: Period
    prompt_day: date
    prompt_due: datetime
    prompt_until: datetime
    reminder_day: date
    reminder_due: datetime
    reminder_until: datetime


def moments(
    period: Period, weekday: int, local_time: time, zone: ZoneInfo, country: str
) -> Moments:
    """Prompt and reminder times of `period` in `zone`. Zoneinfo applies the zone's offset on
    that very date, so 15:00 in New York stays 15:00 across a daylight-saving change."""
    prompt_day = next_working_day(scheduled_day(period, weekday), country)
    reminder_day = next_working_day(prompt_day + timedelta(days=1), country)
    prompt_due, prompt_until = _window(prompt_day, local_time, zone)
    reminder_due, reminder_until = _window(reminder_day, local_time, zone)
    return Moments(
        period, prompt_day, prompt_due, prompt_until, reminder_day, reminder_due, reminder_until
    )


def _window(day: date, at: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    due = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
    end_of_day = datetime.combine(day, WORK_END, tzinfo=zone).astimezone(UTC)
    return due, min(due + MAX_LATENESS, end_of_day)


def open_periods(cadence: Cadence | str, today: date) -> tuple[Period, Period]:
    """(current, previous) for a person whose local date is `today`."""
    current = period_containing(cadence, today)
    return current, current.previous()


def period_state(period: Period, today: date) -> str:
    """ "open", "closed" (older than current and previous) or "future" (not open yet)."""
    current, previous = open_periods(period.cadence, today)
    if period.start > current.end:
        return "future"
    if period.end < previous.start:
        return "closed"
    return "open"
