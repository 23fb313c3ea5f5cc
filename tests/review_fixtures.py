"""A small organisation for review tests, and shortcuts to run a cycle in it.

Acme (T0001), zone Asia/Jakarta, holidays of Indonesia
  Ada    admin            team Ops
  Hana   hr               team People
  Maya   manager          team Sales   (manages Eko, Edi and Eva)
  Eko    employee         team Sales   (manager Maya)
  Edi    employee         team Sales   (manager Maya)
  Eva    employee         team Sales   (manager Maya, speaks Indonesian)
  Omar   manager          team Ops     (manages Sari; Maya's peer)
  Sari   employee         team Ops     (manager Omar)
  Lina   employee         team Sales, no manager

The test clock stands at Tuesday 2026-11-24 10:00 in Jakarta.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.review import CycleInput, ReviewInput, create_cycle
from bot.review.cycles import CycleResult
from bot.ticks import TickReport
from storage.db import Database
from storage.models import Employee, OutboxMessage, Team
from storage.reviews import Review, ReviewCycle
from tests import ticking

TEAM_ID = "T0001"
TZ = "Asia/Jakarta"
QUESTIONS = "What went well?\nWhat was hard?"
COMPETENCIES = "Teamwork | Kerja sama\nCraft | Keahlian"


@dataclass
class Org:
    sales: Team
    ops: Team
    admin: Employee
    hr: Employee
    manager: Employee
    eko: Employee
    edi: Employee
    eva: Employee
    other_manager: Employee
    stranger: Employee
    loner: Employee

    @property
    def reports(self) -> list[Employee]:
        return [self.eko, self.edi, self.eva]

    def everyone(self) -> list[Employee]:
        return [
            self.admin,
            self.hr,
            self.manager,
            self.eko,
            self.edi,
            self.eva,
            self.other_manager,
            self.stranger,
            self.loner,
        ]


def person(
    session: Session,
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
        team_id=TEAM_ID,
        slack_id=slack_id,
        name=name,
        role=role,
        manager_id=manager.id if manager else None,
        org_team_id=team.id if team else None,
        tz=TZ,
        locale=locale,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(employee)
    session.flush()
    return employee


def make_org(session: Session, now: datetime) -> Org:
    sales = Team(team_id=TEAM_ID, name="Sales", created_at=now)
    ops = Team(team_id=TEAM_ID, name="Ops", created_at=now)
    people = Team(team_id=TEAM_ID, name="People", created_at=now)
    session.add_all([sales, ops, people])
    session.flush()
    admin = person(session, now, "UADMIN", "Ada", "admin", team=ops)
    hr = person(session, now, "UHR", "Hana", "hr", team=people)
    manager = person(session, now, "UMGR", "Maya", "manager", team=sales)
    eko = person(session, now, "UEKO", "Eko", manager=manager, team=sales)
    edi = person(session, now, "UEDI", "Edi", manager=manager, team=sales)
    eva = person(session, now, "UEVA", "Eva", manager=manager, team=sales, locale="id-ID")
    other = person(session, now, "UOMGR", "Omar", "manager", team=ops)
    stranger = person(session, now, "USARI", "Sari", manager=other, team=ops)
    loner = person(session, now, "ULINA", "Lina", team=sales)
    return Org(sales, ops, admin, hr, manager, eko, edi, eva, other, stranger, loner)


def cycle_input(**changes: Any) -> CycleInput:
    data = CycleInput(
        name="2026 year-end review",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        opens_on=date(2026, 11, 24),
        self_due=date(2026, 12, 4),
        manager_due=date(2026, 12, 11),
        everyone=False,
        team_ids=[],
        questions=QUESTIONS,
        competencies=COMPETENCIES,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def sales_cycle(session: Session, org: Org, now: datetime, **changes: Any) -> CycleResult:
    changes.setdefault("team_ids", [org.sales.id])
    return create_cycle(session, org.hr, cycle_input(**changes), now=now, tz=TZ)


def answers(**ratings: int | None) -> ReviewInput:
    return ReviewInput(
        answers={"q0": "Shipped the <b>big</b> deal & more", "q1": "Hiring was slow"},
        ratings={"teamwork": 4, "craft": 3, **ratings},
    )


def manager_answers(overall: int | None = 4, **ratings: int | None) -> ReviewInput:
    return ReviewInput(
        answers={"q0": "Great deal work", "summary": "A strong year; lead the Q1 launch."},
        ratings={"teamwork": 5, "craft": 3, **ratings},
        overall=overall,
    )


def review_of(session: Session, employee: Employee) -> Review:
    review = session.scalar(select(Review).where(Review.employee_id == employee.id))
    assert review is not None
    return review


def outbox(session: Session, prefix: str = "review") -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith(prefix))
            .order_by(OutboxMessage.id)
        )
    )


def keys(db: Database, prefix: str = "review") -> list[str]:
    with db.session() as session:
        return [row.idempotency_key for row in outbox(session, prefix)]


def only_review_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tick this cycle's tasks only, so another cycle's work in progress cannot interfere."""
    monkeypatch.setattr(ticking, "ONLY", ticking.only("review_cycles", "review_reminders"))


def tick(db: Database, settings: Settings, at: datetime) -> TickReport:
    report = ticking.tick(db, settings, at)
    assert report.failed == [], report.failed
    return report


def jakarta(day: date, hour: int, minute: int = 0) -> datetime:
    """A Jakarta wall-clock time, as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(TZ)).astimezone(UTC)


def cycles(session: Session) -> list[ReviewCycle]:
    return list(session.scalars(select(ReviewCycle).order_by(ReviewCycle.id)))


def seed_evidence(session: Session, employee: Employee, giver: Employee, now: datetime) -> None:
    """A year's evidence for `employee`, written as plain rows of the other cycles' tables:
    an active goal at 20 %, a goal completed this year and one completed last year, a check-in
    with a win and an obstacle, one from last year, and a kudos for a company value."""
    from storage.checkins import Checkin, Obstacle
    from storage.goals import Goal, KeyResult
    from storage.kudos import CompanyValue, Kudos, KudosRecipient

    last_year = datetime(2025, 6, 1, tzinfo=UTC)

    def goal(title: str, status: str, at: datetime) -> Goal:
        row = Goal(
            team_id=TEAM_ID,
            owner_id=employee.id,
            level="personal",
            kind="performance",
            title=title,
            description="",
            weight=1.0,
            due_date=date(2026, 12, 31),
            status=status,
            version=1,
            created_at=at,
            updated_at=at,
        )
        session.add(row)
        session.flush()
        return row

    active = goal("Grow revenue <b>", "active", now)
    session.add(
        KeyResult(
            team_id=TEAM_ID,
            goal_id=active.id,
            position=0,
            title="New customers",
            kind="metric",
            start_value=0.0,
            target_value=10.0,
            current_value=2.0,
            unit="customers",
            updated_at=now,
        )
    )
    goal("Launch the webinar", "completed", now)
    goal("Old goal from 2025", "completed", last_year)
    for period, wins, at in (
        ("2026-W47", "Closed the ACME deal <!channel>", now),
        ("2025-W20", "An old win", last_year),
    ):
        checkin = Checkin(
            team_id=TEAM_ID,
            employee_id=employee.id,
            manager_id=employee.manager_id,
            period=period,
            wins=wins,
            support="",
            plans="",
            submitted_at=at,
            updated_at=at,
            edits=0,
            summary_version=0,
        )
        session.add(checkin)
        session.flush()
        session.add(
            Obstacle(
                team_id=TEAM_ID,
                employee_id=employee.id,
                manager_id=employee.manager_id,
                checkin_id=checkin.id,
                text=f"Waiting for legal ({period})",
                status="open",
                opened_at=at,
                updated_at=at,
            )
        )
    value = CompanyValue(
        team_id=TEAM_ID,
        key="care",
        name_en="Customer care",
        name_id="Peduli pelanggan",
        emoji="",
        position=0,
        active=True,
    )
    session.add(value)
    session.flush()
    kudos = Kudos(
        team_id=TEAM_ID,
        giver_id=giver.id,
        value_id=value.id,
        message="Thanks for the demo!",
        source="command",
        created_at=now,
    )
    session.add(kudos)
    session.flush()
    session.add(KudosRecipient(team_id=TEAM_ID, kudos_id=kudos.id, employee_id=employee.id))
    session.flush()
