"""Obstacles (*hambatan*): open → being helped → resolved, and escalation when nobody acts.

Escalation, with N = the workspace setting `monitoring.escalation_days` (default 7): an
obstacle still *open* (nobody said "I'll help") N days after it was raised gets its manager one
reminder — sent in the manager's working hours on a working day; once 2N days old and still
open after that reminder, it is escalated: `escalated_at` is set and it appears in HR's digest
(`escalated_obstacles`). An obstacle without a reachable manager skips the reminder. Both steps
happen once: the reminder has its own outbox key and `manager_reminded_at`, the escalation its
timestamp.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload

from bot import audit
from bot.clock import zone_of
from bot.config import Settings
from bot.monitoring import notify
from bot.monitoring.errors import MonitoringValidationError, NotFound
from bot.monitoring.periods import is_working_day, within_working_hours
from bot.monitoring.rules import require_obstacle_change
from bot.org.settings import get_setting, set_setting
from bot.permissions import Action, require
from bot.ticks import TickContext
from storage.checkins import Checkin, Obstacle, ObstacleStatus
from storage.models import Employee

ESCALATION_SETTING = "monitoring.escalation_days"
DEFAULT_ESCALATION_DAYS = 7
MAX_ESCALATION_DAYS = 60
UNRESOLVED = (ObstacleStatus.OPEN.value, ObstacleStatus.HELPING.value)


def escalation_days(session: Session, team_id: str) -> int:
    value = get_setting(session, team_id, ESCALATION_SETTING, DEFAULT_ESCALATION_DAYS)
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_ESCALATION_DAYS
    return days if days >= 1 else DEFAULT_ESCALATION_DAYS


def set_escalation_days(session: Session, actor: Employee, text: str, *, now: datetime) -> int:
    """HR and admins choose N (1–60 days); stored as the workspace setting."""
    require(actor, Action.CONFIGURE_SCHEDULE)
    try:
        days = int(text.strip())
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_ESCALATION_DAYS:
        raise MonitoringValidationError(
            {"escalation_days": "monitoring.error.escalation"}, max=MAX_ESCALATION_DAYS
        )
    if days != escalation_days(session, actor.team_id):
        set_setting(session, actor.team_id, ESCALATION_SETTING, days, actor=actor.slack_id, now=now)
    return days


def sync_obstacles(session: Session, checkin: Checkin, lines: list[str], now: datetime) -> None:
    """Make the check-in's unresolved obstacles match the submitted lines: a new line opens an
    obstacle, an unchanged one keeps its status and dates, and one the employee deleted on an
    edit is closed as resolved by them."""
    unresolved = {
        o.text.casefold(): o for o in checkin.obstacles if o.status != ObstacleStatus.RESOLVED
    }
    wanted = {line.casefold() for line in lines}
    for line in lines:
        if line.casefold() in unresolved:
            continue
        checkin.obstacles.append(
            Obstacle(
                team_id=checkin.team_id,
                employee_id=checkin.employee_id,
                manager_id=checkin.manager_id,
                text=line,
                status=ObstacleStatus.OPEN.value,
                opened_at=now,
                updated_at=now,
            )
        )
    for text, obstacle in unresolved.items():
        if text not in wanted:
            obstacle.status = ObstacleStatus.RESOLVED.value
            obstacle.resolved_by_id = checkin.employee_id
            obstacle.resolved_at = now
            obstacle.updated_at = now


def set_obstacle_status(
    session: Session,
    actor: Employee,
    obstacle_id: int,
    status: ObstacleStatus,
    *,
    settings: Settings,
    now: datetime,
) -> tuple[Obstacle, bool]:
    """Take an obstacle on ("I'll help") or resolve it. Returns (obstacle, changed); a second
    click on the same button changes nothing and sends nothing."""
    if status is ObstacleStatus.OPEN:
        raise ValueError("an obstacle cannot be reopened")
    obstacle = session.scalar(
        select(Obstacle).where(Obstacle.id == obstacle_id, Obstacle.team_id == actor.team_id)
    )
    if obstacle is None:
        raise NotFound(obstacle_id)
    require_obstacle_change(actor, obstacle, status)
    current = ObstacleStatus(obstacle.status)
    if current is ObstacleStatus.RESOLVED or current is status:
        return obstacle, False
    if status is ObstacleStatus.HELPING:
        obstacle.helper_id = actor.id
        obstacle.helping_at = now
    else:
        obstacle.resolved_by_id = actor.id
        obstacle.resolved_at = now
    obstacle.status = status.value
    obstacle.updated_at = now
    session.flush()
    session.refresh(obstacle, ["helper"])
    audit.record(
        session,
        team_id=obstacle.team_id,
        actor=actor.slack_id,
        action=f"obstacle.{status.value}",
        subject=str(obstacle.id),
        at=now,
    )
    notify.obstacle_changed(session, obstacle, actor, settings, now)
    if obstacle.checkin is not None:
        notify.refresh_summary(session, obstacle.checkin, settings, now)
    return obstacle, True


def open_obstacles_of(session: Session, employee: Employee, limit: int = 50) -> list[Obstacle]:
    """The employee's own unresolved obstacles, oldest first (for their Home)."""
    return _unresolved(session, Obstacle.employee_id == employee.id, limit)


def team_open_obstacles(session: Session, manager: Employee, limit: int = 50) -> list[Obstacle]:
    """Unresolved obstacles the manager is the manager of record for (for their Home)."""
    return _unresolved(session, Obstacle.manager_id == manager.id, limit)


def _unresolved(session: Session, whose: ColumnElement[bool], limit: int) -> list[Obstacle]:
    """Oldest first, with whoever took each on loaded in the same query (the Home shows them
    from plain values, bot/monitoring/home.py)."""
    return list(
        session.scalars(
            select(Obstacle)
            .where(whose, Obstacle.status.in_(UNRESOLVED))
            .order_by(Obstacle.opened_at, Obstacle.id)
            .limit(limit)
            .options(joinedload(Obstacle.helper))
        )
    )


def escalated_obstacles(session: Session, team_id: str) -> list[Obstacle]:
    """What HR's digest lists: escalated and still unresolved, oldest first."""
    return list(
        session.scalars(
            select(Obstacle)
            .where(
                Obstacle.team_id == team_id,
                Obstacle.status.in_(UNRESOLVED),
                Obstacle.escalated_at.is_not(None),
            )
            .order_by(Obstacle.opened_at, Obstacle.id)
        )
    )


def escalate_obstacles(session: Session, team_id: str, settings: Settings, now: datetime) -> int:
    days = escalation_days(session, team_id)
    remind_before = now - timedelta(days=days)
    escalate_before = now - timedelta(days=2 * days)
    stale = session.scalars(
        select(Obstacle).where(
            Obstacle.team_id == team_id,
            Obstacle.status == ObstacleStatus.OPEN.value,
            Obstacle.escalated_at.is_(None),
            Obstacle.opened_at <= remind_before,
        )
    ).all()
    done = 0
    for obstacle in stale:
        manager = obstacle.manager if obstacle.manager and obstacle.manager.active else None
        if manager is not None and obstacle.manager_reminded_at is None:
            local = now.astimezone(zone_of(manager.tz, settings.default_tz))
            if within_working_hours(local.time()) and is_working_day(
                local.date(), settings.holiday_country
            ):
                notify.remind_manager(session, obstacle, manager, settings, now)
                obstacle.manager_reminded_at = now
                done += 1
            continue
        if obstacle.opened_at <= escalate_before:
            obstacle.escalated_at = now
            audit.record(
                session,
                team_id=team_id,
                actor=None,
                action="obstacle.escalated",
                subject=str(obstacle.id),
                detail={"days_open": (now - obstacle.opened_at).days},
                at=now,
            )
            done += 1
    return done


def obstacle_escalation_task(ctx: TickContext) -> int:
    return escalate_obstacles(ctx.session, ctx.workspace.team_id, ctx.settings, ctx.now)
