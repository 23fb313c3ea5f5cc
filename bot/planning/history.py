"""The history of a goal: every change, who made it and when, with the values it replaced."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.goals import Goal, GoalEvent, GoalEventAction
from storage.models import Employee


def _plain(value: Any) -> Any:
    """JSON-safe values: dates as ISO strings, the rest as they are."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def record_event(
    session: Session,
    goal: Goal,
    actor: Employee | None,
    action: GoalEventAction,
    at: datetime,
    **detail: Any,
) -> GoalEvent:
    if goal.id is None:
        session.flush()
    event = GoalEvent(
        team_id=goal.team_id,
        goal_id=goal.id,
        actor_id=actor.id if actor is not None else None,
        at=at,
        action=action.value,
        detail=_plain(detail),
    )
    session.add(event)
    return event


def events_of(session: Session, goal: Goal) -> list[GoalEvent]:
    return list(
        session.scalars(
            select(GoalEvent)
            .where(GoalEvent.goal_id == goal.id)
            .order_by(GoalEvent.at, GoalEvent.id)
        )
    )
