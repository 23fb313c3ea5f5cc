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


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("help", Action.VIEW_HELP, "cmd.help.usage", "cmd.help.help", ("bantuan",)),
    Subcommand("me", Action.VIEW_OWN_PROFILE, "cmd.me.usage", "cmd.me.help", ("saya",)),
    Subcommand("org", Action.VIEW_ORG_SUMMARY, "cmd.org.usage", "cmd.org.help", ("organisasi",)),
)


def find(name: str) -> Subcommand | None:
    wanted = name.lower()
    for command in SUBCOMMANDS:
        if wanted == command.name or wanted in command.aliases:
            return command
    return None
