"""Participation per team and period — prompted, answered, late — as one SQL query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.monitoring import participation
from bot.monitoring.schedule import save_schedule, validate_schedule
from storage.checkins import Checkin, CheckinPrompt
from storage.db import Database
from tests.monitoring_fixtures import TEAM_ID, person, team

PROMPTED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 15:00 in Jakarta
REMINDER_DUE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE is not a query
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    yield seen
    event.remove(db.engine, "before_cursor_execute", count)


def _prompt(employee_id: int, period: str, reminded: bool = False) -> CheckinPrompt:
    return CheckinPrompt(
        team_id=TEAM_ID,
        employee_id=employee_id,
        period=period,
        due_at=PROMPTED,
        prompted_at=PROMPTED,
        reminder_due_at=REMINDER_DUE,
        reminded_at=REMINDER_DUE if reminded else None,
    )


def _checkin(employee_id: int, period: str, at: datetime) -> Checkin:
    return Checkin(
        team_id=TEAM_ID, employee_id=employee_id, period=period, submitted_at=at, updated_at=at
    )


@pytest.fixture
def organisation(db: Database, workspace: str) -> None:
    now = PROMPTED - timedelta(days=30)
    with db.session() as session:
        sales, ops = team(session, "Sales", now), team(session, "Ops", now)
        save_schedule(
            session,
            TEAM_ID,
            ops.id,
            validate_schedule("monthly", "fri", "15:00", ["mood"]),
            actor="cli",
            now=now,
        )
        ani = person(session, "UANI", name="Ani", team=sales, now=now)
        budi = person(session, "UBUDI", name="Budi", team=sales, now=now)
        citra = person(session, "UCITRA", name="Citra", team=sales, now=now)
        dewi = person(session, "UDEWI", name="Dewi", team=sales, now=now)
        person(session, "UEKO", name="Eko", team=sales, active=False, now=now)
        fajar = person(session, "UFAJAR", name="Fajar", team=sales, active=False, now=now)
        gita = person(session, "UGITA", name="Gita", now=now)  # no team
        hadi = person(session, "UHADI", name="Hadi", team=ops, now=now)  # monthly
        indra = person(session, "UINDRA", name="Indra", team=sales, now=now)
        session.add_all(
            [
                _prompt(ani.id, "2026-W48"),
                _checkin(ani.id, "2026-W48", PROMPTED + timedelta(hours=1)),
                _prompt(budi.id, "2026-W48", reminded=True),
                _prompt(citra.id, "2026-W48"),
                _prompt(fajar.id, "2026-W48"),  # left the company after being asked
                _checkin(gita.id, "2026-W48", PROMPTED - timedelta(days=1)),  # early
                _prompt(indra.id, "2026-W48", reminded=True),
                _checkin(indra.id, "2026-W48", REMINDER_DUE + timedelta(hours=2)),
                _prompt(hadi.id, "2026-11"),
                _prompt(dewi.id, "2026-W47"),  # another period: does not count
            ]
        )


def _names(people: list[Any]) -> list[str]:
    return [p.name for p in people]


def test_participation_is_one_query_per_team_and_period(
    db: Database, organisation: None, statements: list[str]
) -> None:
    with db.session() as session:
        statements.clear()
        rows = participation(session, TEAM_ID, "2026-W48")
        assert len(statements) == 1
    assert [(r.team_name, len(r.people)) for r in rows] == [("Sales", 6), (None, 1)]
    sales, no_team = rows
    assert _names(sales.prompted) == ["Ani", "Budi", "Citra", "Fajar", "Indra"]
    assert _names(sales.answered) == ["Ani", "Indra"]
    assert _names(sales.late) == ["Budi"]
    assert _names(sales.waiting) == ["Citra", "Fajar"]
    assert _names(sales.not_prompted) == ["Dewi"]
    assert [p.answered_late for p in sales.answered] == [False, True]
    assert _names(no_team.answered) == ["Gita"] and no_team.prompted == []


def test_late_also_counts_a_reminder_that_is_due_but_not_sent(
    db: Database, organisation: None
) -> None:
    with db.session() as session:
        later = participation(session, TEAM_ID, "2026-W48", now=REMINDER_DUE + timedelta(hours=1))
    assert _names(later[0].late) == ["Budi", "Citra", "Fajar"]


def test_a_monthly_team_reports_under_its_own_period_key(db: Database, organisation: None) -> None:
    with db.session() as session:
        rows = participation(session, TEAM_ID, "2026-11")
    assert [(r.team_name, _names(r.waiting)) for r in rows] == [("Ops", ["Hadi"])]
