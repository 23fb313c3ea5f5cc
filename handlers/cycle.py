"""What one cycle contributes to the app, declared in one place per cycle.

A cycle (planning, monitoring, review, reward, reporting, and the people commands every cycle
shares) is one `Cycle` value, `CYCLE` in its handlers package. handlers/cycles.py lists them;
the app factory registers their listeners, the command router routes their subcommands, the
App Home shows their sections and the scheduler ticks their tasks, all in that list's order.
Adding a cycle means writing its packages and adding one line to that list: nothing registers
itself by being imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App

from bot.slack.services import Services
from bot.ticks import TickTask
from handlers.commands import Subcommand
from handlers.home import HomeSection

Listeners = Callable[[App, Services], None]


@dataclass(frozen=True)
class Cycle:
    name: str
    subcommands: tuple[Subcommand, ...] = ()
    listeners: Listeners | None = None  # wires the cycle's Bolt listeners on the app
    home: HomeSection | None = None  # its part of the App Home
    tick_tasks: tuple[TickTask, ...] = ()
