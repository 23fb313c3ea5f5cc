"""Planning: goals aligned from company to team to person, agreed with the manager."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks.planning_home import planning_section
from bot.permissions import Action
from bot.planning.home import planning_home
from bot.slack.services import Services
from handlers.commands import Subcommand
from handlers.cycle import Cycle
from handlers.home import HomeContext
from handlers.planning import goal_modal, goals


def listeners(app: App, services: Services) -> None:
    goals.register(app, services)
    goal_modal.register(app, services)


def home_section(home: HomeContext) -> list[dict[str, Any]]:
    """The Home's Planning section: read by the core, then drawn without a query."""
    return planning_section(home.tr, planning_home(home.session, home.employee), home.now)


CYCLE = Cycle(
    "planning",
    subcommands=(
        Subcommand(
            "goal", Action.WRITE_PERSONAL_GOAL, "cmd.goal.usage", "cmd.goal.help",
            goals.goal_command, aliases=("sasaran",), read_only=True,
        ),
        Subcommand(
            "goals", Action.VIEW_GOALS, "cmd.goals.usage", "cmd.goals.help",
            goals.goals_command, aliases=("daftar-sasaran",), read_only=True,
        ),
    ),
    listeners=listeners,
    home=home_section,
)  # fmt: skip
