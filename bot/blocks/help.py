"""The `/kinerja help` answer: what this person's role may do, in their language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from bot.blocks.text import context, escape, header, section
from bot.i18n import Translator
from bot.permissions import ROLE_ACTIONS, Action
from storage.models import Role


class HelpEntry(Protocol):
    """What help shows of a subcommand (handlers/commands.py's Subcommand is one)."""

    @property
    def action(self) -> Action: ...

    @property
    def usage_key(self) -> str: ...

    @property
    def help_key(self) -> str: ...


def help_message(
    tr: Translator, role: Role, commands: Iterable[HelpEntry], unknown: str | None = None
) -> dict[str, Any]:
    """An ephemeral response body listing the `commands` the role may use; `unknown` is the
    subcommand the person mistyped, if any."""
    allowed = ROLE_ACTIONS[role]
    lines = [
        f"`/kinerja {tr(command.usage_key)}` — {tr(command.help_key)}"
        for command in commands
        if command.action in allowed
    ]
    blocks: list[dict[str, Any]] = []
    if unknown is not None:
        blocks.append(section(tr("help.unknown", command=escape(unknown[:50]))))
    blocks.append(header(tr("help.title")))
    blocks.append(section(tr("help.intro")))
    blocks.append(section("\n".join(lines)))
    blocks.append(context(tr("help.footer", role=tr(f"role.{role.value}"))))
    fallback = tr("help.title") + "\n" + "\n".join(lines)
    return {"response_type": "ephemeral", "text": fallback, "blocks": blocks}
