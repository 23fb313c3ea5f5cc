"""Read side of planning: which goals a person sees, owns, approves, or may align to."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload, selectinload

from bot.permissions import Action, can
from bot.planning.errors import GoalNotFound
from bot.planning.forms import PARENT_LEVELS, clean_text
from bot.planning.rules import (
    GoalAction,
    allowed,
    can_approve,
    can_view,
    has_manager,
    is_manager_of,
    visible_clause,
)
from storage.goals import Goal, GoalLevel, GoalStatus
from storage.models import Employee

OPEN_STATUSES = (GoalStatus.DRAFT.value, GoalStatus.PENDING_APPROVAL.value, GoalStatus.ACTIVE.value)
_ORDER = (Goal.due_date, Goal.id)


def get_goal(session: Session, actor: Employee, goal_id: int) -> Goal:
    """The goal if the actor may see it; otherwise GoalNotFound, whether it exists or not."""
    goal = session.scalar(select(Goal).where(Goal.id == goal_id, Goal.team_id == actor.team_id))
    if goal is None or not can_view(actor, goal):
        raise GoalNotFound(goal_id)
    return goal


def active_goals_of(session: Session, employee: Employee) -> list[Goal]:
    """The employee's own active goals, soonest due first (what a check-in asks about).

    Children come loaded too, so the progress of a goal without any is computed without a
    query (a check-in computes each goal's progress before and after it)."""
    return list(
        session.scalars(
            select(Goal)
            .where(
                Goal.team_id == employee.team_id,
                Goal.owner_id == employee.id,
                Goal.status == GoalStatus.ACTIVE.value,
            )
            .options(
                selectinload(Goal.key_results),
                selectinload(Goal.children),
                lazyload(Goal.owner),  # it is `employee`, already loaded
            )
            .order_by(*_ORDER)
        )
    )


def visible_goals(session: Session, actor: Employee) -> list[Goal]:
    """Every goal the actor may see: own, reports', escalated to HR, all team and company."""
    return list(session.scalars(select(Goal).where(visible_clause(actor)).order_by(*_ORDER)))


def goals_owned_by(
    session: Session, employee: Employee, statuses: tuple[str, ...] | None = None
) -> list[Goal]:
    """Personal goals of the employee plus the team and company goals they created (with
    their key results and children loaded, for computing their progress)."""
    query = select(Goal).where(Goal.team_id == employee.team_id, Goal.owner_id == employee.id)
    if statuses is not None:
        query = query.where(Goal.status.in_(statuses))
    loaded = query.options(selectinload(Goal.key_results), selectinload(Goal.children))
    goals = list(session.scalars(loaded.order_by(*_ORDER)))
    rank = {s: i for i, s in enumerate(OPEN_STATUSES + (GoalStatus.COMPLETED.value,))}
    return sorted(goals, key=lambda g: rank.get(g.status, len(rank)))


def pending_approvals_for(session: Session, actor: Employee) -> list[Goal]:
    """Personal goals waiting for this person's agreement (reports', or escalated to HR).

    Asked on every App Home. Someone who may agree only as a manager of record (not admin,
    not HR) is looked for among their direct reports' goals alone: for most people that is
    nobody's, known from one look-up by index instead of reading every pending goal they may
    see."""
    pending = (Goal.team_id == actor.team_id) & (Goal.status == GoalStatus.PENDING_APPROVAL.value)
    if can(actor, Action.APPROVE_ANY_GOAL) or can(actor, Action.APPROVE_UNMANAGED_GOAL):
        query = select(Goal).where(
            pending,
            Goal.level == GoalLevel.PERSONAL.value,
            Goal.owner_id != actor.id,
            visible_clause(actor),
        )
    else:  # a manager sees their reports' goals: `can_approve` below checks it again
        # Their ids first, as a list, and the level tested here rather than in the query:
        # otherwise SQLite chose to read every pending goal of the workspace by level and
        # test each owner (3 ms with 30,000 goals) instead of each report's by owner.
        reports = list(
            session.scalars(
                select(Employee.id).where(
                    Employee.team_id == actor.team_id, Employee.manager_id == actor.id
                )
            )
        )
        if not reports:
            return []  # most people
        query = select(Goal).where(pending, Goal.owner_id.in_(reports))
    candidates = session.scalars(query.order_by(Goal.updated_at, Goal.id))
    return [
        goal
        for goal in candidates
        if goal.level == GoalLevel.PERSONAL.value
        and can_approve(actor, goal)
        and _is_theirs(actor, goal)
    ]


def _is_theirs(actor: Employee, goal: Goal) -> bool:
    """An admin may approve anything, but their queue shows only what was sent to them or
    what nobody's manager can agree (HR share those) — not the whole company's goals."""
    owner = goal.owner
    if is_manager_of(actor, owner) or goal.approver_id == actor.id:
        return True
    return not has_manager(owner)


def team_goals(session: Session, actor: Employee) -> list[Goal]:
    """Open company goals and the goals of the actor's team: what their work contributes to.

    One query per level rather than one with OR, so each reads only the goals of its level
    (ix_goals_team_level_status), not every open goal of the workspace (every Home shows
    these)."""
    query = select(Goal).where(
        Goal.team_id == actor.team_id,
        Goal.status.in_([GoalStatus.ACTIVE.value, GoalStatus.COMPLETED.value]),
        Goal.owner_id != actor.id,
    )
    found = list(
        session.scalars(query.where(Goal.level == GoalLevel.COMPANY.value).order_by(*_ORDER))
    )
    if actor.org_team_id is not None:
        own_team = (Goal.level == GoalLevel.TEAM.value) & (Goal.org_team_id == actor.org_team_id)
        found += session.scalars(query.where(own_team).order_by(*_ORDER))
    return found


def alignable_parents(
    session: Session,
    actor: Employee,
    text: str = "",
    *,
    level: str | None = None,
    goal: Goal | None = None,
    limit: int = 100,
) -> list[Goal]:
    """Goals the actor may choose as a parent, matching `text`; for a goal being edited,
    never itself or one of its descendants (that would make a cycle)."""
    levels = PARENT_LEVELS.get(level or GoalLevel.PERSONAL.value, ())
    if level is None:
        levels = (GoalLevel.COMPANY, GoalLevel.TEAM)
    query = select(Goal).where(
        visible_clause(actor),
        Goal.level.in_([str(v) for v in levels]),
        Goal.status != GoalStatus.ABANDONED.value,
    )
    words = clean_text(text).lower()  # typed into the search box: PostgreSQL refuses NUL
    if words:
        query = query.where(func.lower(Goal.title).contains(words, autoescape=True))
    excluded = descendants_of(goal) if goal is not None else set()
    found: list[Goal] = []
    for candidate in session.scalars(query.order_by(Goal.level, Goal.title, Goal.id)):
        if candidate.id in excluded or not allowed(actor, GoalAction.ALIGN, candidate):
            continue
        found.append(candidate)
        if len(found) >= limit:
            break
    return found


def descendants_of(goal: Goal) -> set[int]:
    """The goal and everything below it."""
    seen: set[int] = set()
    stack = [goal]
    while stack:
        current = stack.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        stack.extend(current.children)
    return seen


def alignment_chain(session: Session, goal: Goal) -> list[Goal]:
    """The goals this one contributes to, nearest first ("Team X → Company Y")."""
    chain: list[Goal] = []
    seen = {goal.id}
    cursor = goal.parent
    while cursor is not None and cursor.id not in seen:
        chain.append(cursor)
        seen.add(cursor.id)
        cursor = cursor.parent
    return chain
