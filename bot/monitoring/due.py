"""Who is due for a check-in prompt or reminder now, found zone by zone rather than person by
person.

Whether a prompt window is open depends only on a person's zone and their team's schedule, so
the tick first reads the distinct (time zone, team) pairs of the workspace with their head
counts — one aggregate, however many people — and works out for each pair whether a window
is open now. Only if one is does it read people, and then only those of the open pairs who are
still to be asked (no prompt row yet, no check-in) or reminded (a prompt row not yet reminded,
no check-in), each with what their prompt needs: locale, manager, zone. An idle minute is two
small statements; a due minute reads the due people once.

The head counts are also what sizes a fan-out's spread (bot/monitoring/spread.py): the people
of every pair whose prompt moment is the same instant share one workspace budget.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, false, func, null, or_, select
from sqlalchemy.orm import Session, aliased

from bot.clock import zone_of
from bot.config import Settings
from bot.monitoring.periods import (
    WORK_START,
    Moments,
    Period,
    moments,
    open_periods,
    within_working_hours,
)
from bot.monitoring.schedule import load_schedules
from bot.monitoring.spread import Spread, opens_at, spread_for
from storage.checkins import Checkin, CheckinPrompt
from storage.models import Employee

Pair = tuple[str | None, int | None]  # (employees.tz as stored, employees.org_team_id)


@dataclass(frozen=True)
class Window:
    """An open prompt or reminder window of one period for the people of one pair."""

    kind: str  # "prompt" or "reminder"
    pair: Pair
    zone: ZoneInfo
    at: Moments
    spread: Spread | None  # prompts only: the slots of the fan-out this window belongs to


@dataclass
class DuePerson:
    """What a prompt or reminder needs of one person (read as columns, not as an entity)."""

    id: int
    slack_id: str
    locale: str | None
    manager_id: int | None
    manager_slack_id: str | None
    manager_active: bool | None
    prompt_id: int | None  # reminders: the prompt row to claim
    window: Window


@lru_cache(maxsize=1024)
def _moments(period: Period, weekday: int, at: time, zone: ZoneInfo, country: str) -> Moments:
    return moments(period, weekday, at, zone, country)


def open_windows(session: Session, team_id: str, settings: Settings, now: datetime) -> list[Window]:
    """Every (pair, period) whose prompt or reminder window contains `now`."""
    schedules = load_schedules(session, team_id)
    pairs = session.execute(
        select(Employee.tz, Employee.org_team_id, func.count())
        .where(Employee.team_id == team_id, Employee.active.is_(True))
        .group_by(Employee.tz, Employee.org_team_id)
    ).all()
    candidates: list[tuple[Pair, ZoneInfo, Moments]] = []
    heads: dict[datetime, int] = defaultdict(int)
    for tz, org_team_id, count in pairs:
        zone = zone_of(tz, settings.default_tz)
        spec = schedules.for_team(org_team_id)
        today = now.astimezone(zone).date()
        for period in reversed(open_periods(spec.cadence, today)):
            at = _moments(period, spec.weekday, spec.at, zone, settings.holiday_country)
            heads[at.prompt_due] += count
            candidates.append(((tz, org_team_id), zone, at))
    windows: list[Window] = []
    for pair, zone, at in candidates:
        if not within_working_hours(now.astimezone(zone).time()):
            continue
        day_start = datetime.combine(at.prompt_day, WORK_START, tzinfo=zone).astimezone(UTC)
        spread = spread_for(
            at.prompt_due, heads[at.prompt_due], settings.slack_rate_per_second,
            day_start, at.prompt_until,
        )  # fmt: skip
        if opens_at(at.prompt_due, spread) <= now < at.prompt_until:
            windows.append(Window("prompt", pair, zone, at, spread))
        elif at.reminder_due <= now < at.reminder_until:
            windows.append(Window("reminder", pair, zone, at, None))
    return windows


def _of_pairs(pairs: Iterable[Pair]) -> ColumnElement[bool]:
    """SQL for "the person's (tz, team) is one of these", NULLs included."""
    by_tz: dict[str | None, set[int | None]] = defaultdict(set)
    for tz, org_team_id in pairs:
        by_tz[tz].add(org_team_id)
    clauses = []
    for tz, teams in by_tz.items():
        ids = sorted(t for t in teams if t is not None)
        team = or_(
            Employee.org_team_id.in_(ids) if ids else false(),
            Employee.org_team_id.is_(None) if None in teams else false(),
        )
        clauses.append(and_(Employee.tz.is_(None) if tz is None else Employee.tz == tz, team))
    return or_(*clauses)


def due_people(
    session: Session, team_id: str, windows: list[Window], now: datetime
) -> list[DuePerson]:
    """The people of the open windows still to be prompted or reminded, not away, by id."""
    groups: dict[tuple[str, str], dict[Pair, Window]] = defaultdict(dict)
    for window in windows:
        groups[(window.kind, window.at.period.key)][window.pair] = window
    manager = aliased(Employee)
    due: list[DuePerson] = []
    for (kind, key), by_pair in groups.items():
        answered = exists().where(Checkin.employee_id == Employee.id, Checkin.period == key)
        query = (
            select(
                Employee.id, Employee.slack_id, Employee.locale, Employee.tz,
                Employee.org_team_id, Employee.away_until, Employee.manager_id,
                manager.slack_id, manager.active,
            )  # fmt: skip
            .outerjoin(manager, manager.id == Employee.manager_id)
            .where(
                Employee.team_id == team_id,
                Employee.active.is_(True),
                _of_pairs(by_pair),
                ~answered,
            )
            .order_by(Employee.id)
        )
        if kind == "prompt":
            asked = exists().where(
                CheckinPrompt.employee_id == Employee.id, CheckinPrompt.period == key
            )
            query = query.add_columns(null()).where(~asked)
        else:
            query = query.add_columns(CheckinPrompt.id).join(
                CheckinPrompt,
                and_(
                    CheckinPrompt.employee_id == Employee.id,
                    CheckinPrompt.period == key,
                    CheckinPrompt.reminded_at.is_(None),
                ),
            )
        for row in session.execute(query):
            values: tuple[Any, ...] = tuple(row)
            (id_, slack_id, locale, tz, org_team_id, away_until, manager_id, manager_slack,
             manager_active, prompt_id) = values  # fmt: skip
            window = by_pair[(tz, org_team_id)]
            if _away(away_until, now.astimezone(window.zone).date()):
                continue
            due.append(
                DuePerson(
                    id_, slack_id, locale, manager_id, manager_slack, manager_active,
                    prompt_id, window,
                )  # fmt: skip
            )
    return sorted(due, key=lambda person: person.id)


def _away(away_until: date | None, today: date) -> bool:
    """`away until D` means away through D in the person's own zone."""
    return away_until is not None and today <= away_until
