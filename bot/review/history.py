"""The history of a review and its cycle: who did what and when, kept for HR and audits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Employee
from storage.reviews import Review, ReviewCycle, ReviewEvent, ReviewEventAction


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def record(
    session: Session,
    cycle: ReviewCycle,
    review: Review | None,
    actor: Employee | None,
    action: ReviewEventAction,
    at: datetime,
    **detail: Any,
) -> ReviewEvent:
    if cycle.id is None or (review is not None and review.id is None):
        session.flush()
    event = ReviewEvent(
        team_id=cycle.team_id,
        cycle_id=cycle.id,
        review_id=review.id if review is not None else None,
        actor_id=actor.id if actor is not None else None,
        at=at,
        action=action.value,
        detail=_plain(detail),
    )
    session.add(event)
    return event


def events_of(session: Session, review: Review) -> list[ReviewEvent]:
    return list(
        session.scalars(
            select(ReviewEvent)
            .where(ReviewEvent.review_id == review.id)
            .order_by(ReviewEvent.at, ReviewEvent.id)
        )
    )
