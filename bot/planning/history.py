"""The history of a goal: every change, who made it and when, with the values it replaced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.history import add_line, trail
from storage.goals import Goal, GoalEvent, GoalEventAction
from storage.models import Employee


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
    return add_line(
        session,
        GoalEvent,
        team_id=goal.team_id,
        goal_id=goal.id,
        actor=actor,
        action=action,
        at=at,
        detail=detail,
    )


def events_of(session: Session, goal: Goal) -> list[GoalEvent]:
    return trail(session, GoalEvent, GoalEvent.goal_id == goal.id)
