"""Who may do what with a goal, and who approves it.

The role decides what someone may do with goals at all (bot/permissions.py); the relation to
the goal decides the rest: a personal goal is the owner's to write and their manager of
record's to agree, team and company goals belong to the people allowed to write them. These
functions are pure apart from `approver_for` and `visible_clause`, so the whole matrix is
tested without Slack (tests/test_planning_permissions.py).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session, aliased

from bot.permissions import Action, PermissionDenied, can, role_of
from storage.goals import Goal, GoalLevel
from storage.models import Employee, Role


class GoalAction(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"  # agreeing and asking for changes are the same right
    UPDATE_PROGRESS = "update_progress"
    COMPLETE = "complete"
    ABANDON = "abandon"
    REOPEN = "reopen"
    ALIGN = "align"  # use the goal as the parent of another


# Actions that change the goal itself; for a personal goal only its owner does them.
_MANAGE = frozenset(
    {
        GoalAction.EDIT,
        GoalAction.UPDATE_PROGRESS,
        GoalAction.COMPLETE,
        GoalAction.ABANDON,
        GoalAction.REOPEN,
    }
)


def has_manager(owner: Employee) -> bool:
    """A manager who left the workspace is no manager: their reports' goals go to HR."""
    manager = owner.manager
    return manager is not None and manager.active and manager.id != owner.id


def is_manager_of(actor: Employee, owner: Employee) -> bool:
    return has_manager(owner) and owner.manager_id == actor.id


def can_write_level(actor: Employee, level: str, org_team_id: int | None) -> bool:
    """Admin and HR write company goals; managers their own team's goals (HR and admin any
    team's); everyone writes personal goals."""
    if actor.id is None or not actor.active:
        return False
    if level == GoalLevel.PERSONAL:
        return can(actor, Action.WRITE_PERSONAL_GOAL)
    if level == GoalLevel.COMPANY:
        return can(actor, Action.WRITE_COMPANY_GOAL)
    if level == GoalLevel.TEAM:
        if not can(actor, Action.WRITE_TEAM_GOAL) or org_team_id is None:
            return False
        if role_of(actor) in (Role.HR, Role.ADMIN):
            return True
        return actor.org_team_id == org_team_id
    return False


def can_view(actor: Employee, goal: Goal) -> bool:
    if not actor.active or actor.team_id != goal.team_id or not can(actor, Action.VIEW_GOALS):
        return False
    if goal.level != GoalLevel.PERSONAL:
        return True
    owner = goal.owner
    if owner.id == actor.id or is_manager_of(actor, owner) or can(actor, Action.VIEW_ALL_GOALS):
        return True
    # HR sees what is escalated to them: goals of people without a manager, or routed to them.
    return can(actor, Action.APPROVE_UNMANAGED_GOAL) and (
        not has_manager(owner) or goal.approver_id == actor.id
    )


def can_view_goal(session: Session, actor: Employee, goal: Goal) -> bool:
    """`can_view` under the name other cycles call; the session keeps the signature stable
    should visibility ever need a query (delegation, skip-level managers)."""
    return can_view(actor, goal)


def can_approve(actor: Employee, goal: Goal) -> bool:
    """Only the owner's manager of record agrees a personal goal; an admin may stand in, and
    HR does it for people without a manager. Nobody approves their own goal."""
    if goal.level != GoalLevel.PERSONAL or not can_view(actor, goal):
        return False
    owner = goal.owner
    if owner.id == actor.id:
        return False
    if is_manager_of(actor, owner) or can(actor, Action.APPROVE_ANY_GOAL):
        return True
    return not has_manager(owner) and can(actor, Action.APPROVE_UNMANAGED_GOAL)


def allowed(actor: Employee, action: GoalAction, goal: Goal) -> bool:
    """The whole matrix in one place: role × relation × action (state is checked elsewhere)."""
    if not can_view(actor, goal):
        return False
    if action is GoalAction.VIEW:
        return True
    if action is GoalAction.ALIGN:
        return goal.level in (GoalLevel.COMPANY, GoalLevel.TEAM)
    if action is GoalAction.APPROVE:
        return can_approve(actor, goal)
    if action is GoalAction.SUBMIT:
        return goal.level == GoalLevel.PERSONAL and goal.owner_id == actor.id
    if action in _MANAGE:
        if goal.level == GoalLevel.PERSONAL:
            return goal.owner_id == actor.id
        return can_write_level(actor, goal.level, goal.org_team_id)
    return False


def require_goal(actor: Employee, action: GoalAction, goal: Goal) -> None:
    if not allowed(actor, action, goal):
        raise PermissionDenied(_ROLE_ACTION.get(action, Action.VIEW_GOALS))


# The role-level Action named in a PermissionDenied, for logs and messages.
_ROLE_ACTION = {
    GoalAction.APPROVE: Action.APPROVE_ANY_GOAL,
    GoalAction.EDIT: Action.WRITE_PERSONAL_GOAL,
    GoalAction.SUBMIT: Action.WRITE_PERSONAL_GOAL,
}


def visible_clause(actor: Employee) -> ColumnElement[bool]:
    """`can_view` as SQL, for listing and searching goals without loading everyone's."""
    if not actor.active or not can(actor, Action.VIEW_GOALS):
        return false()
    in_workspace = Goal.team_id == actor.team_id
    if can(actor, Action.VIEW_ALL_GOALS):
        return in_workspace
    owner = aliased(Employee)
    manager = aliased(Employee)
    owners_of_reports = (
        select(owner.id)
        .join(manager, owner.manager_id == manager.id)
        .where(
            owner.team_id == actor.team_id,  # lets the database use (team_id, manager_id)
            manager.id == actor.id,
            manager.active.is_(True),
            owner.id != actor.id,
        )
    )
    visible = [
        Goal.level.in_([GoalLevel.COMPANY.value, GoalLevel.TEAM.value]),
        Goal.owner_id == actor.id,
        Goal.owner_id.in_(owners_of_reports),
    ]
    if can(actor, Action.APPROVE_UNMANAGED_GOAL):
        unmanaged = (
            select(owner.id)
            .outerjoin(manager, owner.manager_id == manager.id)
            .where(
                owner.team_id == actor.team_id,
                or_(manager.id.is_(None), manager.active.is_(False), manager.id == owner.id),
            )
        )
        visible += [Goal.owner_id.in_(unmanaged), Goal.approver_id == actor.id]
    return and_(in_workspace, or_(*visible))


def approver_for(session: Session, owner: Employee) -> tuple[Employee | None, bool]:
    """Who is asked to agree the owner's personal goal, and whether that is HR standing in.

    The manager of record when there is one; otherwise the first active HR person by name
    (then the first admin), never the owner. Deterministic, so a resubmission goes to the
    same person and the same group DM.
    """
    if has_manager(owner):
        return owner.manager, False
    for role in (Role.HR, Role.ADMIN):
        person = session.scalars(
            select(Employee)
            .where(
                Employee.team_id == owner.team_id,
                Employee.role == role.value,
                Employee.active.is_(True),
                Employee.id != owner.id,
            )
            .order_by(Employee.name, Employee.id)
            .limit(1)
        ).first()
        if person is not None:
            return person, True
    return None, True
