"""Who may answer which check-in and move which obstacle — the relations on top of the role
matrix in bot/permissions.py. A button's value is untrusted, so every handler path ends here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.monitoring.errors import NotFound, ReaderOnly
from bot.permissions import Action, require, role_of
from bot.planning.rules import approver_for
from storage.checkins import Checkin, Obstacle, ObstacleStatus
from storage.models import Employee, Role


@dataclass(frozen=True)
class Reader:
    """Who reads a person's check-ins: their manager of record, or — for someone without an
    active manager (the admin at the top, a manager who left) — the HR person who stands in,
    exactly as for their goals (bot/planning/rules.py `approver_for`). `person` is None when
    nobody can (no manager, and no HR or admin other than themselves)."""

    person: Employee | None
    stand_in: bool

    @property
    def slack_id(self) -> str | None:
        return self.person.slack_id if self.person is not None else None


def reader_for(session: Session, employee: Employee) -> Reader:
    """Deterministic, so the prompt names the same person the check-in then reaches."""
    person, stand_in = approver_for(session, employee)
    return Reader(person, stand_in)


def require_manager_of_record(actor: Employee, checkin: Checkin) -> None:
    """Only the manager the check-in was sent to acknowledges or replies to it. Anyone else
    is told it does not exist (NotFound), so ids cannot be probed."""
    require(actor, Action.ANSWER_CHECKIN)
    if actor.team_id == checkin.team_id and checkin.employee_id == actor.id:
        raise ReaderOnly(checkin.id)  # the employee clicked in the pair's group DM
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
        raise ReaderOnly(obstacle.id)
    if obstacle.escalated_at is not None and role_of(actor) in (Role.HR, Role.ADMIN):
        return
    raise NotFound(obstacle.id)
