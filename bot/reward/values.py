"""The organisation's values, in English and Bahasa Indonesia, that every kudos is tied to.

A workspace gets sensible defaults the first time recognition is used, so kudos work on day
one; HR or an admin edits the list later in the recognition settings modal as one line per
value (`key | English | Indonesia | :emoji:`). The key is what people type after `#` and what
the digest groups by, so it never changes on a rename; a value that is removed is deactivated
(past kudos keep it), never deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.reward.errors import SettingsRejected
from bot.sanitize import strip_control
from storage.kudos import CompanyValue

MAX_VALUES = 50  # well under static_select's 100 options
MAX_NAME = 60
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
EMOJI_PATTERN = re.compile(r":[a-z0-9_+'-]{1,60}:")


@dataclass(frozen=True)
class ValueSpec:
    key: str
    name_en: str
    name_id: str
    emoji: str = ""


DEFAULT_VALUES: tuple[ValueSpec, ...] = (
    ValueSpec("integrity", "Integrity", "Integritas", ":gem:"),
    ValueSpec("collaboration", "Collaboration", "Kolaborasi", ":handshake:"),
    ValueSpec("customer", "Customer focus", "Fokus pelanggan", ":star2:"),
    ValueSpec("excellence", "Excellence", "Keunggulan", ":trophy:"),
    ValueSpec("innovation", "Innovation", "Inovasi", ":bulb:"),
    ValueSpec("ownership", "Ownership", "Tanggung jawab", ":muscle:"),
)


def all_values(session: Session, team_id: str) -> list[CompanyValue]:
    """Every value of the workspace, active or not, in display order; defaults on first use."""
    rows = _rows(session, team_id)
    if rows:
        return rows
    try:
        with session.begin_nested():
            for position, spec in enumerate(DEFAULT_VALUES):
                session.add(_new(team_id, spec, position))
    except IntegrityError:
        pass  # another request created the defaults first; theirs are read below
    return _rows(session, team_id)


def active_values(session: Session, team_id: str) -> list[CompanyValue]:
    return [value for value in all_values(session, team_id) if value.active]


def _rows(session: Session, team_id: str) -> list[CompanyValue]:
    return list(
        session.scalars(
            select(CompanyValue)
            .where(CompanyValue.team_id == team_id)
            .order_by(CompanyValue.position, CompanyValue.id)
        )
    )


def _new(team_id: str, spec: ValueSpec, position: int) -> CompanyValue:
    return CompanyValue(
        team_id=team_id,
        key=spec.key,
        name_en=spec.name_en,
        name_id=spec.name_id,
        emoji=spec.emoji,
        position=position,
        active=True,
    )


def _normal(text: str) -> str:
    """`Customer focus`, `customer-focus`, `#CUSTOMER_FOCUS` all name the same value."""
    return re.sub(r"[\s_\-#]+", "", text).casefold()


def find_value(values: Iterable[CompanyValue], text: str) -> CompanyValue | None:
    """The value named by its key or by its English or Indonesian name, any case."""
    wanted = _normal(text)
    if not wanted:
        return None
    for value in values:
        if wanted in (_normal(value.key), _normal(value.name_en), _normal(value.name_id)):
            return value
    return None


def value_name(value: CompanyValue, locale: str) -> str:
    return value.name_id if locale == "id" else value.name_en


def value_label(value: CompanyValue, locale: str) -> str:
    """Emoji and name in the reader's language (not escaped: names come from an admin)."""
    name = value_name(value, locale)
    return f"{value.emoji} {name}" if value.emoji else name


# ---------------------------------------------------------------- editing as text


def values_to_text(values: Iterable[CompanyValue]) -> str:
    """The active values as the lines the settings modal shows and reads back."""
    lines = []
    for value in values:
        if value.active:
            parts = [value.key, value.name_en, value.name_id]
            if value.emoji:
                parts.append(value.emoji)
            lines.append(" | ".join(parts))
    return "\n".join(lines)


def parse_values_text(text: str) -> list[ValueSpec]:
    """Read the admin's lines; the first bad line is reported with its number."""
    specs: list[ValueSpec] = []
    seen: set[str] = set()
    text = strip_control(text)  # PostgreSQL refuses NUL
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)]
    for number, line in lines:
        if not line:
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (3, 4):
            raise SettingsRejected("values", "reward.settings.error.values_format", line=number)
        key, name_en, name_id = parts[0].lstrip("#").lower(), parts[1], parts[2]
        emoji = parts[3] if len(parts) == 4 else ""
        if not KEY_PATTERN.fullmatch(key):
            raise SettingsRejected("values", "reward.settings.error.values_key", line=number)
        if key in seen:
            raise SettingsRejected(
                "values", "reward.settings.error.values_duplicate", line=number, key=key
            )
        if not (0 < len(name_en) <= MAX_NAME and 0 < len(name_id) <= MAX_NAME):
            raise SettingsRejected(
                "values", "reward.settings.error.values_name", line=number, max=MAX_NAME
            )
        if emoji and not EMOJI_PATTERN.fullmatch(emoji):
            raise SettingsRejected("values", "reward.settings.error.values_emoji", line=number)
        seen.add(key)
        specs.append(ValueSpec(key, name_en, name_id, emoji))
    if not specs:
        raise SettingsRejected("values", "reward.settings.error.values_empty")
    if len(specs) > MAX_VALUES:
        raise SettingsRejected("values", "reward.settings.error.values_too_many", max=MAX_VALUES)
    return specs


def save_values(
    session: Session, team_id: str, specs: list[ValueSpec], *, actor: str | None, now: datetime
) -> bool:
    """Make the active values exactly `specs` (in that order); True when anything changed.

    Callers check the permission (bot.reward.settings does); this only writes.
    """
    existing = {value.key: value for value in all_values(session, team_id)}
    before = values_to_text(existing.values())
    wanted = {spec.key for spec in specs}
    for position, spec in enumerate(specs):
        value = existing.get(spec.key)
        if value is None:
            session.add(_new(team_id, spec, position))
            continue
        value.name_en, value.name_id, value.emoji = spec.name_en, spec.name_id, spec.emoji
        value.position, value.active = position, True
    for key, value in existing.items():
        if key not in wanted:
            value.active = False
    session.flush()
    after = values_to_text(_rows(session, team_id))
    if after == before:
        return False
    audit.record(
        session,
        team_id=team_id,
        actor=actor,
        action="reward.values_changed",
        subject="company_values",
        detail={"old": before, "new": after},
        at=now,
    )
    return True
