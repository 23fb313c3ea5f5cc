"""One scheduler pass with the app's own task list, as `kinerja tick` runs it.

A test that wants only some tasks (so another cycle's work cannot interfere) sets `ONLY`
through monkeypatch, or passes `only`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot import ticks
from bot.config import Settings
from bot.ports import Ports
from bot.slack.ports import slack_ports
from bot.ticks import TickReport, TickTask
from handlers.cycles import TICK_TASKS
from storage.db import Database

ONLY: Collection[str] | None = None


def only(*names: str) -> dict[str, object]:
    """For monkeypatch.setattr(ticking, "ONLY", …): unknown names fail loudly."""
    known = {task.name for task in TICK_TASKS}
    missing = set(names) - known
    assert not missing, f"no tick task named {sorted(missing)}"
    return dict.fromkeys(names)


def tick(
    db: Database,
    settings: Settings,
    now: datetime,
    *,
    tasks: Collection[TickTask] | None = None,
    ports: Ports | None = None,
) -> TickReport:
    chosen = tasks if tasks is not None else [
        task for task in TICK_TASKS if ONLY is None or task.name in ONLY
    ]
    return ticks.tick(db, settings, now, list(chosen), ports or slack_ports(settings))
