"""The 1:1 part of a review's evidence (bot/blocks/review_modals.py shows it): the action
items completed in the review period, with who did them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.blocks.oneonone import clean_line, day, mention
from bot.blocks.text import section, truncate
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.oneonone.evidence import ActionItemEvidence

SHOWN = 5


def action_item_evidence(
    tr: Translator, items: Sequence[ActionItemEvidence], total: int
) -> list[dict[str, Any]]:
    lines = [
        tr(
            "oneonone.evidence.line",
            title=clean_line(item.title, 150),
            owner=mention(item.owner_slack_id),
            date=day(tr, item.done_on),
        )
        for item in items[:SHOWN]
    ]
    if total > len(lines):
        lines.append("_" + tr("oneonone.more", count=total - len(lines)) + "_")
    body = "\n".join(lines) if lines else "_" + tr("oneonone.evidence.none") + "_"
    return [section(truncate(f"*{tr('oneonone.evidence.title')}*\n{body}", 3000))]
