"""Progress: computed from key results, rolled up from children by weight, never stored —
except for a goal with neither (a development goal without key results), whose owner sets it
by hand (`set_goal_progress`, stored as `Goal.manual_progress`).

Storing progress would need a second write on every key-result move, all the way up the
alignment chain, and would go stale the first time one was missed. Computing it is cheap: a
goal has at most five key results and a chain is a few levels deep.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, object_session

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

_ID_CHUNK = 500  # ids per query, well within every driver's limit on parameters


def key_result_progress(key_result: KeyResult) -> float:
    """0..1. A metric moves from start to target (either direction); a check is done or not."""
    return _kr_progress(
        key_result.kind,
        key_result.start_value,
        key_result.target_value,
        key_result.current_value,
        key_result.done,
    )


def _kr_progress(
    kind: str, start: float | None, target: float | None, current: float | None, done: bool
) -> float:
    if kind == KeyResultKind.CHECK:
        return 1.0 if done else 0.0
    if start is None or target is None or target == start:
        return 1.0 if done else 0.0
    current = current if current is not None else start
    return max(0.0, min(1.0, (current - start) / (target - start)))


def goal_progress(goal: Goal) -> float:
    """0..1. Completed is 1; a goal with live children rolls up from them by weight;
    otherwise the mean of its key results, or without any the progress set by hand (0 when
    nobody set it).

    A goal stored in a session is computed from its whole subtree read in two queries
    (progress_of): walking `goal.children` would lazy-load every goal under a company goal
    one by one — tens of thousands of queries in a large organisation. A goal whose children
    are loaded and empty (see `active_goals_of`) needs no query at all.
    """
    session = object_session(goal)
    if session is None or goal.id is None or _loaded_leaf(goal):
        return _progress(goal, frozenset())
    found = progress_of(session, [goal])
    return found[goal.id] if goal.id in found else _progress(goal, frozenset())


def _loaded_leaf(goal: Goal) -> bool:
    """Its children are loaded already and there are none: its key results decide alone."""
    return "children" not in inspect(goal).unloaded and not goal.children


def progress_of(
    session: Session, goals: Iterable[Goal], sizes: dict[int, int] | None = None
) -> dict[int, float]:
    """goal_progress of each goal (by id), reading the goals' subtrees in one recursive query
    and their key results by id — quicker on both databases than by a subquery — after
    flushing pending changes, so an update made in this transaction counts. The rules and the
    order of the sums are those of `_progress`."""
    roots = sorted({goal.id for goal in goals if goal.id is not None})
    if not roots:
        return {}
    tree = select(Goal.id).where(Goal.id.in_(roots)).cte("goal_tree", recursive=True)
    tree = tree.union(select(Goal.id).where(Goal.parent_id == tree.c.id))
    nodes: dict[int, tuple[int | None, str, float]] = {}
    manual: dict[int, float] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for goal_id, parent_id, status, weight, by_hand in session.execute(
        select(Goal.id, Goal.parent_id, Goal.status, Goal.weight, Goal.manual_progress)
        .where(Goal.id.in_(select(tree.c.id)))
        .order_by(Goal.id)
    ):
        nodes[goal_id] = (parent_id, status, weight)
        if by_hand is not None:
            manual[goal_id] = by_hand
    for goal_id, (parent_id, _, _) in nodes.items():
        if parent_id is not None and parent_id in nodes:
            children[parent_id].append(goal_id)
    own: dict[int, list[float]] = defaultdict(list)
    ids = sorted(nodes)
    for start in range(0, len(ids), _ID_CHUNK):  # ids, not a subquery: PostgreSQL plans it well
        for goal_id, kind, begin, target, current, done in session.execute(
            select(
                KeyResult.goal_id,
                KeyResult.kind,
                KeyResult.start_value,
                KeyResult.target_value,
                KeyResult.current_value,
                KeyResult.done,
            )
            .where(KeyResult.goal_id.in_(ids[start : start + _ID_CHUNK]))
            .order_by(KeyResult.goal_id, KeyResult.position, KeyResult.id)
        ):
            own[goal_id].append(_kr_progress(kind, begin, target, current, done))

    def walk(goal_id: int, seen: frozenset[int]) -> float:
        _, status, _ = nodes[goal_id]
        if status == GoalStatus.COMPLETED:
            return 1.0
        seen = seen | {goal_id}
        live = [
            child
            for child in children.get(goal_id, [])
            if nodes[child][1] != GoalStatus.ABANDONED and child not in seen
        ]
        if live:
            total = sum(nodes[child][2] for child in live)
            if total > 0:
                return sum(nodes[child][2] * walk(child, seen) for child in live) / total
        values = own.get(goal_id)
        return sum(values) / len(values) if values else manual.get(goal_id, 0.0)

    if sizes is not None:  # how many goals each root has under it, itself included
        for goal_id in roots:
            if goal_id in nodes:
                sizes[goal_id] = _subtree_size(goal_id, children)
    return {goal_id: walk(goal_id, frozenset()) for goal_id in roots if goal_id in nodes}


def _subtree_size(root: int, children: dict[int, list[int]]) -> int:
    seen, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)


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
        return goal.manual_progress or 0.0
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
    # By primary key: a key result already loaded (a check-in's form loads them all) costs no
    # query, and no autoflush that would split the check-in's inserts into single statements.
    key_result = session.get(KeyResult, key_result_id)
    if key_result is None or key_result.team_id != actor.team_id:
        raise GoalNotFound(key_result_id)
    if not can_view(actor, key_result.goal):
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


def sets_progress_by_hand(goal: Goal) -> bool:
    """Neither key results nor live goals aligned below: nothing computes its progress, so
    the owner sets it."""
    if goal.key_results:
        return False
    return not any(child.status != GoalStatus.ABANDONED for child in goal.children)


def set_goal_progress(
    session: Session, actor: Employee, goal_id: int, percent: float, *, now: datetime
) -> Goal:
    """The progress, in percent (0–100), of an active goal that has no key results and no
    goals aligned below it; recorded in the goal's history like a key result's move."""
    goal = session.get(Goal, goal_id)
    if goal is None or goal.team_id != actor.team_id or not can_view(actor, goal):
        raise GoalNotFound(goal_id)
    require_goal(actor, GoalAction.UPDATE_PROGRESS, goal)
    if goal.status != GoalStatus.ACTIVE:
        raise GoalConflict(f"planning.conflict.{goal.status}")
    if not sets_progress_by_hand(goal):
        raise GoalConflict("planning.conflict.progress_computed")
    if percent != percent or not 0 <= percent <= 100:
        raise ValidationError({"progress": "planning.error.percent"})
    before, after = goal.manual_progress, round(percent / 100, 4)
    if before != after:
        goal.manual_progress = after
        goal.updated_at = now
        record_event(session, goal, actor, GoalEventAction.PROGRESS, now, progress=[before, after])
    return goal


def may_update(actor: Employee, goal: Goal) -> bool:
    return goal.status == GoalStatus.ACTIVE and allowed(actor, GoalAction.UPDATE_PROGRESS, goal)
