"""The kinds of reward a manager may nominate someone for, named in both languages.

Stored as one workspace setting (`reward.types`, a list of {key, name_en, name_id}) and edited
by HR or an admin in the recognition settings modal as one line per type
(`key | English | Indonesia`), like the company values. A fresh workspace gets the defaults.
Nominations keep the key they were made with, so renaming a type renames it everywhere and
retiring one leaves past nominations readable (by their key).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.org.settings import get_setting, set_setting
from bot.permissions import Action, require
from bot.reward.errors import SettingsRejected
from bot.sanitize import strip_control
from storage.models import Employee

TYPES_KEY = "reward.types"
MAX_TYPES = 20
MAX_NAME = 60
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
FIELD = "reward_types"


@dataclass(frozen=True)
class RewardType:
    key: str
    name_en: str
    name_id: str

    def name(self, locale: str) -> str:
        return self.name_id if locale == "id" else self.name_en


DEFAULT_TYPES: tuple[RewardType, ...] = (
    RewardType("bonus", "Bonus", "Bonus"),
    RewardType("promotion", "Promotion", "Promosi"),
    RewardType("certificate", "Certificate", "Sertifikat"),
    RewardType("extra_leave", "Extra leave", "Cuti tambahan"),
)


def reward_types(session: Session, team_id: str) -> list[RewardType]:
    """The configured types in their order; the defaults when unset or unreadable."""
    stored = get_setting(session, team_id, TYPES_KEY, None)
    types = _from_json(stored)
    return types or list(DEFAULT_TYPES)


def _from_json(stored: Any) -> list[RewardType]:
    if not isinstance(stored, list):
        return []
    types: list[RewardType] = []
    for item in stored:
        if not isinstance(item, dict):
            return []
        key, name_en, name_id = item.get("key"), item.get("name_en"), item.get("name_id")
        if not all(isinstance(v, str) and v for v in (key, name_en, name_id)):
            return []
        types.append(RewardType(str(key), str(name_en), str(name_id)))
    return types


def find_type(types: Iterable[RewardType], key: str | None) -> RewardType | None:
    return next((t for t in types if t.key == key), None) if key else None


def type_name(types: Iterable[RewardType], key: str, locale: str) -> str:
    """The type's name in the reader's language; a retired type shows its key."""
    found = find_type(types, key)
    return found.name(locale) if found is not None else key


def types_to_text(types: Iterable[RewardType]) -> str:
    return "\n".join(f"{t.key} | {t.name_en} | {t.name_id}" for t in types)


def parse_types_text(text: str) -> list[RewardType]:
    """Read the admin's lines; the first bad line is reported with its number."""
    types: list[RewardType] = []
    seen: set[str] = set()
    text = strip_control(text)
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3:
            raise SettingsRejected(FIELD, "nominations.settings.error.format", line=number)
        key, name_en, name_id = parts[0].lower(), parts[1], parts[2]
        if not KEY_PATTERN.fullmatch(key):
            raise SettingsRejected(FIELD, "nominations.settings.error.key", line=number)
        if key in seen:
            raise SettingsRejected(
                FIELD, "nominations.settings.error.duplicate", line=number, key=key
            )
        if not (0 < len(name_en) <= MAX_NAME and 0 < len(name_id) <= MAX_NAME):
            raise SettingsRejected(
                FIELD, "nominations.settings.error.name", line=number, max=MAX_NAME
            )
        seen.add(key)
        types.append(RewardType(key, name_en, name_id))
    if not types:
        raise SettingsRejected(FIELD, "nominations.settings.error.empty")
    if len(types) > MAX_TYPES:
        raise SettingsRejected(FIELD, "nominations.settings.error.too_many", max=MAX_TYPES)
    return types


def save_reward_types(
    session: Session, actor: Employee, types: Sequence[RewardType], *, now: datetime
) -> bool:
    """HR and admins only; written (and audited) only when something changed."""
    require(actor, Action.CONFIGURE_RECOGNITION)
    if list(types) == reward_types(session, actor.team_id):
        return False
    value = [{"key": t.key, "name_en": t.name_en, "name_id": t.name_id} for t in types]
    set_setting(session, actor.team_id, TYPES_KEY, value, actor=actor.slack_id, now=now)
    return True
