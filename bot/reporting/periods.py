"""Which periods a digest or report looks at, decided once from the clock and the schedules.

"This period" of a team is the latest period of the team's check-in cadence whose check-in day
(the schedule's weekday in it) has come in the organisation's zone: on a Monday morning with
Friday check-ins it is last week, on Friday afternoon it is this week. The trend is that period
and the seven before it. Teams on different cadences are compared period by period ("k periods
ago"), which is exact when they share one cadence, the usual case.

Recognition is counted over the seven days before the report, in the organisation's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.monitoring.periods import Period, period_containing, scheduled_day
from bot.monitoring.schedule import Schedules, ScheduleSpec
from storage.checkins import Cadence

TREND_PERIODS = 8
KUDOS_DAYS = 7
ONE_ON_ONE_DAYS = 30  # 1:1s held and skipped are counted over the last this many days


def latest_reported(spec: ScheduleSpec, today: date) -> Period:
    """The most recent period of `spec` whose check-in day is today or earlier."""
    current = period_containing(spec.cadence, today)
    if scheduled_day(current, spec.weekday) > today:
        return current.previous()
    return current


def trend(spec: ScheduleSpec, today: date, count: int = TREND_PERIODS) -> tuple[Period, ...]:
    """`count` periods, oldest first, ending with `latest_reported`."""
    periods = [latest_reported(spec, today)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return tuple(reversed(periods))


@dataclass(frozen=True)
class ReportWindow:
    """Everything time-dependent a report needs, computed once per report."""

    now: datetime
    zone: ZoneInfo
    today: date
    schedules: Schedules
    # Per cadence used by the organisation or a team: its trend periods, oldest first.
    trends: dict[Cadence, tuple[Period, ...]]
    kudos_since: datetime
    kudos_until: datetime

    @property
    def org_trend(self) -> tuple[Period, ...]:
        return self.trends[self.schedules.org.cadence]

    def trend_of(self, org_team_id: int | None) -> tuple[Period, ...]:
        return self.trends[self.schedules.for_team(org_team_id).cadence]

    def current_of(self, org_team_id: int | None) -> Period:
        return self.trend_of(org_team_id)[-1]

    @property
    def period_keys(self) -> list[str]:
        """Every period key in any trend (for `period IN (…)` filters)."""
        return sorted({p.key for periods in self.trends.values() for p in periods})

    @property
    def current_keys(self) -> list[str]:
        return sorted({periods[-1].key for periods in self.trends.values()})

    def index_of(self, org_team_id: int | None, period_key: str) -> int | None:
        """Position of a period in the team's trend (0 oldest … 7 latest), None outside it."""
        for index, period in enumerate(self.trend_of(org_team_id)):
            if period.key == period_key:
                return index
        return None

    def position(self, period_key: str) -> int | None:
        """Position of a period in the trend of its own cadence, None outside every trend."""
        for periods in self.trends.values():
            for index, period in enumerate(periods):
                if period.key == period_key:
                    return index
        return None

    def days_since(self, moment: datetime) -> int:
        return (self.today - moment.astimezone(self.zone).date()).days


def report_window(now: datetime, zone: ZoneInfo, schedules: Schedules) -> ReportWindow:
    today = now.astimezone(zone).date()
    specs = [schedules.org, *schedules.teams.values()]
    trends: dict[Cadence, tuple[Period, ...]] = {}
    for spec in specs:
        # Teams sharing a cadence but not a weekday: the organisation's weekday decides.
        if spec.cadence not in trends or spec is schedules.org:
            trends[spec.cadence] = trend(spec, today)
    midnight = datetime.combine(today, time(0), tzinfo=zone)
    return ReportWindow(
        now=now,
        zone=zone,
        today=today,
        schedules=schedules,
        trends=trends,
        kudos_since=midnight - timedelta(days=KUDOS_DAYS),
        kudos_until=midnight,
    )


def custom_plans(session: Session) -> None:
    """PostgreSQL: plan every reporting query for its actual values, in this transaction.

    psycopg prepares a statement after its fifth execution on a connection, and PostgreSQL
    then switches to a generic plan when it looks no dearer. For the goals query (grouped and
    DISTINCT ON subqueries over `period IN (…)`) the generic plan is a nested loop that took
    140 s instead of 0.3 s on a 10,000-person organisation (measured with bench/digest.py).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
