"""Reward: peer recognition all year, and reward nominations after approved reviews."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks.reward_home import reward_section
from bot.permissions import Action
from bot.reward.home import recognition_home
from bot.reward.summary import TICK_TASKS
from bot.slack.services import Services
from handlers.commands import Subcommand
from handlers.cycle import Cycle
from handlers.home import HomeContext
from handlers.reward import kudos, nominations


def listeners(app: App, services: Services) -> None:
    kudos.register(app, services)
    nominations.register(app, services)


def home(ctx: HomeContext) -> list[dict[str, Any]]:
    """The Recognition section: read by the core, then rendered without queries."""
    return reward_section(ctx.tr, recognition_home(ctx.session, ctx.employee, ctx.now))


CYCLE = Cycle(
    "reward",
    subcommands=(
        Subcommand(
            "kudos", Action.GIVE_KUDOS, "cmd.kudos.usage", "cmd.kudos.help",
            kudos.kudos_command, aliases=("apresiasi",),
        ),
        Subcommand(
            "kudos-settings", Action.CONFIGURE_RECOGNITION, "cmd.kudos_settings.usage",
            "cmd.kudos_settings.help", kudos.kudos_settings_command,
            aliases=("pengaturan-apresiasi",),
        ),
    ),
    listeners=listeners,
    home=home,
    tick_tasks=TICK_TASKS,
)  # fmt: skip
