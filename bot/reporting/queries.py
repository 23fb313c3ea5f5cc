"""The grouped SQL queries behind the digests: one statement per figure, whatever the head count.

Every function here returns plain rows or counts and checks no permission; bot.reporting.figures
and bot.reporting.team decide who may see what. None of them selects review answers or check-in
answers: the only free text read is an obstacle's, and only for a manager's own team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, distinct, func, literal, null, select, union_all
from sqlalchemy.orm import Session, aliased

from bot.org.erasure_marks import not_erased
from bot.reporting.periods import ReportWindow
from storage.checkins import Checkin, CheckinGoalUpdate, CheckinPrompt, Obstacle, ObstacleStatus
from storage.kudos import CompanyValue, Kudos, KudosRecipient
from storage.models import Employee, Team
from storage.reviews import CycleStatus, Review, ReviewCycle
from storage.schema import metadata

UNRESOLVED = (ObstacleStatus.OPEN.value, ObstacleStatus.HELPING.value)
TOP_RECIPIENTS = 3
# Reward nominations (storage/nominations.py) arrived with issue 6; looked up through the
# metadata so the digest simply leaves the line out on a schema without them.
NOMINATIONS_TABLE = "nominations"
WAITING_FOR_HR = "pending"


@dataclass(frozen=True)
class ParticipationCell:
    org_team_id: int | None
    team_name: str | None
    period: str
    expected: int  # asked (prompted) or answered for the period
    answered: int
    mood_sum: int
    mood_count: int


def participation_cells(
    session: Session, team_id: str, periods: list[str]
) -> list[ParticipationCell]:
    """Per (team, period): who was asked or answered, who answered, and their moods.

    Someone answers without a prompt when they check in early; someone on leave is neither
    asked nor expected. Team is the person's team today. One statement of two grouped halves
    (prompts; check-ins with whether they were prompted), added up here: cheaper than a
    UNION of people and periods, which must be de-duplicated row by row.
    """
    zero = literal(0, Integer)
    prompts = (
        select(
            Employee.org_team_id.label("org_team_id"),
            CheckinPrompt.period.label("period"),
            func.count().label("prompted"),
            zero.label("answered"),
            zero.label("answered_prompted"),
            zero.label("mood_sum"),
            zero.label("mood_count"),
        )  # fmt: skip
        .join(Employee, Employee.id == CheckinPrompt.employee_id)
        .where(CheckinPrompt.team_id == team_id, CheckinPrompt.period.in_(periods))
        .group_by(Employee.org_team_id, CheckinPrompt.period)
    )
    answers = (
        select(
            Employee.org_team_id,
            Checkin.period,
            zero,
            func.count(Checkin.id),
            func.count(CheckinPrompt.id),
            func.coalesce(func.sum(Checkin.mood), 0),
            func.count(Checkin.mood),
        )
        .join(Employee, Employee.id == Checkin.employee_id)
        .outerjoin(
            CheckinPrompt,
            and_(
                CheckinPrompt.employee_id == Checkin.employee_id,
                CheckinPrompt.period == Checkin.period,
                # Redundant, but lets PostgreSQL read only these periods' prompts instead of
                # hashing a year of them.
                CheckinPrompt.team_id == team_id,
                CheckinPrompt.period.in_(periods),
            ),
        )
        .where(Checkin.team_id == team_id, Checkin.period.in_(periods))
        .group_by(Employee.org_team_id, Checkin.period)
    )
    # Team names joined once per group, outside the grouping (a string key costs per row).
    both = union_all(prompts, answers).subquery()
    named = select(both.c.org_team_id, Team.name, *list(both.c)[1:]).outerjoin(
        Team, Team.id == both.c.org_team_id
    )
    cells: dict[tuple[int | None, str | None, str], list[int]] = {}
    row: Any
    for row in session.connection().execute(named):
        total = cells.setdefault((row[0], row[1], row[2]), [0, 0, 0, 0, 0])
        for index, value in enumerate(row[3:]):
            total[index] += int(value or 0)
    return [
        ParticipationCell(team, name, period, prompted + answered - answered_prompted, answered,
                          mood_sum, mood_count)
        for (team, name, period), (prompted, answered, answered_prompted, mood_sum, mood_count)
        in cells.items()
    ]  # fmt: skip


def confidence_cells(
    session: Session, team_id: str, periods: list[str]
) -> list[tuple[str, str, int]]:
    """(period, confidence, goal ratings) from the check-ins of those periods. No team: a
    period's key already says its cadence, which is all the trend needs to place it."""
    rows = (
        session.connection()
        .execute(
            select(Checkin.period, CheckinGoalUpdate.confidence, func.count(CheckinGoalUpdate.id))
            .join(Checkin, Checkin.id == CheckinGoalUpdate.checkin_id)
            .where(Checkin.team_id == team_id, Checkin.period.in_(periods))
            .group_by(Checkin.period, CheckinGoalUpdate.confidence)
        )
        .all()
    )
    return [(p, c, int(n)) for p, c, n in rows]


@dataclass(frozen=True)
class ObstacleRow:
    obstacle_id: int
    status: str
    opened_at: datetime
    escalated_at: datetime | None
    employee_id: int
    employee_slack_id: str
    employee_name: str
    manager_slack_id: str | None
    manager_name: str | None
    current_manager_id: int | None
    text: str | None  # only when asked for (a manager's own team)


def open_obstacles(
    session: Session,
    team_id: str,
    *,
    with_text: bool = False,
    reports_only: bool = False,
    manager_ids: set[int] | None = None,
) -> list[ObstacleRow]:
    """Unresolved obstacles, oldest first; `reports_only`: those raised by a report of one of
    `manager_ids` (of any manager when None)."""
    raised_by, manager = aliased(Employee), aliased(Employee)
    query = (
        select(
            Obstacle.id,
            Obstacle.status,
            Obstacle.opened_at,
            Obstacle.escalated_at,
            raised_by.id,
            raised_by.slack_id,
            raised_by.name,
            manager.slack_id,
            manager.name,
            raised_by.manager_id,
            Obstacle.text if with_text else null(),
        )
        .join(raised_by, raised_by.id == Obstacle.employee_id)
        .outerjoin(manager, manager.id == Obstacle.manager_id)
        .where(Obstacle.team_id == team_id, Obstacle.status.in_(UNRESOLVED))
        .order_by(Obstacle.opened_at, Obstacle.id)
    )
    if reports_only:
        query = query.where(of_managers(raised_by.manager_id, manager_ids))
    return [ObstacleRow(*row) for row in session.connection().execute(query)]


def of_managers(column: Any, manager_ids: set[int] | None) -> Any:
    """`column` is one of these managers (every manager when None: anyone's report)."""
    return column.is_not(None) if manager_ids is None else column.in_(manager_ids)


def cycle_counts(
    session: Session, team_id: str
) -> list[tuple[int, str, Any, Any, str, str | None, int]]:
    """(cycle id, name, self due, manager due, zone, review status, reviews) of open cycles."""
    rows = (
        session.connection()
        .execute(
            select(
                ReviewCycle.id,
                ReviewCycle.name,
                ReviewCycle.self_due,
                ReviewCycle.manager_due,
                ReviewCycle.tz,
                Review.status,
                func.count(Review.id),
            )
            .outerjoin(Review, Review.cycle_id == ReviewCycle.id)
            .where(ReviewCycle.team_id == team_id, ReviewCycle.status == CycleStatus.OPEN.value)
            .group_by(
                ReviewCycle.id,
                ReviewCycle.name,
                ReviewCycle.self_due,
                ReviewCycle.manager_due,
                ReviewCycle.tz,
                Review.status,
            )
            .order_by(ReviewCycle.id)
        )
        .all()
    )
    return [(c, n, s, m, tz, st, int(k)) for c, n, s, m, tz, st, k in rows]


@dataclass(frozen=True)
class RecognitionRows:
    kudos: int
    givers: int
    recipients: int
    by_value: list[tuple[str | None, str | None, str | None, str, int]]  # key, en, id, emoji, n
    top: list[tuple[str, str, int]]  # (slack id, name, kudos received)


def recognition(
    session: Session, team_id: str, window: ReportWindow, employee_ids: set[int] | None = None
) -> RecognitionRows:
    """Kudos given in the window: totals, per value, and the people most recognised."""
    period: list[Any] = [
        Kudos.team_id == team_id,
        Kudos.created_at >= window.kudos_since,
        Kudos.created_at < window.kudos_until,
    ]
    if employee_ids is not None:
        period.append(KudosRecipient.employee_id.in_(employee_ids))
    kudos, givers, recipients = (
        session.connection()
        .execute(
            select(
                func.count(distinct(Kudos.id)),
                func.count(distinct(Kudos.giver_id)),
                func.count(distinct(KudosRecipient.employee_id)),
            )
            .select_from(Kudos)
            .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
            .where(*period)
        )
        .one()
    )
    count = func.count(distinct(Kudos.id))
    by_value = (
        session.connection()
        .execute(
            select(
                CompanyValue.key,
                CompanyValue.name_en,
                CompanyValue.name_id,
                func.coalesce(CompanyValue.emoji, ""),
                count,
            )
            .select_from(Kudos)
            .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
            .outerjoin(CompanyValue, CompanyValue.id == Kudos.value_id)
            .where(*period)
            .group_by(
                CompanyValue.key, CompanyValue.name_en, CompanyValue.name_id, CompanyValue.emoji
            )
        )
        .all()
    )
    received = func.count(Kudos.id)
    top = (
        session.connection()
        .execute(
            select(Employee.slack_id, Employee.name, received)
            .select_from(KudosRecipient)
            .join(Kudos, Kudos.id == KudosRecipient.kudos_id)
            .join(Employee, Employee.id == KudosRecipient.employee_id)
            .where(*period, not_erased(Employee.slack_id))
            .group_by(Employee.slack_id, Employee.name)
            .order_by(received.desc(), Employee.name, Employee.slack_id)
            .limit(TOP_RECIPIENTS)
        )
        .all()
    )
    values: list[tuple[str | None, str | None, str | None, str, int]] = sorted(
        ((k, en, id_, e, int(n)) for k, en, id_, e, n in by_value),
        key=lambda v: (-v[4], v[0] is None, v[0] or ""),
    )
    return RecognitionRows(
        int(kudos or 0),
        int(givers or 0),
        int(recipients or 0),
        values,
        [(s, n, int(c)) for s, n, c in top],
    )


def nominations_waiting(session: Session, team_id: str) -> int | None:
    """Reward nominations HR has not decided yet; None when the schema has no nominations."""
    table = metadata.tables.get(NOMINATIONS_TABLE)
    if table is None:
        return None
    count = (
        session.connection()
        .execute(
            select(func.count())
            .select_from(table)
            .where(table.c.team_id == team_id, table.c.status == WAITING_FOR_HR)
        )
        .scalar_one()
    )
    return int(count)
