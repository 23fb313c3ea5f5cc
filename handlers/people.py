"""The commands every cycle shares: help, your profile, the organisation at a glance."""

from __future__ import annotations

from bot.blocks.people import org_message, profile_message
from bot.org.overview import org_summary, profile_of
from bot.permissions import Action
from bot.slack.replay import TICK_TASKS as REPLAY_TASKS
from handlers.commands import CommandRequest, Subcommand
from handlers.cycle import Cycle


def help_command(req: CommandRequest) -> None:
    req.ack(**req.catalog.help(req.tr, req.employee))


def me_command(req: CommandRequest) -> None:
    req.ack(**profile_message(req.tr, profile_of(req.session, req.employee)))


def org_command(req: CommandRequest) -> None:
    req.ack(**org_message(req.tr, org_summary(req.session, req.employee)))


CYCLE = Cycle(
    "people",
    subcommands=(
        Subcommand(
            "help", Action.VIEW_HELP, "cmd.help.usage", "cmd.help.help", help_command,
            aliases=("bantuan",), read_only=True,
        ),
        Subcommand(
            "me", Action.VIEW_OWN_PROFILE, "cmd.me.usage", "cmd.me.help", me_command,
            aliases=("saya",), read_only=True,
        ),
        Subcommand(
            "org", Action.VIEW_ORG_SUMMARY, "cmd.org.usage", "cmd.org.help", org_command,
            aliases=("organisasi",), read_only=True,
        ),
    ),
    tick_tasks=REPLAY_TASKS,  # forget the signatures no replay can use any more
)  # fmt: skip
