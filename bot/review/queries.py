"""Read side of reviews: a person's own, a manager's team's, the approved ones, and the one
HR means by "@person". Permission checks for reading one review are in get_review
(bot/review/reviews.py); these lists are the caller's own or their team's by construction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Employee
from storage.reviews import CycleStatus, Review, ReviewCycle, ReviewStatus

DONE = (ReviewStatus.APPROVED.value, ReviewStatus.ACKNOWLEDGED.value)


def reviews_of(session: Session, employee: Employee, limit: int = 10) -> list[Review]:
    """The employee's own reviews, newest cycle first."""
    return list(
        session.scalars(
            select(Review)
            .where(Review.team_id == employee.team_id, Review.employee_id == employee.id)
            .order_by(Review.cycle_id.desc())
            .limit(limit)
        ).unique()
    )


def open_review_of(session: Session, employee: Employee) -> Review | None:
    """The employee's review in their most recent open cycle (what HR means by "@eko")."""
    return session.scalars(
        select(Review)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .where(
            Review.team_id == employee.team_id,
            Review.employee_id == employee.id,
            ReviewCycle.status == CycleStatus.OPEN.value,
        )
        .order_by(Review.cycle_id.desc())
        .limit(1)
    ).first()


def team_reviews(session: Session, manager: Employee) -> list[Review]:
    """Reviews of open cycles in which this person is the manager of record."""
    return list(
        session.scalars(
            select(Review)
            .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
            .where(
                Review.team_id == manager.team_id,
                Review.manager_id == manager.id,
                ReviewCycle.status == CycleStatus.OPEN.value,
            )
            .order_by(Review.cycle_id.desc(), Review.id)
        ).unique()
    )


def approved_reviews_of(session: Session, employee: Employee) -> list[Review]:
    """Reviews the manager approved (acknowledged or not), newest first: the ground for the
    reward nominations that follow an approved review."""
    return list(
        session.scalars(
            select(Review)
            .where(
                Review.team_id == employee.team_id,
                Review.employee_id == employee.id,
                Review.status.in_(DONE),
            )
            .order_by(Review.approved_at.desc(), Review.id.desc())
        ).unique()
    )
