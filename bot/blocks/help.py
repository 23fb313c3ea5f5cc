"""The `/kinerja help` answer: what this person's role may do, in their language."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import context, escape, header, section
from bot.command_catalog import SUBCOMMANDS
from bot.i18n import Translator
from bot.permissions import ROLE_ACTIONS
from storage.models import Role


def help_message(tr: Translator, role: Role, unknown: str | None = None) -> dict[str, Any]:
    """An ephemeral response body; `unknown` is the subcommand the person mistyped, if any."""
    allowed = ROLE_ACTIONS[role]
    lines = [
        f"`/kinerja {tr(command.usage_key)}` — {tr(command.help_key)}"
        for command in SUBCOMMANDS
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
