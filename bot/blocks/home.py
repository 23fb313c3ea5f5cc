"""The App Home tab: a greeting, then one section per cycle, in the order the app lists its
cycles (handlers/cycles.py). A view holds at most 100 blocks, so a section that would not fit
is left out whole and the view is cut to the limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.blocks.text import context, divider, escape, section
from bot.i18n import Translator
from storage.models import Employee

VIEW_BLOCK_LIMIT = 100


def home_view(
    tr: Translator, employee: Employee, parts: Iterable[list[dict[str, Any]]]
) -> dict[str, Any]:
    """The Home of `employee`, with each cycle's `parts` in turn."""
    name = escape(employee.name or employee.slack_id)
    blocks: list[dict[str, Any]] = [
        section(tr("home.greeting", name=name)),
        context(tr("home.intro")),
    ]
    for part in parts:
        if len(blocks) + 1 + len(part) > VIEW_BLOCK_LIMIT - 1:
            break
        blocks.append(divider())
        blocks.extend(part)
    blocks.append(context(tr("home.footer")))
    return {"type": "home", "blocks": blocks[:VIEW_BLOCK_LIMIT]}
