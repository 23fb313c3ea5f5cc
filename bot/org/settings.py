"""Organisation settings stored per workspace, with defaults in code.

Settings that belong to the deployment (tokens, database) come from the environment; settings
an admin changes from Slack (recognition channel, daily kudos cap, escalation days…) live here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from storage.models import WorkspaceSetting

T = TypeVar("T")


def get_setting(session: Session, team_id: str, key: str, default: T) -> T | Any:
    row = session.scalar(
        select(WorkspaceSetting).where(
            WorkspaceSetting.team_id == team_id, WorkspaceSetting.key == key
        )
    )
    return default if row is None else row.value


def set_setting(
    session: Session, team_id: str, key: str, value: Any, *, actor: str | None, now: datetime
) -> None:
    """Upsert one setting and leave an audit trail of the old and new value."""
    row = session.scalar(
        select(WorkspaceSetting).where(
            WorkspaceSetting.team_id == team_id, WorkspaceSetting.key == key
        )
    )
    old = None if row is None else row.value
    if row is None:
        row = WorkspaceSetting(team_id=team_id, key=key, value=value, updated_at=now)
        session.add(row)
    row.value = value
    row.updated_by = actor
    row.updated_at = now
    audit.record(
        session,
        team_id=team_id,
        actor=actor,
        action="setting.changed",
        subject=key,
        detail={"old": old, "new": value},
        at=now,
    )
