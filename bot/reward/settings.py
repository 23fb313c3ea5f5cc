"""Recognition settings an admin changes from Slack: channel, daily cap, monthly summary, values.

Stored with bot.org.settings (audited JSON per workspace) under `reward.*` keys, with the
defaults here, so a fresh workspace recognises people without any set-up: kudos go to the
recipients' DMs until a channel is chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.org.settings import set_setting
from bot.permissions import Action, require
from bot.reward.errors import SettingsRejected
from bot.reward.values import ValueSpec, all_values, save_values, values_to_text
from storage.models import Employee, WorkspaceSetting

CHANNEL_KEY = "reward.recognition_channel"
DAILY_CAP_KEY = "reward.daily_cap"
MONTHLY_SUMMARY_KEY = "reward.monthly_summary"

DEFAULT_DAILY_CAP = 5
MAX_DAILY_CAP = 50
CHANNEL_PATTERN = re.compile(r"[CG][A-Z0-9]{2,}")

# The product's own defaults (bot.config), for callers that have no Settings at hand.
FALLBACK_TZ = "Asia/Jakarta"
FALLBACK_LOCALE = "id"


@dataclass(frozen=True)
class RecognitionSettings:
    channel: str | None
    daily_cap: int
    monthly_summary: bool


def recognition_settings(session: Session, team_id: str) -> RecognitionSettings:
    """All three settings in one query; a malformed stored value falls back to the default."""
    rows: dict[str, Any] = dict(
        session.execute(
            select(WorkspaceSetting.key, WorkspaceSetting.value).where(
                WorkspaceSetting.team_id == team_id,
                WorkspaceSetting.key.in_((CHANNEL_KEY, DAILY_CAP_KEY, MONTHLY_SUMMARY_KEY)),
            )
        ).all()
    )
    channel = rows.get(CHANNEL_KEY)
    cap = rows.get(DAILY_CAP_KEY)
    monthly = rows.get(MONTHLY_SUMMARY_KEY)
    return RecognitionSettings(
        channel=channel
        if isinstance(channel, str) and CHANNEL_PATTERN.fullmatch(channel)
        else None,
        daily_cap=cap
        if isinstance(cap, int) and not isinstance(cap, bool) and 1 <= cap <= MAX_DAILY_CAP
        else DEFAULT_DAILY_CAP,
        monthly_summary=monthly if isinstance(monthly, bool) else True,
    )


def parse_daily_cap(text: str | None) -> int:
    try:
        cap = int((text or "").strip())
    except ValueError:
        raise SettingsRejected(
            "daily_cap", "reward.settings.error.cap", max=MAX_DAILY_CAP
        ) from None
    if not 1 <= cap <= MAX_DAILY_CAP:
        raise SettingsRejected("daily_cap", "reward.settings.error.cap", max=MAX_DAILY_CAP)
    return cap


def update_recognition_settings(
    session: Session,
    actor: Employee,
    *,
    channel: str | None,
    daily_cap: int,
    monthly_summary: bool,
    values: list[ValueSpec],
    now: datetime,
) -> None:
    """Save what changed (each change audited); HR and admins only."""
    require(actor, Action.CONFIGURE_RECOGNITION)
    if channel is not None and not CHANNEL_PATTERN.fullmatch(channel):
        raise SettingsRejected("channel", "reward.settings.error.channel")
    if not 1 <= daily_cap <= MAX_DAILY_CAP:
        raise SettingsRejected("daily_cap", "reward.settings.error.cap", max=MAX_DAILY_CAP)
    current = recognition_settings(session, actor.team_id)
    wanted: dict[str, Any] = {
        CHANNEL_KEY: (channel, current.channel),
        DAILY_CAP_KEY: (daily_cap, current.daily_cap),
        MONTHLY_SUMMARY_KEY: (monthly_summary, current.monthly_summary),
    }
    for key, (new, old) in wanted.items():
        if new != old:
            set_setting(session, actor.team_id, key, new, actor=actor.slack_id, now=now)
    save_values(session, actor.team_id, values, actor=actor.slack_id, now=now)


@dataclass(frozen=True)
class SettingsForm:
    """What the settings modal shows: the current settings and the values as text."""

    settings: RecognitionSettings
    values_text: str


def settings_form(session: Session, actor: Employee) -> SettingsForm:
    require(actor, Action.CONFIGURE_RECOGNITION)
    return SettingsForm(
        recognition_settings(session, actor.team_id),
        values_to_text(all_values(session, actor.team_id)),
    )
