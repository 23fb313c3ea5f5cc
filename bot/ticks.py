"""The schedule is data; the scheduler only ticks.

`tick(now)` looks at the database and the clock and enqueues what is due (in the outbox's
*scheduled* lane unless a task names another), with an idempotency
key per (person, kind, period), so restarts, missed ticks and parallel instances are harmless.
APScheduler calls it every minute in `kinerja run`; `kinerja tick --at` calls it by hand, which
is also how the tests travel in time.

Each cycle declares its tick tasks with the rest of what it contributes (handlers/cycles.py);
whoever ticks passes that list in, so no task is registered by importing a module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.outbox import Lane, default_lane
from bot.ports import Ports
from storage.db import Database
from storage.models import JobRun, Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickContext:
    session: Session
    workspace: Workspace
    settings: Settings
    now: datetime
    ports: Ports = field(default_factory=Ports)  # what a task may ask of Slack (bot/ports.py)


@dataclass(frozen=True)
class TickTask:
    """One piece of scheduled work: `run` returns how many things it did."""

    name: str
    run: Callable[[TickContext], int]


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


def tick(
    db: Database,
    settings: Settings,
    now: datetime,
    tasks: Sequence[TickTask],
    ports: Ports | None = None,
) -> TickReport:
    """One pass over every workspace; each task in its own transaction so one failure is
    contained and retried on the next tick, never half-applied."""
    ports = ports or Ports()
    report = TickReport(at=now)
    with db.session() as session:
        team_ids = list(session.scalars(select(Workspace.team_id)))
    for team_id in team_ids:
        for task in tasks:
            try:
                with db.session() as session, default_lane(session, Lane.SCHEDULED):
                    workspace = session.get(Workspace, team_id)
                    if workspace is None:
                        continue
                    count = task.run(TickContext(session, workspace, settings, now, ports))
                report.done[task.name] = report.done.get(task.name, 0) + count
            except Exception:
                log.exception("tick task %s failed for %s", task.name, team_id)
                report.failed.append(f"{team_id}:{task.name}")
    return report
