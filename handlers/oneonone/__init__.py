"""1:1s: a manager's series with each report, agendas built from the check-ins in the pair's
group DM, talking points, shared and private notes, action items that carry over."""

from __future__ import annotations

from slack_bolt import App

from bot.oneonone.home import oneonone_section
from bot.oneonone.tasks import TICK_TASKS
from bot.permissions import Action
from bot.slack.services import Services
from handlers.commands import Subcommand
from handlers.cycle import Cycle
from handlers.oneonone import command, meetings, series


def listeners(app: App, services: Services) -> None:
    series.register(app, services)
    meetings.register(app, services)


CYCLE = Cycle(
    "oneonone",
    subcommands=(
        Subcommand(
            "1on1", Action.HOLD_ONE_ON_ONE, "cmd.oneonone.usage", "cmd.oneonone.help",
            command.oneonone_command, aliases=("satu-satu",), read_only=True,
        ),
    ),
    listeners=listeners,
    home=oneonone_section,
    tick_tasks=TICK_TASKS,
)  # fmt: skip
