"""The Recognition section of the App Home: recent kudos received, this year's counts by value
and a **Give kudos** button."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from bot.blocks.home import HomeContext
from bot.blocks.reward import GIVE_ACTION, mention, quote, safe_label
from bot.blocks.text import button, context, header, section
from bot.clock import zone_of
from bot.reward.kudos import kudos_received, received_by_value
from bot.reward.settings import FALLBACK_TZ

RECENT = 5
QUOTE_LIMIT = 600


def _when(at: datetime) -> str:
    """Slack renders the date in the reader's own zone and language."""
    return f"<!date^{int(at.timestamp())}^{{date_short}}|{at.date().isoformat()}>"


def reward_section(home: HomeContext) -> list[dict[str, Any]]:
    tr, employee = home.tr, home.employee
    zone = zone_of(employee.tz, FALLBACK_TZ)
    year = home.now.astimezone(zone).year
    since = datetime.combine(date(year, 1, 1), time(0), tzinfo=zone)
    blocks: list[dict[str, Any]] = [header(tr("home.kudos.title"))]
    recent = kudos_received(home.session, employee, limit=RECENT)
    if not recent:
        blocks.append(context(tr("home.kudos.empty"), tr("reward.home.empty_hint")))
    else:
        counts = received_by_value(home.session, employee, since)
        if counts:
            parts = [
                f"{safe_label(value, tr.locale) if value else tr('reward.value.none')} *{count}*"
                for value, count in counts
            ]
            total = sum(count for _, count in counts)
            blocks.append(
                section(tr("reward.home.counts", year=year, count=total) + "\n" + " · ".join(parts))
            )
        blocks.append(section(tr("reward.home.recent")))
        for kudos in recent:
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

