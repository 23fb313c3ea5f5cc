"""Read-side facts about people and the organisation, for `/kinerja me`, `/kinerja org` and
the App Home. Plain results, no Slack."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.permissions import Action, require
from storage.models import Employee, Team


@dataclass(frozen=True)
class Profile:
    slack_id: str
    name: str
    role: str
    manager_slack_id: str | None
    team_name: str | None
    tz: str | None
    direct_reports: int


@dataclass(frozen=True)
class OrgSummary:
    active: int
    inactive: int
    without_manager: int
    teams: int
    by_role: dict[str, int]


def profile_of(session: Session, employee: Employee) -> Profile:
    require(employee, Action.VIEW_OWN_PROFILE)
    reports = session.scalar(
        select(func.count())
        .select_from(Employee)
        .where(Employee.manager_id == employee.id, Employee.active.is_(True))
    )
    return Profile(
        slack_id=employee.slack_id,
        name=employee.name,
        role=employee.role,
        manager_slack_id=employee.manager.slack_id if employee.manager else None,
        team_name=employee.org_team.name if employee.org_team else None,
        tz=employee.tz,
        direct_reports=reports or 0,
    )


def org_summary(session: Session, actor: Employee) -> OrgSummary:
    """Two grouped queries whatever the size of the organisation."""
    require(actor, Action.VIEW_ORG_SUMMARY)
    rows = session.execute(
        select(
            Employee.active,
            Employee.role,
            Employee.manager_id.is_(None),
            func.count(),
        )
        .where(Employee.team_id == actor.team_id)
        .group_by(Employee.active, Employee.role, Employee.manager_id.is_(None))
    ).all()
    active = inactive = without_manager = 0
    by_role: dict[str, int] = {}
    for is_active, role, no_manager, count in rows:
        if not is_active:
            inactive += count
            continue
        active += count
        by_role[role] = by_role.get(role, 0) + count
        if no_manager:
            without_manager += count
    teams = session.scalar(
        select(func.count()).select_from(Team).where(Team.team_id == actor.team_id)
    )
    return OrgSummary(active, inactive, without_manager, teams or 0, by_role)
