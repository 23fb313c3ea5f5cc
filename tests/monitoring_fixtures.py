"""Helpers for the Monitoring tests: people in several zones, ticking, reading the outbox."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.ticks import TickReport
from storage.db import Database
from storage.models import Employee, OutboxMessage, Team
from tests import ticking

TEAM_ID = "T0001"


def person(
    session: Session,
    slack_id: str,
    *,
    tz: str | None = "Asia/Jakarta",
    name: str | None = None,
    manager: Employee | None = None,
    team: Team | None = None,
    locale: str = "en-US",
    role: str = "employee",
    active: bool = True,
    away_until: date | None = None,
    now: datetime,
) -> Employee:
    employee = Employee(
        team_id=TEAM_ID,
        slack_id=slack_id,
        name=name or slack_id,
        tz=tz,
        locale=locale,
        role=role,
        manager_id=manager.id if manager else None,
        org_team_id=team.id if team else None,
        active=active,
        away_until=away_until,
        created_at=now,
        updated_at=now,
    )
    session.add(employee)
    session.flush()
    return employee


def team(session: Session, name: str, now: datetime) -> Team:
    row = Team(team_id=TEAM_ID, name=name, created_at=now)
    session.add(row)
    session.flush()
    return row


def only_monitoring_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tick just this cycle's tasks (and leave ending), so another cycle's work in progress
    can neither slow nor break these tests."""
    wanted = ("end_expired_leave", "checkin_prompts", "obstacle_escalation")
    monkeypatch.setattr(ticking, "ONLY", ticking.only(*wanted))


def tick(db: Database, settings: Settings, at: datetime) -> TickReport:
    report = ticking.tick(db, settings, at)
    assert report.failed == [], report.failed
    return report


def rows(db: Database, prefix: str) -> list[OutboxMessage]:
    with db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.startswith(prefix))
                .order_by(OutboxMessage.id)
            )
        )
