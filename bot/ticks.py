"""The schedule is data; the scheduler only ticks.

`tick(now)` looks at the database and the clock and enqueues what is due, with an idempotency
key per (person, kind, period), so restarts, missed ticks and parallel instances are harmless.
APScheduler calls it every minute in `kinerja run`; `kinerja tick --at` calls it by hand, which
is also how the tests travel in time. Cycles add their work to TICK_TASKS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.clock import zone_of
from bot.config import Settings
from storage.db import Database
from storage.models import Employee, JobRun, Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickContext:
    session: Session
    workspace: Workspace
    settings: Settings
    now: datetime


TickTask = Callable[[TickContext], int]


@dataclass
class TickReport:
    at: datetime
    done: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.done.values())


def claim_run(session: Session, team_id: str, job: str, period: str, now: datetime) -> bool:
    """True for the first caller for (workspace, job, period); False for every later one."""
    try:
        with session.begin_nested():
            session.add(JobRun(team_id=team_id, job=job, period=period, at=now))
    except IntegrityError:
        return False
    return True


def end_expired_leave(ctx: TickContext) -> int:
    """`away until D` means away through D; from the next local day the person is back."""
    people = ctx.session.scalars(
        select(Employee).where(
            Employee.team_id == ctx.workspace.team_id, Employee.away_until.is_not(None)
        )
    ).all()
    ended = 0
    for person in people:
        today = ctx.now.astimezone(zone_of(person.tz, ctx.settings.default_tz)).date()
        if person.away_until is not None and person.away_until < today:
            audit.record(
                ctx.session,
                team_id=person.team_id,
                actor=None,
                action="away.ended",
                subject=person.slack_id,
                detail={"until": person.away_until.isoformat()},
                at=ctx.now,
            )
            person.away_until = None
            person.updated_at = ctx.now
            ended += 1
    return ended


TICK_TASKS: dict[str, TickTask] = {"end_expired_leave": end_expired_leave}


def tick(db: Database, settings: Settings, now: datetime) -> TickReport:
    """One pass over every workspace; each task in its own transaction so one failure is
    contained and retried on the next tick, never half-applied."""
    import bot.scheduler_tasks  # noqa: F401  (registers every cycle's tasks)

    report = TickReport(at=now)
    with db.session() as session:
        team_ids = list(session.scalars(select(Workspace.team_id)))
    for team_id in team_ids:
        for name, task in TICK_TASKS.items():
            try:
                with db.session() as session:
                    workspace = session.get(Workspace, team_id)
                    if workspace is None:
                        continue
                    count = task(TickContext(session, workspace, settings, now))
                report.done[name] = report.done.get(name, 0) + count
            except Exception:
                log.exception("tick task %s failed for %s", name, team_id)
                report.failed.append(f"{team_id}:{name}")
    return report
