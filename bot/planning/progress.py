"""Progress: computed from key results, rolled up from children by weight, never stored.

Storing progress would need a second write on every key-result move, all the way up the
alignment chain, and would go stale the first time one was missed. Computing it is cheap: a
goal has at most five key results and a chain is a few levels deep.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.planning.errors import GoalConflict, GoalNotFound, ValidationError
from bot.planning.history import record_event
from bot.planning.rules import GoalAction, allowed, can_view, require_goal
from storage.goals import (
    Goal,
    GoalEventAction,
    GoalStatus,
    KeyResult,
    KeyResultKind,
)
from storage.models import Employee


def key_result_progress(key_result: KeyResult) -> float:
    """0..1. A metric moves from start to target (either direction); a check is done or not."""
    if key_result.kind == KeyResultKind.CHECK:
        return 1.0 if key_result.done else 0.0
    start, target = key_result.start_value, key_result.target_value
    if start is None or target is None or target == start:
        return 1.0 if key_result.done else 0.0
    current = key_result.current_value if key_result.current_value is not None else start
    return max(0.0, min(1.0, (current - start) / (target - start)))


def goal_progress(goal: Goal) -> float:
    """0..1. Completed is 1; a goal with live children rolls up from them by weight;
    otherwise the mean of its key results (0 when it has none)."""
    return _progress(goal, frozenset())


def _progress(goal: Goal, seen: frozenset[int]) -> float:
    if goal.status == GoalStatus.COMPLETED:
        return 1.0
    seen = seen | {goal.id}
    children = [
        child
        for child in goal.children
        if child.status != GoalStatus.ABANDONED and child.id not in seen
    ]
    if children:
        total = sum(child.weight for child in children)
        if total > 0:
            return sum(child.weight * _progress(child, seen) for child in children) / total
    if not goal.key_results:
        return 0.0
    return sum(key_result_progress(kr) for kr in goal.key_results) / len(goal.key_results)


def update_key_result(
    session: Session,
    actor: Employee,
    key_result_id: int,
    *,
    value: float | None = None,
    done: bool | None = None,
    now: datetime,
    source: str = "manual",
) -> KeyResult:
    """Move one key result of an active goal; the history keeps the old and new values and
    where the update came from ("manual", "checkin", …)."""
    key_result = session.scalar(
        select(KeyResult).where(KeyResult.id == key_result_id, KeyResult.team_id == actor.team_id)
    )
    if key_result is None or not can_view(actor, key_result.goal):
        raise GoalNotFound(key_result_id)
    goal = key_result.goal
    require_goal(actor, GoalAction.UPDATE_PROGRESS, goal)
    if goal.status != GoalStatus.ACTIVE:
        raise GoalConflict(f"planning.conflict.{goal.status}")
    field = f"kr.{key_result.id}"
    if value is not None and (value != value or abs(value) >= 1e15):
        raise ValidationError({field: "planning.error.number"})
    before = {"value": key_result.current_value, "done": key_result.done}
    if key_result.kind == KeyResultKind.CHECK:
        # A check-in may report a check as 1/0; a metric's "done" means nothing.
        if done is None and value is not None:
            done = value >= 1
        if done is None:
            raise ValidationError({field: "planning.error.done_required"})
        key_result.done = done
    else:
        if value is None:
            raise ValidationError({field: "planning.error.number"})
        key_result.current_value = value
    after = {"value": key_result.current_value, "done": key_result.done}
    if before != after:
        key_result.updated_at = now
        goal.updated_at = now
        record_event(
            session,
            goal,
            actor,
            GoalEventAction.PROGRESS,
            now,
            key_result_id=key_result.id,
            title=key_result.title,
            value=[before["value"], after["value"]],
            done=[before["done"], after["done"]],
            source=source,
        )
    return key_result


def may_update(actor: Employee, goal: Goal) -> bool:
    return goal.status == GoalStatus.ACTIVE and allowed(actor, GoalAction.UPDATE_PROGRESS, goal)
