"""A manager's digest: their direct reports only — who checked in, open obstacles, goals at
risk, reviews due.

`manager_figures` builds the figures of every manager at once (or of the ones asked for) with a
fixed number of queries, each filtered to direct reports in SQL; a manager's figures are then
cut from those rows by manager id, so one manager's digest cannot contain another team's rows.
"Manager" means anyone active with at least one active direct report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session, aliased

from bot.clock import zone_of
from bot.monitoring.schedule import load_schedules
from bot.oneonone.counts import MeetingCounts, live_pairs, meeting_counts
from bot.reporting import queries
from bot.reporting.goals import GoalAtRisk, goals_at_risk
from bot.reporting.periods import ONE_ON_ONE_DAYS, ReportWindow, custom_plans, report_window
from bot.review.dates import local_today
from storage.checkins import Checkin, CheckinPrompt
from storage.models import Employee
from storage.reviews import CycleStatus, Review, ReviewCycle, ReviewStatus

# What a review waits for, by status, and which due date applies.
REVIEW_STAGES = {
    ReviewStatus.NOT_STARTED.value: ("self", "self_due"),
    ReviewStatus.SELF_SUBMITTED.value: ("manager", "manager_due"),
    ReviewStatus.MANAGER_SUBMITTED.value: ("approve", "manager_due"),
}


@dataclass(frozen=True)
class ReportStatus:
    employee_id: int
    slack_id: str
    name: str
    period: str
    status: str  # answered, late, waiting, not_prompted, away


@dataclass(frozen=True)
class TeamObstacle:
    obstacle_id: int
    employee_slack_id: str
    employee_name: str
    status: str
    days_open: int
    escalated: bool
    text: str


@dataclass(frozen=True)
class ReviewDue:
    review_id: int
    cycle_name: str
    employee_slack_id: str
    employee_name: str
    stage: str  # self (the employee's turn), manager (write yours), approve
    due: date
    overdue: bool


@dataclass
class ManagerFigures:
    manager_id: int
    slack_id: str
    name: str
    locale: str | None
    tz: str | None
    window: ReportWindow
    people: list[ReportStatus] = field(default_factory=list)
    obstacles: list[TeamObstacle] = field(default_factory=list)
    goals_at_risk: list[GoalAtRisk] = field(default_factory=list)
    reviews_due: list[ReviewDue] = field(default_factory=list)
    one_on_ones: MeetingCounts = field(default_factory=MeetingCounts)  # held, skipped (30 days)
    without_one_on_one: list[ReportStatus] = field(default_factory=list)  # reports with no series

    def with_status(self, *statuses: str) -> list[ReportStatus]:
        return [p for p in self.people if p.status in statuses]


def manager_figures(
    session: Session,
    team_id: str,
    *,
    now: datetime,
    org_tz: str,
    manager_ids: set[int] | None = None,
    goals: Sequence[GoalAtRisk] | None = None,
) -> dict[int, ManagerFigures]:
    """Figures per manager id (every manager, or those in `manager_ids`). `goals`: the
    organisation's goals at risk when already known (the HR digest's), not read again."""
    custom_plans(session)
    window = report_window(now, zone_of(None, org_tz), load_schedules(session, team_id))
    managers = _managers_and_reports(session, team_id, window, manager_ids)
    if not managers:
        return {}
    # Every manager: filter on "has a manager" in SQL rather than a list of thousands of ids.
    ids = set(managers) if manager_ids is not None else None
    report_to_manager = {p.employee_id: m for m, f in managers.items() for p in f.people}
    statuses = _checkin_statuses(session, team_id, window, ids)
    for figures in managers.values():
        figures.people = [
            ReportStatus(p.employee_id, p.slack_id, p.name, p.period, statuses.get(
                (p.employee_id, p.period), p.status))
            for p in figures.people
        ]  # fmt: skip
    for row in queries.open_obstacles(
        session, team_id, with_text=True, reports_only=True, manager_ids=ids
    ):
        manager_id = row.current_manager_id
        if manager_id in managers and report_to_manager.get(row.employee_id) == manager_id:
            managers[manager_id].obstacles.append(
                TeamObstacle(
                    row.obstacle_id,
                    row.employee_slack_id,
                    row.employee_name,
                    row.status,
                    window.days_since(row.opened_at),
                    row.escalated_at is not None,
                    row.text or "",
                )
            )
    if goals is None:
        narrow = manager_ids is not None  # a few managers: read only their reports' goals
        goals = goals_at_risk(session, team_id, window, set(report_to_manager), narrow=narrow)
    for goal in goals:
        if goal.owner_id in report_to_manager:
            managers[report_to_manager[goal.owner_id]].goals_at_risk.append(goal)
    for manager_id, due in _reviews_due(session, team_id, now, ids):
        managers[manager_id].reviews_due.append(due)
    _one_on_ones(session, team_id, now, managers, ids)
    return managers


def _one_on_ones(
    session: Session,
    team_id: str,
    now: datetime,
    managers: dict[int, ManagerFigures],
    manager_ids: set[int] | None,
) -> None:
    """1:1s held and skipped lately, and the reports without a series (counts, names)."""
    since, until = now - timedelta(days=ONE_ON_ONE_DAYS), now
    counted = meeting_counts(session, team_id, since, until, manager_ids)
    pairs = live_pairs(session, team_id, manager_ids)
    for manager_id, figures in managers.items():
        figures.one_on_ones = counted.get(manager_id, MeetingCounts())
        figures.without_one_on_one = [
            p for p in figures.people if (manager_id, p.employee_id) not in pairs
        ]


def _managers_and_reports(
    session: Session, team_id: str, window: ReportWindow, manager_ids: set[int] | None
) -> dict[int, ManagerFigures]:
    manager = aliased(Employee)
    query = (
        select(
            Employee.id,
            Employee.slack_id,
            Employee.name,
            Employee.org_team_id,
            Employee.away_until,
            manager.id,
            manager.slack_id,
            manager.name,
            manager.locale,
            manager.tz,
        )
        .join(manager, manager.id == Employee.manager_id)
        .where(
            Employee.team_id == team_id,
            Employee.active.is_(True),
            manager.active.is_(True),
        )
        .order_by(manager.id, Employee.name, Employee.id)
    )
    if manager_ids is not None:
        query = query.where(manager.id.in_(manager_ids))
    found: dict[int, ManagerFigures] = {}
    for (eid, slack_id, name, org_team_id, away, mid, mslack, mname, mlocale,
         mtz) in session.connection().execute(query):  # fmt: skip
        figures = found.setdefault(mid, ManagerFigures(mid, mslack, mname, mlocale, mtz, window))
        away_now = away is not None and away >= window.today
        period = window.current_of(org_team_id).key
        status = "away" if away_now else "not_prompted"
        figures.people.append(ReportStatus(eid, slack_id, name, period, status))
    return found


def _checkin_statuses(
    session: Session, team_id: str, window: ReportWindow, manager_ids: set[int] | None
) -> dict[tuple[int, str], str]:
    """(employee, period) → answered / late / waiting for the reports' current periods."""
    keys = window.current_keys
    reports = select(Employee.id).where(
        Employee.team_id == team_id, queries.of_managers(Employee.manager_id, manager_ids)
    )
    found: dict[tuple[int, str], str] = {}
    late = or_(CheckinPrompt.reminded_at.is_not(None), CheckinPrompt.reminder_due_at <= window.now)
    prompts = session.connection().execute(
        select(
            CheckinPrompt.employee_id,
            CheckinPrompt.period,
            case((late, "late"), else_="waiting"),  # decided in SQL: no dates to convert
        ).where(
            CheckinPrompt.team_id == team_id,
            CheckinPrompt.period.in_(keys),
            CheckinPrompt.employee_id.in_(reports),
        )
    )
    for employee_id, period, status in prompts:
        found[(employee_id, period)] = status
    answered = session.connection().execute(
        select(Checkin.employee_id, Checkin.period).where(
            Checkin.team_id == team_id,
            Checkin.period.in_(keys),
            Checkin.employee_id.in_(reports),
        )
    )
    for employee_id, period in answered:
        found[(employee_id, period)] = "answered"
    return found


def _reviews_due(
    session: Session, team_id: str, now: datetime, manager_ids: set[int] | None
) -> list[tuple[int, ReviewDue]]:
    employee = aliased(Employee)
    rows = session.connection().execute(
        select(
            Review.id,
            Review.status,
            Review.manager_id,
            employee.slack_id,
            employee.name,
            ReviewCycle.name,
            ReviewCycle.self_due,
            ReviewCycle.manager_due,
            ReviewCycle.tz,
        )
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(employee, employee.id == Review.employee_id)
        .where(
            Review.team_id == team_id,
            ReviewCycle.status == CycleStatus.OPEN.value,
            Review.status.in_(tuple(REVIEW_STAGES)),
            queries.of_managers(Review.manager_id, manager_ids),
        )
    )
    found: list[tuple[int, ReviewDue]] = []
    for rid, status, manager_id, slack_id, name, cycle, self_due, manager_due, tz in rows:
        stage, which = REVIEW_STAGES[status]
        due = self_due if which == "self_due" else manager_due
        item = ReviewDue(rid, cycle, slack_id, name, stage, due, local_today(now, tz, "UTC") > due)
        if manager_id is not None:
            found.append((manager_id, item))
    return sorted(found, key=lambda pair: (pair[1].due, pair[1].employee_name, pair[1].review_id))
