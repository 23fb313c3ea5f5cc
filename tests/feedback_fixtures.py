"""Helpers for the feedback tests: the review organisation (tests/review_fixtures.py), goals to
give feedback about, and what the outbox holds.

Acme (T0001), zone Asia/Jakarta: Ada admin, Hana HR, Maya manages Eko, Edi and Eva (Eva reads
Indonesian), Omar manages Sari, Lina has no manager.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import translators
from storage.goals import Goal
from storage.models import Employee, OutboxMessage
from tests.review_fixtures import TEAM_ID, TZ, Org, make_org

__all__ = ["TEAM_ID", "TR_FOR", "TZ", "Org", "goal", "make_org", "outbox", "payload_of"]

TR_FOR = translators("en")


def goal(
    session: Session,
    owner: Employee,
    title: str,
    now: datetime,
    *,
    level: str = "personal",
    status: str = "active",
    org_team_id: int | None = None,
) -> Goal:
    row = Goal(
        team_id=TEAM_ID,
        owner_id=owner.id,
        level=level,
        kind="performance",
        title=title,
        description="",
        weight=1.0,
        due_date=date(2026, 12, 31),
        status=status,
        org_team_id=org_team_id,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def outbox(session: Session, prefix: str = "") -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith(prefix))
            .order_by(OutboxMessage.id)
        )
    )


def payload_of(row: OutboxMessage) -> str:
    """Everything a message shows or carries, as JSON text (non-ASCII kept)."""
    payload: dict[str, Any] = dict(row.payload)
    return json.dumps(payload, ensure_ascii=False)
