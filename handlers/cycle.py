"""What one cycle contributes to the app, declared in one place per cycle.

A cycle (planning, monitoring, review, reward, reporting, and the people commands every cycle
shares) is one `Cycle` value in its handlers package. handlers/cycles.py lists them; the app
factory registers their listeners, the command router routes their subcommands, the App Home
shows their sections and the scheduler ticks their tasks, in that list's order. Adding a cycle
means writing its packages and adding one line to that list: nothing registers itself by
being imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App

from bot.slack.services import Services
from bot.ticks import TickTask

Listeners = Callable[[App, Services], None]


@dataclass(frozen=True)
class Cycle:
    name: str
    listeners: Listeners | None = None
    tick_tasks: tuple[TickTask, ...] = ()
