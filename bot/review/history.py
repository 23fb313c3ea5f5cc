"""The history of a review and its cycle: who did what and when, kept for HR and audits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.history import add_line, trail
from storage.models import Employee
from storage.reviews import Review, ReviewCycle, ReviewEvent, ReviewEventAction


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
    return add_line(
        session,
        ReviewEvent,
        team_id=cycle.team_id,
        cycle_id=cycle.id,
        review_id=review.id if review is not None else None,
        actor=actor,
        action=action,
        at=at,
        detail=detail,
    )


def events_of(session: Session, review: Review) -> list[ReviewEvent]:
    return trail(session, ReviewEvent, ReviewEvent.review_id == review.id)
