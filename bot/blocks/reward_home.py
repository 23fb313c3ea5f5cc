"""The Recognition section of the App Home: recent kudos received, this year's counts by value
and a **Give kudos** button. Rendered from what bot/reward/home.py read: no queries here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.reward import GIVE_ACTION, mention, quote, safe_label
from bot.blocks.text import button, context, header, section
from bot.i18n import Translator
from bot.reward.home import RecognitionHome

QUOTE_LIMIT = 600


def _when(at: datetime) -> str:
    """Slack renders the date in the reader's own zone and language."""
    return f"<!date^{int(at.timestamp())}^{{date_short}}|{at.date().isoformat()}>"


def reward_section(tr: Translator, home: RecognitionHome) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [header(tr("home.kudos.title"))]
    if not home.recent:
        blocks.append(context(tr("home.kudos.empty"), tr("reward.home.empty_hint")))
    else:
        if home.by_value:
            parts = [
                f"{safe_label(value, tr.locale) if value else tr('reward.value.none')} *{count}*"
                for value, count in home.by_value
            ]
            blocks.append(
                section(
                    tr("reward.home.counts", year=home.year, count=home.total)
                    + "\n"
                    + " · ".join(parts)
                )
            )
        blocks.append(section(tr("reward.home.recent")))
        for kudos in home.recent:
            label = f" · {safe_label(kudos.value, tr.locale)}" if kudos.value else ""
            line = f"{mention(kudos.giver.slack_id)}{label} · {_when(kudos.created_at)}"
            blocks.append(section(line + "\n" + quote(kudos.message, QUOTE_LIMIT)))
    blocks.append(
        {
            "type": "actions",
            "block_id": "reward_home_actions",
            "elements": [button(tr("reward.button.give"), GIVE_ACTION, "home", "primary")],
        }
    )
    return blocks
