"""The App Home's check-in section: this period's check-in, open obstacles, and for a manager
the team's open obstacles and the check-ins waiting for them.

Drawn from the `CheckinStatus` the core loads (bot/monitoring/home.py), which holds plain
values: rendering runs no query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_datetime

from bot.blocks.monitoring import (
    OBSTACLE_HELP,
    OBSTACLE_RESOLVE,
    START_CHECKIN,
    period_label,
    short_date,
)
from bot.blocks.text import button, context, escape, header, section, truncate
from bot.i18n import Translator
from bot.monitoring.home import HOME_LIMIT, CheckinStatus
from bot.monitoring.summary import ObstacleLine
from storage.checkins import ObstacleStatus


def _when(tr: Translator, at: datetime, status: CheckinStatus) -> str:
    return format_datetime(at.astimezone(status.zone), "EEE d MMM, HH:mm", locale=tr.locale)


def _obstacle_text(tr: Translator, obstacle: ObstacleLine, now: datetime, who: str = "") -> str:
    status = tr(f"monitoring.obstacle.status.{obstacle.status}")
    days = max(0, (now - obstacle.opened_at).days)
    if days:
        meta = tr.n("monitoring.home.obstacle_meta", days, status=status)
    else:
        meta = tr("monitoring.home.obstacle_today", status=status)
    prefix = f"{who}: " if who else ""
    return f":construction: {prefix}{escape(truncate(obstacle.text, 300))}\n_{meta}_"


def section_blocks(tr: Translator, status: CheckinStatus, now: datetime) -> list[dict[str, Any]]:
    label = period_label(tr, status.period)
    if status.checked_in_at is None:
        key = "monitoring.home.overdue" if status.overdue else "monitoring.home.todo"
        line = tr(key, period=label, when=_when(tr, status.prompt_due, status))
        action = button(tr("monitoring.button.start"), START_CHECKIN, status.period.key, "primary")
    else:
        when = _when(tr, status.checked_in_at, status)
        line = tr("monitoring.home.done", period=label, when=when)
        action = button(tr("monitoring.home.edit"), START_CHECKIN, status.period.key)
    blocks: list[dict[str, Any]] = [
        header(tr("home.checkins.title")),
        section(line, accessory=action),
    ]
    if status.away_until is not None:
        blocks.append(context(tr("monitoring.home.away", date=short_date(tr, status.away_until))))
    if status.own_obstacles:
        blocks.append(section(tr("monitoring.home.own_obstacles")))
        for obstacle in status.own_obstacles[:HOME_LIMIT]:
            text = _obstacle_text(tr, obstacle, now)
            resolve = button(tr("monitoring.button.resolved"), OBSTACLE_RESOLVE, str(obstacle.id))
            blocks.append(section(text, accessory=resolve))
        if len(status.own_obstacles) > HOME_LIMIT:
            blocks.append(context(tr("monitoring.home.more")))
    if status.team_obstacles or status.to_acknowledge:
        blocks.append(section(tr("monitoring.home.team_title")))
        if status.to_acknowledge:
            blocks.append(context(tr.n("monitoring.home.to_acknowledge", status.to_acknowledge)))
        for obstacle in status.team_obstacles[:HOME_LIMIT]:
            text = _obstacle_text(tr, obstacle, now, f"<@{obstacle.employee_slack_id}>")
            if obstacle.status == ObstacleStatus.OPEN:
                step = button(tr("monitoring.button.help"), OBSTACLE_HELP, str(obstacle.id))
            else:
                step = button(tr("monitoring.button.resolved"), OBSTACLE_RESOLVE, str(obstacle.id))
            blocks.append(section(text, accessory=step))
        if len(status.team_obstacles) > HOME_LIMIT:
            blocks.append(context(tr("monitoring.home.more")))
    return blocks
