"""A check-in as its manager reads it: plain data the Block Kit builders render.

Built from the stored rows (not from the submitted form), so every re-render — after an
acknowledgement, an "I'll help", an edit — shows the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.monitoring.periods import Period, parse_period
from storage.checkins import Checkin, Obstacle
from storage.goals import Goal, KeyResult
from storage.models import Employee

_Row = TypeVar("_Row", Goal, KeyResult)


@dataclass(frozen=True)
class KeyResultChange:
    title: str
    kind: str
    unit: str
    target: float | None
    before: float | None
    after: float | None
    done_before: bool
    done_after: bool

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.done_before != self.done_after


@dataclass(frozen=True)
class GoalLine:
    goal_id: int
    title: str
    confidence: str
    progress_before: float
    progress_after: float
    changes: tuple[KeyResultChange, ...]


@dataclass(frozen=True)
class ObstacleLine:
    id: int
    text: str
    status: str
    employee_slack_id: str
    helper_slack_id: str | None
    opened_at: datetime


@dataclass(frozen=True)
class CheckinSummary:
    checkin_id: int
    employee_slack_id: str
    employee_name: str
    period: Period
    mood: int | None
    wins: str
    support: str
    plans: str
    goals: tuple[GoalLine, ...]
    obstacles: tuple[ObstacleLine, ...]
    edits: int
    submitted_at: datetime
    acknowledged_at: datetime | None


def obstacle_line(obstacle: Obstacle) -> ObstacleLine:
    return ObstacleLine(
        id=obstacle.id,
        text=obstacle.text,
        status=obstacle.status,
        employee_slack_id=obstacle.employee.slack_id,
        helper_slack_id=obstacle.helper.slack_id if obstacle.helper else None,
        opened_at=obstacle.opened_at,
    )


def _by_id(session: Session, model: type[_Row], ids: list[int]) -> dict[int, _Row]:
    """Rows by id. Those the session holds already come without a query: a check-in just
    saved holds every goal and key result it names, and its summary is rendered right away."""
    found: dict[int, _Row] = {}
    for row_id in ids:
        held = session.identity_map.get(Session.identity_key(model, row_id))
        if held is not None:
            found[row_id] = held
    missing = [row_id for row_id in ids if row_id not in found]
    if missing:
        found.update(
            (row.id, row) for row in session.scalars(select(model).where(model.id.in_(missing)))
        )
    return found


def summary_of(session: Session, checkin: Checkin) -> CheckinSummary:
    goals = _by_id(session, Goal, [update.goal_id for update in checkin.goal_updates])
    krs = _by_id(session, KeyResult, [update.key_result_id for update in checkin.kr_updates])
    changes: dict[int, list[KeyResultChange]] = {}
    for update in checkin.kr_updates:
        kr = krs.get(update.key_result_id)
        if kr is None:
            continue
        changes.setdefault(kr.goal_id, []).append(
            KeyResultChange(
                title=kr.title,
                kind=kr.kind,
                unit=kr.unit,
                target=kr.target_value,
                before=update.value_before,
                after=update.value_after,
                done_before=update.done_before,
                done_after=update.done_after,
            )
        )
    lines = tuple(
        GoalLine(
            goal_id=update.goal_id,
            title=goals[update.goal_id].title,
            confidence=update.confidence,
            progress_before=update.progress_before,
            progress_after=update.progress_after,
            changes=tuple(c for c in changes.get(update.goal_id, []) if c.changed),
        )
        for update in checkin.goal_updates
        if update.goal_id in goals
    )
    employee: Employee = checkin.employee
    return CheckinSummary(
        checkin_id=checkin.id,
        employee_slack_id=employee.slack_id,
        employee_name=employee.name,
        period=parse_period(checkin.period),
        mood=checkin.mood,
        wins=checkin.wins,
        support=checkin.support,
        plans=checkin.plans,
        goals=lines,
        obstacles=tuple(obstacle_line(o) for o in checkin.obstacles),
        edits=checkin.edits,
        submitted_at=checkin.submitted_at,
        acknowledged_at=checkin.acknowledged_at,
    )
