"""Reporting: HR's and managers' digests, reports on demand, and exports."""

from __future__ import annotations

from bot.permissions import Action
from bot.reporting.tasks import TICK_TASKS
from handlers.commands import Subcommand
from handlers.cycle import Cycle
from handlers.reporting import reports

CYCLE = Cycle(
    "reporting",
    subcommands=(
        Subcommand(
            "report", Action.VIEW_TEAM_REPORT, "cmd.report.usage", "cmd.report.help",
            reports.report_command, aliases=("laporan",), read_only=True,
        ),
        Subcommand(
            "export", Action.EXPORT_DATA, "cmd.export.usage", "cmd.export.help",
            reports.export_command, aliases=("ekspor",),
        ),
    ),
    tick_tasks=TICK_TASKS,
)  # fmt: skip
