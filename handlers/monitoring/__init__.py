"""Monitoring: check-ins prompted at each person's local time, obstacles tracked to resolution."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks.monitoring_home import section_blocks
from bot.monitoring.home import checkin_status
from bot.monitoring.tasks import TICK_TASKS
from bot.permissions import Action
from bot.slack.services import Services
from handlers.commands import Subcommand
from handlers.cycle import Cycle
from handlers.home import HomeContext
from handlers.monitoring import admin, checkins


def home(ctx: HomeContext) -> list[dict[str, Any]]:
    """The person's check-ins on their App Home: the core loads it, the blocks draw it."""
    status = checkin_status(ctx.session, ctx.employee, settings=ctx.settings, now=ctx.now)
    return section_blocks(ctx.tr, status, ctx.now)


def listeners(app: App, services: Services) -> None:
    checkins.register(app, services)
    admin.register(app, services)


CYCLE = Cycle(
    "monitoring",
    subcommands=(
        Subcommand(
            "checkin", Action.CHECK_IN, "cmd.checkin.usage", "cmd.checkin.help",
            checkins.checkin_command, aliases=("lapor",),
        ),
        Subcommand(
            "away", Action.SET_AWAY, "cmd.away.usage", "cmd.away.help",
            admin.away_command, aliases=("cuti",),
        ),
        Subcommand(
            "admin", Action.CONFIGURE_SCHEDULE, "cmd.admin.usage", "cmd.admin.help",
            admin.admin_command, aliases=("jadwal",),
        ),
    ),
    listeners=listeners,
    home=home,
    tick_tasks=TICK_TASKS,
)  # fmt: skip
