"""Who may answer which check-in and move which obstacle — the relations on top of the role
matrix in bot/permissions.py. A button's value is untrusted, so every handler path ends here."""

from __future__ import annotations

from bot.monitoring.errors import NotFound
from bot.permissions import Action, PermissionDenied, require, role_of
from storage.checkins import Checkin, Obstacle, ObstacleStatus
from storage.models import Employee, Role


def require_manager_of_record(actor: Employee, checkin: Checkin) -> None:
    """Only the manager the check-in was sent to acknowledges or replies to it. Anyone else
    is told it does not exist (NotFound), so ids cannot be probed."""
    require(actor, Action.ANSWER_CHECKIN)
    if actor.team_id != checkin.team_id or checkin.manager_id != actor.id:
        raise NotFound(checkin.id)


def require_obstacle_change(actor: Employee, obstacle: Obstacle, status: ObstacleStatus) -> None:
    """The manager of record may take an obstacle on or resolve it; the employee may resolve
    their own; HR and admins may act on one escalated to them. Anyone else: NotFound."""
    require(actor, Action.ANSWER_CHECKIN)
    if actor.team_id != obstacle.team_id:
        raise NotFound(obstacle.id)
    if obstacle.manager_id is not None and actor.id == obstacle.manager_id:
        return
    if actor.id == obstacle.employee_id:
        if status is ObstacleStatus.RESOLVED:
            return
        raise PermissionDenied(Action.ANSWER_CHECKIN)
    if obstacle.escalated_at is not None and role_of(actor) in (Role.HR, Role.ADMIN):
        return
    raise NotFound(obstacle.id)
