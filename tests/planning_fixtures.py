"""A small organisation for planning tests, and shortcuts to write goals in it.

Acme (T0001)
  Ada    admin            team Ops
  Hana   hr               team People
  Maya   manager          team Sales   (manages Eko and Edi)
  Eko    employee         team Sales   (manager Maya)
  Edi    employee         team Sales   (manager Maya)
  Omar   manager          team Ops     (manages Sari)
  Sari   employee         team Ops     (manager Omar)
  Lina   employee         no team, no manager
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.planning import GoalInput, KeyResultInput, create_goal
from storage.goals import Goal
from storage.models import Employee, Team

DUE = date(2026, 12, 31)


@dataclass
class Org:
    sales: Team
    ops: Team
    people: Team
    admin: Employee
    hr: Employee
    manager: Employee
    employee: Employee
    peer: Employee
    other_manager: Employee
    stranger: Employee
    loner: Employee

    def everyone(self) -> list[Employee]:
        return [
            self.admin,
            self.hr,
            self.manager,
            self.employee,
            self.peer,
            self.other_manager,
            self.stranger,
            self.loner,
        ]


def person(
    session: Session,
    team_id: str,
    now: datetime,
    slack_id: str,
    name: str,
    role: str = "employee",
    *,
    manager: Employee | None = None,
    team: Team | None = None,
    locale: str = "en-US",
) -> Employee:
    employee = Employee(
        team_id=team_id,
        slack_id=slack_id,
        name=name,
        role=role,
        manager_id=manager.id if manager else None,
        org_team_id=team.id if team else None,
        tz="Asia/Jakarta",
        locale=locale,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(employee)
    session.flush()
    return employee


def make_org(session: Session, team_id: str, now: datetime) -> Org:
    teams = {}
    for name in ("Sales", "Ops", "People"):
        team = Team(team_id=team_id, name=name, created_at=now)
        session.add(team)
        teams[name] = team
    session.flush()
    admin = person(session, team_id, now, "UADMIN", "Ada", "admin", team=teams["Ops"])
    hr = person(session, team_id, now, "UHR", "Hana", "hr", team=teams["People"])
    manager = person(session, team_id, now, "UMGR", "Maya", "manager", team=teams["Sales"])
    employee = person(session, team_id, now, "UEMP", "Eko", manager=manager, team=teams["Sales"])
    peer = person(session, team_id, now, "UPEER", "Edi", manager=manager, team=teams["Sales"])
    other = person(session, team_id, now, "UOMGR", "Omar", "manager", team=teams["Ops"])
    stranger = person(session, team_id, now, "USTR", "Sari", manager=other, team=teams["Ops"])
    loner = person(session, team_id, now, "ULONE", "Lina")
    session.flush()
    return Org(
        teams["Sales"],
        teams["Ops"],
        teams["People"],
        admin,
        hr,
        manager,
        employee,
        peer,
        other,
        stranger,
        loner,
    )


def goal_input(
    title: str = "Grow revenue",
    *,
    level: str = "personal",
    parent: Goal | None = None,
    krs: list[KeyResultInput] | None = None,
    due: date = DUE,
    team: Team | None = None,
    weight: str = "",
    kind: str = "performance",
) -> GoalInput:
    return GoalInput(
        title=title,
        description="Why: because.",
        level=level,
        kind=kind,
        due_date=due,
        parent_id=parent.id if parent else None,
        org_team_id=team.id if team else None,
        weight=weight,
        key_results=krs
        if krs is not None
        else [KeyResultInput(title="Customers", start="0", target="10", unit="customers")],
    )


def metric(title: str = "Metric", start: str = "0", target: str = "100") -> KeyResultInput:
    return KeyResultInput(title=title, start=start, target=target)


def check(title: str = "Check") -> KeyResultInput:
    return KeyResultInput(title=title, kind="check")


def company_goal(session: Session, org: Org, now: datetime, title: str = "Be #1") -> Goal:
    return create_goal(session, org.hr, goal_input(title, level="company"), now=now).goal


def team_goal(
    session: Session, org: Org, now: datetime, parent: Goal | None = None, title: str = "Sell"
) -> Goal:
    data = goal_input(title, level="team", parent=parent)
    return create_goal(session, org.manager, data, now=now).goal


def personal_goal(
    session: Session,
    owner: Employee,
    now: datetime,
    parent: Goal | None = None,
    title: str = "Mine",
    krs: list[KeyResultInput] | None = None,
    weight: str = "",
) -> Goal:
    data = goal_input(title, parent=parent, krs=krs, weight=weight)
    return create_goal(session, owner, data, now=now).goal
