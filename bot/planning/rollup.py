"""Progress of the company goals shown on every App Home, rolled up by the database.

`goal_progress` walks a goal's whole subtree in Python. Under a company goal that is every goal
of the organisation (30,000 in a company of 10,000), read and walked again for each App Home
that shows the company's goals — about 0.3 s each, with a Home published after every check-in.

The same rule, unrolled: a goal's progress is the sum, over the goals where the walk stops
(completed ones count 1, those without live children count the mean of their key results), of
that goal's value times its share — the product, down the path, of each child's weight over
the total weight of its live siblings. A recursive query computes the shares and the sum in
one statement. Only the order of the floating-point operations differs from `goal_progress`,
so results are rounded to 12 decimals (progress is shown as whole percent).

Even in the database, a company goal of 30,000 goals takes about 0.1 s of CPU, paid again for
every Home published. So the result for a goal with at least CACHE_FROM goals where the walk
stops is kept for CACHE_SECONDS in this process: one check-in moves such a goal by a
thousandth at most (equal weights), not a whole percent, and the Home says nothing more
precise. A team's goal is walked in Python (quicker for a few hundred goals), and kept the same
way once it has TEAM_CACHE_FROM goals under it — a team of 100 with 3 goals each, whose goal
one person's check-in moves by a third of a percent at most — since every Home of the team
shows it. Smaller goals, and everything in the tests, are always computed afresh.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.planning.progress import progress_of
from storage.goals import Goal, GoalLevel, GoalStatus, KeyResult, KeyResultKind

MAX_DEPTH = 50  # alignment cannot loop (bot/planning/forms.py); this bounds it regardless
CACHE_FROM = 1000  # goals where the walk stops
TEAM_CACHE_FROM = 300  # goals under a team's goal
CACHE_SECONDS = 60.0
# Per database (its connection pool): goal id -> (monotonic time computed, progress).
_cache: weakref.WeakKeyDictionary[Any, dict[int, tuple[float, float]]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()
_ABANDONED = GoalStatus.ABANDONED.value
_COMPLETED = GoalStatus.COMPLETED.value


def _key_result_progress() -> ColumnElement[float]:
    """`key_result_progress` in SQL: a check is done or not; a metric moves start → target."""
    done = case((KeyResult.done.is_(True), 1.0), else_=0.0)
    start, target = KeyResult.start_value, KeyResult.target_value
    moved = (func.coalesce(KeyResult.current_value, start) - start) / (target - start)
    return case(
        (KeyResult.kind == KeyResultKind.CHECK.value, done),
        (or_(start.is_(None), target.is_(None), target == start), done),
        (moved < 0.0, 0.0),
        (moved > 1.0, 1.0),
        else_=moved,
    )


def rollup_progress(session: Session, goals: Iterable[Goal]) -> dict[int, float]:
    """goal_progress of each goal (by id). A company goal, with the organisation under it, is
    rolled up by the database; a team's goal is read and walked in Python. Either, when large,
    may be up to CACHE_SECONDS old (see the module docstring)."""
    everything = [goal for goal in goals if goal.id is not None]
    if not everything:
        return {}
    pool = session.get_bind().engine.pool  # one cache per database, shared by its sessions
    now = time.monotonic()
    found: dict[int, float] = {}
    with _cache_lock:
        known = _cache.setdefault(pool, {})
        found.update(
            (goal.id, known[goal.id][1])
            for goal in everything
            if goal.id in known and now - known[goal.id][0] < CACHE_SECONDS
        )
    missing = [goal for goal in everything if goal.id not in found]
    sizes: dict[int, int] = {}
    walked = progress_of(session, [g for g in missing if g.level != GoalLevel.COMPANY], sizes)
    chosen = [goal for goal in missing if goal.level == GoalLevel.COMPANY]
    computed = _compute(session, chosen) if chosen else {}
    with _cache_lock:
        for goal_id, value in walked.items():
            found[goal_id] = value
            if sizes.get(goal_id, 0) >= TEAM_CACHE_FROM:
                known[goal_id] = (now, value)
        for goal_id, (value, stops) in computed.items():
            found[goal_id] = value
            if stops >= CACHE_FROM:
                known[goal_id] = (now, value)
    return found


def _compute(session: Session, chosen: list[Goal]) -> dict[int, tuple[float, int]]:
    """goal id -> (progress, number of goals where the walk stopped)."""
    roots = sorted({goal.id for goal in chosen})
    child, sibling, grandchild, below = aliased(Goal), aliased(Goal), aliased(Goal), aliased(Goal)
    # The goals under the roots first, so the live weight of each one's children is summed
    # for that subtree only, not for the whole workspace.
    subtree = select(Goal.id).where(Goal.id.in_(roots)).cte("subtree", recursive=True)
    subtree = subtree.union(select(below.id).where(below.parent_id == subtree.c.id))
    totals = (
        select(sibling.parent_id.label("parent_id"), func.sum(sibling.weight).label("total"))
        .where(
            sibling.parent_id.in_(select(subtree.c.id)),
            sibling.status != _ABANDONED,
        )
        .group_by(sibling.parent_id)
        .cte("live_weight")
    )
    walk = (
        select(
            Goal.id.label("root"),
            Goal.id.label("id"),
            Goal.status.label("status"),
            cast(1.0, Float).label("share"),
            cast(0, Integer).label("depth"),
            Goal.manual_progress.label("manual"),
        )
        .where(Goal.id.in_(roots))
        .cte("walk", recursive=True)
    )
    walk = walk.union_all(
        select(
            walk.c.root,
            child.id,
            child.status,
            walk.c.share * child.weight / totals.c.total,
            walk.c.depth + 1,
            child.manual_progress,
        )
        .join(child, child.parent_id == walk.c.id)
        .join(totals, totals.c.parent_id == walk.c.id)
        .where(
            child.status != _ABANDONED,
            walk.c.status != _COMPLETED,
            walk.c.depth < MAX_DEPTH,
        )
    )
    own = (
        select(func.avg(_key_result_progress()))
        .where(KeyResult.goal_id == walk.c.id)
        .scalar_subquery()
    )
    has_live_child = exists().where(
        grandchild.parent_id == walk.c.id, grandchild.status != _ABANDONED
    )
    # Without key results, the progress set by hand (development goals), else 0.
    value = case((walk.c.status == _COMPLETED, 1.0), else_=func.coalesce(own, walk.c.manual, 0.0))
    rows = session.execute(
        select(walk.c.root, func.sum(walk.c.share * value), func.count())
        .where(or_(walk.c.status == _COMPLETED, ~has_live_child))
        .group_by(walk.c.root)
    )
    return {int(root): (round(float(total or 0.0), 12), int(stops)) for root, total, stops in rows}
