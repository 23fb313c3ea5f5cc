"""The organisation the ack-latency benchmark runs against, bulk-loaded in seconds.

Shape (N employees, 3 goals each, C check-ins spread over the last C/N weeks):

- employee 0 is an admin, employee 1 is HR; every 10th is a manager of the next nine, every
  100th leads a team of 100 (and reports to employee 0). Team leads own their team's goal,
  employee 0 also the company goal; everybody else's goals are personal and aligned to their
  team's goal, and one in five people has a goal waiting for their manager's approval.
- each goal has one metric key result; each person has one check-in per past week, the last
  week's still unacknowledged by the manager, the last two with a confidence per goal.

Rows are inserted with explicit primary keys (`session.execute(insert(Model), rows)` in chunks),
so the benchmark knows every id without asking the database, and PostgreSQL's sequences are
moved past them afterwards.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from bot.monitoring.periods import Period, period_containing
from storage.checkins import Checkin, CheckinGoalUpdate
from storage.db import Database
from storage.goals import Goal, KeyResult
from storage.models import Base, Employee, Team, Workspace

TEAM_ID = "T0BENCH"
ZONE = "Asia/Jakarta"
CHUNK = 10_000
GOALS_PER_PERSON = 3
TEAM_SIZE = 100
GROUP_SIZE = 10


@dataclass(frozen=True)
class Size:
    employees: int
    goals: int
    checkins: int

    @property
    def weeks(self) -> int:
        return max(1, self.checkins // self.employees)

    @property
    def key(self) -> str:
        return f"{self.employees}e-{self.goals}g-{self.checkins}c"


FULL = Size(10_000, 30_000, 500_000)
QUICK = Size(1_000, 3_000, 50_000)


def slack_id(i: int) -> str:
    return f"U{i:08d}"


def employee_id(i: int) -> int:
    return i + 1


def manager_of(i: int) -> int | None:
    """Index of the person's manager (None for employee 0)."""
    if i == 0:
        return None
    if i % TEAM_SIZE == 0:
        return 0
    if i % GROUP_SIZE == 0:
        return (i // TEAM_SIZE) * TEAM_SIZE
    return (i // GROUP_SIZE) * GROUP_SIZE


def role_of(i: int) -> str:
    if i == 0:
        return "admin"
    if i == 1:
        return "hr"
    return "manager" if i % GROUP_SIZE == 0 else "employee"


def goal_ids(i: int) -> list[int]:
    return [i * GOALS_PER_PERSON + k + 1 for k in range(GOALS_PER_PERSON)]


def team_goal_id(team: int) -> int:
    return 2 if team == 0 else goal_ids(team * TEAM_SIZE)[0]


def active_goal_ids(i: int) -> list[int]:
    """The goals a check-in of person i asks about (the pending one is not active yet)."""
    ids = goal_ids(i)
    return ids[:-1] if _has_pending(i) else ids


def _has_pending(i: int) -> bool:
    return i % 5 == 4


def current_period(now: datetime) -> Period:
    return period_containing("weekly", now.astimezone(ZoneInfo(ZONE)).date())


def checkin_id(i: int, weeks_ago: int, size: Size) -> int:
    """The seeded check-in of person i, `weeks_ago` (1..weeks) before the seeding week."""
    return i * size.weeks + weeks_ago


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _employees(size: Size, now: datetime) -> Iterator[dict[str, Any]]:
    for i in range(size.employees):
        manager = manager_of(i)
        yield {
            "id": employee_id(i),
            "team_id": TEAM_ID,
            "slack_id": slack_id(i),
            "name": f"Person {i}",
            "email": f"person{i}@example.com",
            "tz": ZONE,
            "locale": "id-ID" if i % 2 else "en-US",
            "manager_id": employee_id(manager) if manager is not None else None,
            "role": role_of(i),
            "org_team_id": i // TEAM_SIZE + 1,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }


def _goal_row(goal_id: int, i: int, now: datetime, due: date, **values: Any) -> dict[str, Any]:
    row = {
        "id": goal_id,
        "team_id": TEAM_ID,
        "owner_id": employee_id(i),
        "level": "personal",
        "kind": "performance",
        "title": f"Goal {goal_id} of person {i}",
        "description": "Why it matters: customers & the team.",
        "weight": 1.0,
        "due_date": due,
        "parent_id": team_goal_id(i // TEAM_SIZE),
        "org_team_id": None,
        "status": "active",
        "approver_id": None,
        "approval_key": None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    row.update(values)
    return row


def _goals(size: Size, now: datetime) -> Iterator[dict[str, Any]]:
    due = (now + timedelta(days=90)).date()
    for i in range(size.employees):
        ids = goal_ids(i)
        for position, goal_id in enumerate(ids):
            values: dict[str, Any] = {}
            if i == 0 and position == 0:
                values = {"level": "company", "parent_id": None}
            elif i == 0 and position == 1:
                values = {"level": "team", "parent_id": 1, "org_team_id": 1}
            elif i % TEAM_SIZE == 0 and i > 0 and position == 0:
                values = {"level": "team", "parent_id": 1, "org_team_id": i // TEAM_SIZE + 1}
            elif _has_pending(i) and position == len(ids) - 1:
                manager = manager_of(i)
                values = {
                    "status": "pending_approval",
                    "approver_id": employee_id(manager) if manager is not None else None,
                    "approval_key": f"goal:{goal_id}:v1:approval",
                }
            yield _goal_row(goal_id, i, now, due, **values)


def _key_results(size: Size, now: datetime) -> Iterator[dict[str, Any]]:
    for goal_id in range(1, size.employees * GOALS_PER_PERSON + 1):
        yield {
            "id": goal_id,
            "team_id": TEAM_ID,
            "goal_id": goal_id,
            "position": 0,
            "title": f"Key result of goal {goal_id}",
            "kind": "metric",
            "start_value": 0.0,
            "target_value": 100.0,
            "current_value": float(goal_id * 7 % 100),
            "unit": "points",
            "done": False,
            "updated_at": now,
        }


def _checkins(size: Size, now: datetime) -> Iterator[dict[str, Any]]:
    this_week = current_period(now)
    weeks: list[tuple[int, Period]] = []
    period = this_week
    for weeks_ago in range(1, size.weeks + 1):
        period = period.previous()
        weeks.append((weeks_ago, period))
    for i in range(size.employees):
        manager = manager_of(i)
        for weeks_ago, period in weeks:
            submitted = datetime.combine(period.start + timedelta(days=4), datetime.min.time(), UTC)
            submitted += timedelta(hours=8)
            yield {
                "id": checkin_id(i, weeks_ago, size),
                "team_id": TEAM_ID,
                "employee_id": employee_id(i),
                "manager_id": employee_id(manager) if manager is not None else None,
                "period": period.key,
                "mood": (i + weeks_ago) % 5 + 1,
                "wins": f"Closed item {weeks_ago} <for> the team",
                "support": "",
                "plans": "Keep going",
                "submitted_at": submitted,
                "updated_at": submitted,
                "edits": 0,
                "acknowledged_at": None if weeks_ago == 1 else submitted + timedelta(days=1),
                "summary_version": 0,
            }


def _goal_updates(size: Size) -> Iterator[dict[str, Any]]:
    next_id = 1
    for i in range(size.employees):
        for weeks_ago in range(1, min(2, size.weeks) + 1):
            for goal_id in active_goal_ids(i):
                yield {
                    "id": next_id,
                    "team_id": TEAM_ID,
                    "checkin_id": checkin_id(i, weeks_ago, size),
                    "goal_id": goal_id,
                    "confidence": ("on_track", "at_risk", "off_track")[(i + goal_id) % 3],
                    "progress_before": 0.1,
                    "progress_after": 0.2,
                }
                next_id += 1


def seed(db: Database, size: Size, now: datetime, log: Callable[[str], None] = print) -> float:
    """Fill a migrated, empty database; returns the seconds it took."""
    started = time.perf_counter()
    tables: list[tuple[type[Base], Iterator[dict[str, Any]]]] = [
        (Employee, _employees(size, now)),
        (Goal, _goals(size, now)),
        (KeyResult, _key_results(size, now)),
        (Checkin, _checkins(size, now)),
        (CheckinGoalUpdate, _goal_updates(size)),
    ]
    with db.session() as session:
        session.add(Workspace(team_id=TEAM_ID, name="Bench", bot_user_id="UBOT", created_at=now))
        teams = size.employees // TEAM_SIZE + 1
        session.execute(
            insert(Team),
            [
                {"id": t + 1, "team_id": TEAM_ID, "name": f"Team {t:03d}", "created_at": now}
                for t in range(teams)
            ],
        )
        session.flush()
        for model, rows in tables:
            count = 0
            # Ids grow from managers to reports and from parent goals to children, so every
            # foreign key already points at an inserted row.
            for batch in _chunks(rows):
                session.execute(insert(model), batch)
                count += len(batch)
            log(f"  {model.__tablename__}: {count:,} rows ({time.perf_counter() - started:.0f} s)")
        if db.is_postgres:
            _move_sequences(session, [Team, Employee, Goal, KeyResult, Checkin, CheckinGoalUpdate])
    if db.is_postgres:
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return time.perf_counter() - started


def _move_sequences(session: Session, models: list[type[Base]]) -> None:
    for model in models:
        table = model.__tablename__
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )


def cache_name(size: Size, now: datetime, migrations: Path) -> str:
    """Seeded files are reused while the schema and the week stay the same."""
    schema = hashlib.sha256()
    for path in sorted(migrations.glob("*.py")):
        schema.update(path.name.encode() + path.read_bytes())
    week = current_period(now).key
    return f"ack-seed-{size.key}-{week}-{schema.hexdigest()[:10]}.db"
