"""1:1s: a manager's series with each report, agendas built from the check-ins in the pair's
group DM, talking points, shared and private notes, action items that carry over."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks.oneonone_home import home_blocks
from bot.oneonone.home import load_home
from bot.oneonone.tasks import TICK_TASKS
from bot.permissions import Action
from bot.slack.services import Services
from handlers.commands import Subcommand
from handlers.cycle import Cycle
from handlers.home import HomeContext
from handlers.oneonone import command, meetings, series


def listeners(app: App, services: Services) -> None:
    series.register(app, services)
    meetings.register(app, services)


def home_section(home: HomeContext) -> list[dict[str, Any]]:
    """The loader (bot/oneonone/home.py) reads; the renderer only draws what it returned."""
    return home_blocks(home.tr, load_home(home.session, home.employee, home.settings, home.now))


CYCLE = Cycle(
    "oneonone",
    subcommands=(
        Subcommand(
            "1on1", Action.HOLD_ONE_ON_ONE, "cmd.oneonone.usage", "cmd.oneonone.help",
            command.oneonone_command, aliases=("satu-satu",), read_only=True,
        ),
    ),
    listeners=listeners,
    home=home_section,
    tick_tasks=TICK_TASKS,
)  # fmt: skip
