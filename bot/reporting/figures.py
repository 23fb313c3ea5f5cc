"""The HR digest's figures: how the whole loop is going, without reading any check-in.

`hr_figures` builds them with a fixed number of grouped queries (about a dozen, whatever the
head count): participation and mood per team and period, goal confidence per period, goals at
risk, open obstacles by age (escalated ones named), review-cycle progress, recognition,
reward nominations waiting for HR, and feedback given and asked for per team. It holds counts
and names only: no review text, no check-in answer and no feedback ever reaches it, so
whatever renders it cannot leak them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.clock import zone_of
from bot.feedback.figures import FeedbackFigures, feedback_figures
from bot.monitoring.periods import Period
from bot.monitoring.schedule import load_schedules
from bot.oneonone.counts import ManagerOneOnOnes, per_manager
from bot.reporting import queries
from bot.reporting.goals import GoalAtRisk, goals_at_risk
from bot.reporting.periods import ONE_ON_ONE_DAYS, ReportWindow, custom_plans, report_window
from bot.review.dates import local_today
from bot.review.progress import MANAGER_PENDING, SELF_PENDING
from storage.checkins import Confidence
from storage.reviews import ReviewStatus

# Obstacle age buckets: (key, from days inclusive); each runs to the next one's start.
AGE_BUCKETS: tuple[tuple[str, int], ...] = (
    ("week", 0),
    ("two_weeks", 7),
    ("month", 14),
    ("older", 30),
)


@dataclass(frozen=True)
class PeriodPoint:
    key: str
    end: date
    expected: int = 0
    answered: int = 0
    mood_sum: int = 0
    mood_count: int = 0

    @property
    def participation(self) -> float | None:
        return self.answered / self.expected if self.expected else None

    @property
    def mood(self) -> float | None:
        return self.mood_sum / self.mood_count if self.mood_count else None

    def plus(self, other: PeriodPoint) -> PeriodPoint:
        return PeriodPoint(
            self.key,
            self.end,
            self.expected + other.expected,
            self.answered + other.answered,
            self.mood_sum + other.mood_sum,
            self.mood_count + other.mood_count,
        )


@dataclass(frozen=True)
class TeamTrend:
    org_team_id: int | None
    name: str | None  # None: people in no team (or, for the total, the whole organisation)
    points: tuple[PeriodPoint, ...]  # oldest first

    @property
    def current(self) -> PeriodPoint:
        return self.points[-1]


@dataclass(frozen=True)
class ConfidencePoint:
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0

    @property
    def total(self) -> int:
        return self.on_track + self.at_risk + self.off_track

    @property
    def on_track_share(self) -> float | None:
        return self.on_track / self.total if self.total else None


@dataclass(frozen=True)
class NamedObstacle:
    obstacle_id: int
    employee_slack_id: str
    employee_name: str
    manager_slack_id: str | None
    manager_name: str | None
    status: str
    days_open: int


@dataclass(frozen=True)
class ObstacleSummary:
    open_total: int
    by_age: dict[str, int]  # AGE_BUCKETS keys, in order
    escalated: tuple[NamedObstacle, ...]  # oldest first


@dataclass(frozen=True)
class CycleFigures:
    cycle_id: int
    name: str
    self_due: date
    manager_due: date
    counts: dict[str, int]  # every ReviewStatus value
    overdue_self: int
    overdue_manager: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class DigestFigures:
    team_id: str
    window: ReportWindow
    teams: tuple[TeamTrend, ...]  # by name, "no team" last
    organisation: TeamTrend
    confidence: tuple[ConfidencePoint, ...]  # oldest first, aligned with the trend
    goals_at_risk: tuple[GoalAtRisk, ...]  # worst first
    obstacles: ObstacleSummary
    cycles: tuple[CycleFigures, ...]
    recognition: queries.RecognitionRows
    nominations_waiting: int | None  # None: nominations do not exist yet
    feedback: FeedbackFigures | None = None  # counts per team, never content (bot/feedback)
    one_on_ones: tuple[ManagerOneOnOnes, ...] = ()  # 1:1s held and skipped, per manager

    @property
    def period(self) -> Period:
        """The period the digest reports on: the organisation's latest whose check-in day has
        come. Every title, chart and report names this one period (never the sending week)."""
        return self.window.org_trend[-1]


def hr_figures(session: Session, team_id: str, *, now: datetime, org_tz: str) -> DigestFigures:
    """Everything the HR digest shows (no permission check: the caller is HR or the scheduler)."""
    custom_plans(session)
    window = report_window(now, zone_of(None, org_tz), load_schedules(session, team_id))
    keys = window.period_keys
    teams = team_trends(window, queries.participation_cells(session, team_id, keys))
    return DigestFigures(
        team_id=team_id,
        window=window,
        teams=teams,
        organisation=organisation_trend(window, teams),
        confidence=confidence_trend(window, queries.confidence_cells(session, team_id, keys)),
        goals_at_risk=tuple(goals_at_risk(session, team_id, window)),
        obstacles=obstacle_summary(window, queries.open_obstacles(session, team_id)),
        cycles=cycle_figures(now, queries.cycle_counts(session, team_id)),
        recognition=queries.recognition(session, team_id, window),
        nominations_waiting=queries.nominations_waiting(session, team_id),
        feedback=feedback_figures(session, team_id, now=now),
        one_on_ones=tuple(
            per_manager(session, team_id, now - timedelta(days=ONE_ON_ONE_DAYS), now)
        ),
    )


def team_trends(
    window: ReportWindow, cells: list[queries.ParticipationCell]
) -> tuple[TeamTrend, ...]:
    """One trend per team that was asked anything in the window, aligned on its cadence."""
    names: dict[int | None, str | None] = {}
    found: dict[tuple[int | None, str], queries.ParticipationCell] = {}
    for cell in cells:
        if window.index_of(cell.org_team_id, cell.period) is None:
            continue  # a period of another cadence (the team changed its schedule)
        names[cell.org_team_id] = cell.team_name
        found[(cell.org_team_id, cell.period)] = cell
    trends = []
    for org_team_id, name in names.items():
        points = []
        for period in window.trend_of(org_team_id):
            point = PeriodPoint(period.key, period.end)
            if (org_team_id, period.key) in found:
                cell = found[(org_team_id, period.key)]
                point = PeriodPoint(
                    period.key,
                    period.end,
                    cell.expected,
                    cell.answered,
                    cell.mood_sum,
                    cell.mood_count,
                )
            points.append(point)
        trends.append(TeamTrend(org_team_id, name, tuple(points)))
    trends.sort(key=lambda t: (t.name is None, (t.name or "").casefold(), t.org_team_id or 0))
    return tuple(trends)


def organisation_trend(window: ReportWindow, teams: tuple[TeamTrend, ...]) -> TeamTrend:
    """All teams added up, period by period (k periods ago), labelled with the org's periods."""
    points = [PeriodPoint(p.key, p.end) for p in window.org_trend]
    for team in teams:
        for index, point in enumerate(team.points):
            points[index] = points[index].plus(point)
    return TeamTrend(None, None, tuple(points))


def confidence_trend(
    window: ReportWindow, cells: list[tuple[str, str, int]]
) -> tuple[ConfidencePoint, ...]:
    counts: list[dict[str, int]] = [defaultdict(int) for _ in window.org_trend]
    for period, confidence, count in cells:
        index = window.position(period)
        if index is not None:
            counts[index][confidence] += count
    return tuple(
        ConfidencePoint(
            c[Confidence.ON_TRACK.value], c[Confidence.AT_RISK.value], c[Confidence.OFF_TRACK.value]
        )
        for c in counts
    )


def age_bucket(days: int) -> str:
    chosen = AGE_BUCKETS[0][0]
    for key, start in AGE_BUCKETS:
        if days >= start:
            chosen = key
    return chosen


def obstacle_summary(window: ReportWindow, rows: list[queries.ObstacleRow]) -> ObstacleSummary:
    by_age = {key: 0 for key, _ in AGE_BUCKETS}
    escalated = []
    for row in rows:
        days = window.days_since(row.opened_at)
        by_age[age_bucket(days)] += 1
        if row.escalated_at is not None:
            escalated.append(
                NamedObstacle(
                    row.obstacle_id,
                    row.employee_slack_id,
                    row.employee_name,
                    row.manager_slack_id,
                    row.manager_name,
                    row.status,
                    days,
                )
            )
    return ObstacleSummary(len(rows), by_age, tuple(escalated))


def cycle_figures(
    now: datetime, rows: list[tuple[int, str, date, date, str, str | None, int]]
) -> tuple[CycleFigures, ...]:
    cycles: dict[int, tuple[str, date, date, str, dict[str, int]]] = {}
    for cycle_id, name, self_due, manager_due, tz, status, count in rows:
        entry = cycles.setdefault(
            cycle_id,
            (name, self_due, manager_due, tz, dict.fromkeys((s.value for s in ReviewStatus), 0)),
        )
        if status is not None:
            entry[4][status] = entry[4].get(status, 0) + count
    found = []
    for cycle_id, (name, self_due, manager_due, tz, counts) in cycles.items():
        today = local_today(now, tz, "UTC")
        overdue_self = sum(counts[s] for s in SELF_PENDING) if today > self_due else 0
        overdue_manager = sum(counts[s] for s in MANAGER_PENDING) if today > manager_due else 0
        found.append(
            CycleFigures(
                cycle_id, name, self_due, manager_due, counts, overdue_self, overdue_manager
            )
        )
    return tuple(found)
