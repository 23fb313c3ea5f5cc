"""Where a cycle stands, for HR (App Home, `/kinerja review`) and the weekly digest.

`cycle_progress` counts the reviews per state and lists the overdue ones; `overdue_reviews`
lists the overdue reviews of every open cycle of a workspace. A review is overdue when its
self-review is missing after the self-review due date, or when it is not yet approved after
the manager review due date (days in the cycle's zone). Acknowledgement has no due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.permissions import Action, require
from bot.review.cycles import get_cycle
from bot.review.dates import local_today
from storage.models import Employee
from storage.reviews import CycleStatus, Review, ReviewCycle, ReviewStatus

SELF_PENDING = (ReviewStatus.NOT_STARTED.value,)
MANAGER_PENDING = (ReviewStatus.SELF_SUBMITTED.value, ReviewStatus.MANAGER_SUBMITTED.value)


@dataclass(frozen=True)
class OverdueReview:
    review_id: int
    cycle_id: int
    cycle_name: str
    employee_slack_id: str
    employee_name: str
    manager_slack_id: str | None
    stage: str  # "self" (self-review missing) or "manager" (not approved yet)
    due: date


@dataclass(frozen=True)
class CycleProgress:
    cycle_id: int
    name: str
    status: str
    counts: dict[str, int]  # every ReviewStatus value, zero included
    overdue: list[OverdueReview]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def approved(self) -> int:
        """Approved, acknowledged or not: the manager's part is done."""
        return self.counts[ReviewStatus.APPROVED] + self.counts[ReviewStatus.ACKNOWLEDGED]


def _overdue_query(team_id: str) -> Any:
    """Overdue candidates with the names HR needs; the dates are compared per cycle zone."""
    employee, manager = aliased(Employee), aliased(Employee)
    return (
        select(
            Review.id,
            Review.status,
            ReviewCycle.id,
            ReviewCycle.name,
            ReviewCycle.self_due,
            ReviewCycle.manager_due,
            ReviewCycle.tz,
            employee.slack_id,
            employee.name,
            manager.slack_id,
        )
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .join(employee, employee.id == Review.employee_id)
        .outerjoin(manager, manager.id == Review.manager_id)
        .where(
            Review.team_id == team_id,
            ReviewCycle.status == CycleStatus.OPEN.value,
            Review.status.in_(SELF_PENDING + MANAGER_PENDING),
        )
        .order_by(ReviewCycle.id, employee.name, Review.id)
    )


def _overdue_rows(rows: list[tuple[Any, ...]], now: datetime) -> list[OverdueReview]:
    found: list[OverdueReview] = []
    for rid, status, cid, cname, self_due, manager_due, tz, eslack, ename, mslack in rows:
        today = local_today(now, tz, "UTC")
        if status in SELF_PENDING and today > self_due:
            stage, due = "self", self_due
        elif status in MANAGER_PENDING and today > manager_due:
            stage, due = "manager", manager_due
        else:
            continue
        found.append(OverdueReview(rid, cid, cname, eslack, ename, mslack, stage, due))
    return found


def overdue_reviews(session: Session, team_id: str, now: datetime) -> list[OverdueReview]:
    """Every overdue review of the workspace's open cycles, in one query (no permission
    check: for the scheduler and the digest, which only HR receives)."""
    return _overdue_rows([tuple(r) for r in session.execute(_overdue_query(team_id))], now)


def cycle_progress(
    session: Session, actor: Employee, cycle_id: int, *, now: datetime | None = None
) -> CycleProgress:
    """Counts per state and the overdue list of one cycle; HR and admins only."""
    require(actor, Action.VIEW_ALL_REVIEWS)
    now = now or datetime.now(UTC)
    cycle = get_cycle(session, actor.team_id, cycle_id)
    counts = dict.fromkeys((s.value for s in ReviewStatus), 0)
    for status, count in session.execute(
        select(Review.status, func.count(Review.id))
        .where(Review.cycle_id == cycle.id)
        .group_by(Review.status)
    ):
        counts[str(status)] = int(count)
    overdue: list[OverdueReview] = []
    if cycle.status == CycleStatus.OPEN:
        today = local_today(now, cycle.tz, "UTC")
        late = [
            Review.status.in_(pending)
            for pending, due in (
                (SELF_PENDING, cycle.self_due),
                (MANAGER_PENDING, cycle.manager_due),
            )
            if due < today
        ]
        if late:
            query = _overdue_query(actor.team_id).where(Review.cycle_id == cycle.id, or_(*late))
            overdue = _overdue_rows([tuple(r) for r in session.execute(query)], now)
    return CycleProgress(cycle.id, cycle.name, cycle.status, counts, overdue)
