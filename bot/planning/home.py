"""What the Planning section of the App Home shows, read in one place.

Every Home a person opens (and every Home republished after a change) is built from this, so
all of its queries run here: the renderer (bot/blocks/planning_home.py) gets goals whose
relationships it reads are already loaded, their progress already computed and the entries
of each goal's menu already checked against the rules, and it runs no query at all. Only what
the section shows is read: the first MAX_OWN goals of the person get their alignment chain
and progress, the rest are only counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.planning.progress import goal_progress
from bot.planning.queries import (
    alignment_chain,
    goals_owned_by,
    pending_approvals_for,
    team_goals,
)
from bot.planning.rollup import rollup_progress
from bot.planning.rules import GoalAction, allowed
from storage.goals import Goal, GoalLevel, GoalStatus
from storage.models import Employee

MAX_OWN = 12
MAX_WAITING = 8
MAX_TEAM = 6

# A goal's menu on the Home, by status: each entry and the right it needs, in menu order.
MENU: dict[str, tuple[tuple[str, GoalAction], ...]] = {
    GoalStatus.ACTIVE: (
        ("progress", GoalAction.UPDATE_PROGRESS),
        ("complete", GoalAction.COMPLETE),
        ("edit", GoalAction.EDIT),
        ("abandon", GoalAction.ABANDON),
    ),
    GoalStatus.DRAFT: (
        ("edit", GoalAction.EDIT),
        ("submit", GoalAction.SUBMIT),
        ("abandon", GoalAction.ABANDON),
    ),
    GoalStatus.PENDING_APPROVAL: (("edit", GoalAction.EDIT), ("abandon", GoalAction.ABANDON)),
    GoalStatus.COMPLETED: (("reopen", GoalAction.REOPEN),),
    GoalStatus.ABANDONED: (("reopen", GoalAction.REOPEN),),
}


@dataclass(frozen=True)
class OwnGoal:
    """One of the person's goals: its key results are loaded, `chain` is what it contributes
    to (nearest first, each one's team loaded), `menu` the entries they may use."""

    goal: Goal
    chain: tuple[Goal, ...]
    progress: float
    menu: tuple[str, ...]


@dataclass(frozen=True)
class SharedGoal:
    """A team or company goal the person's work contributes to, with its rolled-up progress."""

    goal: Goal
    progress: float


@dataclass(frozen=True)
class PlanningHome:
    """Everything the section shows. `own_count` and `waiting_count` count all of them; only
    the first MAX_OWN and MAX_WAITING are in `own` and `waiting` (a goal's owner is always
    loaded with it: storage/goals.py joins it)."""

    zone: str | None  # the person's time zone, for "overdue"
    own: tuple[OwnGoal, ...]
    own_count: int
    waiting: tuple[Goal, ...]
    waiting_count: int
    shared: tuple[SharedGoal, ...]


def planning_home(session: Session, employee: Employee) -> PlanningHome:
    mine = [g for g in goals_owned_by(session, employee) if g.status != GoalStatus.ABANDONED]
    own = tuple(_own(session, employee, goal) for goal in mine[:MAX_OWN])
    waiting = pending_approvals_for(session, employee)
    shared = team_goals(session, employee)[:MAX_TEAM]
    progress = rollup_progress(session, shared)  # one query for all
    return PlanningHome(
        zone=employee.tz,
        own=own,
        own_count=len(mine),
        waiting=tuple(waiting[:MAX_WAITING]),
        waiting_count=len(waiting),
        shared=tuple(SharedGoal(goal, progress.get(goal.id, 0.0)) for goal in shared),
    )


def _own(session: Session, employee: Employee, goal: Goal) -> OwnGoal:
    chain = alignment_chain(session, goal)
    for link in chain:
        if link.level == GoalLevel.TEAM:
            _ = link.org_team  # its name labels the link ("Team Sales: …")
    menu = tuple(
        name for name, action in MENU.get(goal.status, ()) if allowed(employee, action, goal)
    )
    return OwnGoal(goal, tuple(chain), goal_progress(goal), menu)
