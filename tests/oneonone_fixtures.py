"""Helpers for the 1:1 tests: a small organisation, what the check-ins said about the report
(an obstacle, support asked for, a goal at risk, a kudos), and reading the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.oneonone import api as core
from bot.oneonone.schedule import plan_next
from bot.oneonone.series import SeriesInput
from storage.checkins import Checkin, CheckinGoalUpdate, Obstacle
from storage.db import Database
from storage.goals import Goal
from storage.kudos import CompanyValue, Kudos, KudosRecipient
from storage.models import Employee, OutboxMessage
from storage.oneonones import MeetingStatus, OneOnOneMeeting, OneOnOneSeries
from tests import ticking
from tests.monitoring_fixtures import TEAM_ID, person
from tests.waiting import wait_for

# Tuesday 24 Nov 2026, 10:00 in Jakarta (the suite's START).
START = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
OBSTACLE = "The staging database keeps timing out"
SUPPORT = "Pairing with someone on the billing migration"
GOAL = "Migrate billing to the new ledger"
KUDOS = "Thanks for untangling the invoice bug!"
WIB = 7  # Asia/Jakarta is UTC+7 all year


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment in Jakarta, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=WIB)


@dataclass
class Org:
    maya: Employee  # manager
    eko: Employee  # Maya's report
    ida: Employee  # Maya's other report
    budi: Employee  # another manager
    tono: Employee  # Budi's report
    hana: Employee  # HR
    adi: Employee  # admin


def make_org(session: Session, now: datetime = START, *, locale: str = "en-US") -> Org:
    adi = person(session, "UADI", name="Adi Admin", role="admin", locale=locale, now=now)
    hana = person(session, "UHANA", name="Hana HR", role="hr", manager=adi, locale=locale, now=now)
    maya = person(
        session, "UMAYA", name="Maya Sari", role="manager", manager=adi, locale=locale, now=now
    )
    budi = person(
        session, "UBUDI", name="Budi Santoso", role="manager", manager=adi, locale=locale, now=now
    )
    eko = person(session, "UEKO", name="Eko Prasetyo", manager=maya, locale=locale, now=now)
    ida = person(session, "UIDA", name="Ida Ayu", manager=maya, locale="id-ID", now=now)
    tono = person(session, "UTONO", name="Tono", manager=budi, locale=locale, now=now)
    return Org(maya, eko, ida, budi, tono, hana, adi)


def what_the_checkins_said(session: Session, org: Org, now: datetime = START) -> None:
    """Eko's last check-in (read by Maya): support asked for, a goal rated at risk, an open
    obstacle; and a kudos he received."""
    goal = Goal(
        team_id=TEAM_ID, owner_id=org.eko.id, level="personal", kind="performance", title=GOAL,
        description="", weight=1.0, manual_progress=0.3, due_date=date(2027, 3, 31),
        status="active", version=1,
        approver_id=org.maya.id, created_at=now - timedelta(days=30),
        updated_at=now - timedelta(days=30),
    )  # fmt: skip
    session.add(goal)
    session.flush()
    checkin = Checkin(
        team_id=TEAM_ID, employee_id=org.eko.id, manager_id=org.maya.id, period="2026-W47",
        mood=3, wins="Shipped the export", support=SUPPORT, plans="",
        submitted_at=now - timedelta(days=4), updated_at=now - timedelta(days=4), edits=0,
    )  # fmt: skip
    session.add(checkin)
    session.flush()
    session.add(
        CheckinGoalUpdate(
            team_id=TEAM_ID,
            checkin_id=checkin.id,
            goal_id=goal.id,
            confidence="at_risk",
            progress_before=0.2,
            progress_after=0.3,
        )  # fmt: skip
    )
    session.add(
        Obstacle(
            team_id=TEAM_ID,
            employee_id=org.eko.id,
            manager_id=org.maya.id,
            checkin_id=checkin.id,
            text=OBSTACLE,
            status="open",
            opened_at=now - timedelta(days=4),
            updated_at=now - timedelta(days=4),
        )  # fmt: skip
    )
    value = CompanyValue(
        team_id=TEAM_ID, key="care", name_en="Care", name_id="Peduli", emoji=":heart:",
        position=0, active=True,
    )  # fmt: skip
    session.add(value)
    session.flush()
    kudos = Kudos(
        team_id=TEAM_ID, giver_id=org.ida.id, value_id=value.id, message=KUDOS,
        source="command", created_at=now - timedelta(days=2),
    )  # fmt: skip
    session.add(kudos)
    session.flush()
    session.add(KudosRecipient(team_id=TEAM_ID, kudos_id=kudos.id, employee_id=org.eko.id))
    session.flush()


def only_oneonone_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ticking, "ONLY", ticking.only("oneonone_agendas", "oneonone_reminders"))


def outbox(session: Session, prefix: str = "1on1:") -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith(prefix))
            .order_by(OutboxMessage.id)
        )
    )


def keys(session: Session, prefix: str = "1on1:") -> list[str]:
    return [row.idempotency_key for row in outbox(session, prefix)]


def the_series(session: Session) -> OneOnOneSeries:
    return session.scalars(select(OneOnOneSeries)).one()


def meetings(session: Session) -> list[OneOnOneMeeting]:
    return list(session.scalars(select(OneOnOneMeeting).order_by(OneOnOneMeeting.occurs_on)))


def tick(settings: Settings, db: Database, at: datetime) -> dict[str, int]:
    report = ticking.tick(db, settings, at)
    assert report.failed == [], report.failed
    return report.done


def wait_for_key(db: Database, suffix: str, prefix: str = "1on1:") -> list[str]:
    """Wait until the work a click does after its ack has written its outbox row (a click is
    acknowledged first, then handled)."""

    def probe() -> list[str]:
        with db.session() as session:
            return [k for k in keys(session, prefix) if k.endswith(suffix)]

    return wait_for(probe)


WEEKLY = SeriesInput("weekly", "2026-12-01", "10:00")


def who(session: Session, people: dict[str, int], name: str) -> Employee:
    found = session.get(Employee, people[name])
    assert found is not None
    return found


def set_up(
    db: Database,
    settings: Settings,
    people: dict[str, int],
    raw: SeriesInput = WEEKLY,
    now: Any = START,
) -> int:
    with db.session() as session:
        maya = who(session, people, "maya")
        return core.set_up(session, maya, people["eko"], raw, settings=settings, now=now).id


def open_meeting(db: Database, settings: Settings, people: dict[str, int]) -> int:
    """A series whose first agenda is open (as the tick opens it), with one action item."""
    set_up(db, settings, people)
    with db.session() as session:
        meeting = meetings(session)[0]
        meeting.status = MeetingStatus.OPEN.value
        meeting.opened_at = START
        session.flush()
        plan_next(session, meeting.series, settings, START)
        core_item(session, who(session, people, "maya"), meeting.id, settings)
        return meeting.id


def core_item(session: Session, actor: Employee, meeting_id: int, settings: Settings) -> int:
    return core.add_action_item(
        session,
        actor,
        meeting_id,
        "Write the plan",
        "report",
        "2026-12-04",
        settings=settings,
        now=START,
    ).id
