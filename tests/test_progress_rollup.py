"""The company goals on every App Home are rolled up by the database (bot/planning/rollup.py);
every other progress comes from goal_progress (bot/planning/progress.py). Two implementations of
one rule: on any tree of goals — any states, weights and key results — they agree."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.planning.progress import _progress, progress_of
from bot.planning.rollup import _compute
from storage.db import Database
from storage.goals import Goal, KeyResult
from tests.conftest import TEAM_ID
from tests.planning_fixtures import make_org
from tests.property_checks import FAST


@st.composite
def goal_trees(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A company goal and up to 14 goals under it, in any state, weight and key results."""
    nodes: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, 15))):
        krs = [
            draw(
                st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(["metric", "check"]),
                        "start_value": st.sampled_from([0.0, 10.0, None]),
                        "target_value": st.sampled_from([100.0, 0.0, 10.0, None]),
                        "current_value": st.sampled_from([None, 0.0, 5.0, 55.5, 150.0, -3.0]),
                        "done": st.booleans(),
                    }
                )
            )
            for _ in range(draw(st.integers(0, 3)))
        ]
        nodes.append(
            {
                "parent": draw(st.integers(0, index - 1)) if index else None,
                "status": draw(st.sampled_from(["active", "completed", "abandoned", "draft"])),
                "weight": draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
                "krs": krs,
            }
        )
    return nodes


@FAST
@given(tree=goal_trees())
def test_the_database_rollup_agrees_with_goal_progress(
    db: Database, workspace: str, clock: FixedClock, tree: list[dict[str, Any]]
) -> None:
    now = clock.now()
    with db.session(dry_run=True) as session:
        org = make_org(session, TEAM_ID, now)
        goals: list[Goal] = []
        for index, node in enumerate(tree):
            goal = Goal(
                team_id=TEAM_ID,
                owner_id=org.hr.id,
                level="company" if index == 0 else "team",
                title=f"G{index}",
                due_date=date(2026, 12, 31),
                parent_id=goals[node["parent"]].id if node["parent"] is not None else None,
                status=node["status"],
                weight=node["weight"],
                created_at=now,
                updated_at=now,
            )
            session.add(goal)
            session.flush()
            for position, kr in enumerate(node["krs"]):
                session.add(
                    KeyResult(
                        team_id=TEAM_ID,
                        goal_id=goal.id,
                        position=position,
                        title="k",
                        unit="",
                        updated_at=now,
                        **kr,
                    )
                )
            goals.append(goal)
        session.flush()
        session.expire_all()
        root = goals[0]
        exact = progress_of(session, [root])[root.id]
        assert _compute(session, [root])[root.id][0] == pytest.approx(exact, abs=1e-9)
        loaded = session.get(Goal, root.id)
        assert loaded is not None
        assert _progress(loaded, frozenset()) == pytest.approx(exact, abs=1e-12)
        assert 0.0 <= exact <= 1.0


def _company_goal_with_one_key_result(session: Any, now: Any) -> tuple[Goal, KeyResult]:
    org = make_org(session, TEAM_ID, now)
    goal = Goal(
        team_id=TEAM_ID,
        owner_id=org.hr.id,
        level="company",
        title="Company",
        due_date=date(2026, 12, 31),
        status="active",
        weight=1.0,
        created_at=now,
        updated_at=now,
    )
    session.add(goal)
    session.flush()
    kr = KeyResult(
        team_id=TEAM_ID,
        goal_id=goal.id,
        title="k",
        kind="metric",
        start_value=0.0,
        target_value=10.0,
        current_value=2.0,
        unit="",
        updated_at=now,
    )
    session.add(kr)
    session.flush()
    return goal, kr


def test_only_large_company_goals_are_kept_and_only_for_a_while(
    db: Database, workspace: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.planning import rollup

    with db.session(dry_run=True) as session:
        goal, kr = _company_goal_with_one_key_result(session, clock.now())
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.2}
        kr.current_value = 5.0  # a small goal is computed afresh every time
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.5}

        monkeypatch.setattr(rollup, "CACHE_FROM", 1)  # as if it had 1,000 goals under it
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.5}
        kr.current_value = 8.0
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.5}  # kept …
        later = rollup.time.monotonic() + rollup.CACHE_SECONDS + 1
        monkeypatch.setattr(rollup, "time", SimpleNamespace(monotonic=lambda: later))
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.8}  # … for a while


def test_a_large_team_goal_is_kept_for_a_while_and_a_small_one_never(
    db: Database, workspace: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.planning import rollup

    with db.session(dry_run=True) as session:
        goal, kr = _company_goal_with_one_key_result(session, clock.now())
        goal.level = "team"  # a team's goal with one key result: one goal in its tree
        session.flush()
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.2}
        kr.current_value = 5.0
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.5}  # small: afresh

        monkeypatch.setattr(rollup, "TEAM_CACHE_FROM", 1)  # as if 300 goals were under it
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.5}
        kr.current_value = 8.0
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.5}  # kept …
        later = rollup.time.monotonic() + rollup.CACHE_SECONDS + 1
        monkeypatch.setattr(rollup, "time", SimpleNamespace(monotonic=lambda: later))
        assert rollup.rollup_progress(session, [goal]) == {goal.id: 0.8}  # … for a while
