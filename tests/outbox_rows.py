"""Finding outbox rows by their idempotency key, as the tests name them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import OutboxMessage


def outbox_id(session: Session, key: str) -> int:
    found = session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
    assert found is not None, f"no outbox row {key}"
    return found
