"""The `/kinerja` subcommands, what each needs, and where its help text lives.

The help answer is built from this list filtered by the person's role, so nobody is shown a
command they may not use. Each cycle adds its subcommands here when it is built.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.permissions import Action


@dataclass(frozen=True)
class Subcommand:
    name: str
    action: Action
    usage_key: str
    help_key: str
    aliases: tuple[str, ...] = ()
    refusal_key: str = "error.permission"  # what someone without `action` is told


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("help", Action.VIEW_HELP, "cmd.help.usage", "cmd.help.help", ("bantuan",)),
    Subcommand("me", Action.VIEW_OWN_PROFILE, "cmd.me.usage", "cmd.me.help", ("saya",)),
    Subcommand("org", Action.VIEW_ORG_SUMMARY, "cmd.org.usage", "cmd.org.help", ("organisasi",)),
    Subcommand("goal", Action.WRITE_PERSONAL_GOAL, "cmd.goal.usage", "cmd.goal.help", ("sasaran",)),
    Subcommand(
        "goals", Action.VIEW_GOALS, "cmd.goals.usage", "cmd.goals.help", ("daftar-sasaran",)
    ),
    Subcommand("kudos", Action.GIVE_KUDOS, "cmd.kudos.usage", "cmd.kudos.help", ("apresiasi",)),
    Subcommand(
        "kudos-settings",
        Action.CONFIGURE_RECOGNITION,
        "cmd.kudos_settings.usage",
        "cmd.kudos_settings.help",
        ("pengaturan-apresiasi",),
    ),
    Subcommand("checkin", Action.CHECK_IN, "cmd.checkin.usage", "cmd.checkin.help", ("lapor",)),
    Subcommand("away", Action.SET_AWAY, "cmd.away.usage", "cmd.away.help", ("cuti",)),
    Subcommand(
        "admin", Action.CONFIGURE_SCHEDULE, "cmd.admin.usage", "cmd.admin.help", ("jadwal",)
    ),
    Subcommand(
        "review", Action.VIEW_OWN_REVIEWS, "cmd.review.usage", "cmd.review.help", ("reviu",)
    ),
    Subcommand(
        "review-cycle",
        Action.OPEN_REVIEW_CYCLE,
        "cmd.review_cycle.usage",
        "cmd.review_cycle.help",
        ("siklus-reviu",),
        refusal_key="review.error.hr_only",  # the same answer as `review open` & co.
    ),
    Subcommand(
        "report", Action.VIEW_TEAM_REPORT, "cmd.report.usage", "cmd.report.help", ("laporan",)
    ),
    Subcommand("export", Action.EXPORT_DATA, "cmd.export.usage", "cmd.export.help", ("ekspor",)),
)


def find(name: str) -> Subcommand | None:
    wanted = name.lower()
    for command in SUBCOMMANDS:
        if wanted == command.name or wanted in command.aliases:
            return command
    return None
