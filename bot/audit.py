"""Who changed what and when: the trail HR and admins can be asked for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.models import AuditLog


def record(
    session: Session,
    *,
    team_id: str,
    actor: str | None,
    action: str,
    at: datetime,
    subject: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    entry = AuditLog(
        team_id=team_id, actor=actor, action=action, subject=subject, detail=detail or {}, at=at
    )
    session.add(entry)
    return entry
