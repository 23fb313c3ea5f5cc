"""The outbox: Slack calls caused by a state change, stored in the same transaction.

A handler or the scheduler never calls `chat.postMessage` for a state change directly: it calls
`enqueue` inside the session that changes the state. If the transaction rolls back, no message
exists; if it commits, the sender (bot/sender.py) delivers it exactly once, however often the
process crashes or Slack fails. The idempotency key is unique per workspace, so enqueueing the
same key twice (a retried event, a second tick in the same minute) is a no-op.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import OutboxMessage, OutboxStatus

# Methods the sender knows how to deliver (and, for posts, how to find again after a crash).
SUPPORTED_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "views.publish",
        "reactions.add",
    }
)

# Every message the sender posts carries its key in message metadata under this event type, so
# a message Slack accepted just before a crash can be found before it is posted again.
METADATA_EVENT_TYPE = "kinerja_outbox"


def enqueue(
    session: Session,
    *,
    team_id: str,
    key: str,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    not_before: datetime | None = None,
) -> OutboxMessage:
    """Store one Slack call to make; return the existing row when the key is already taken."""
    if method not in SUPPORTED_METHODS:
        raise ValueError(f"the outbox cannot deliver {method}")
    if len(key) > 255:
        raise ValueError("idempotency key longer than 255 characters")
    # One statement in the usual case: the row is inserted unless its key is taken (by an
    # earlier call or by a concurrent transaction), and only then is the existing row read.
    # A look-up and a savepoint around the insert cost three more round trips per message.
    values = {
        "team_id": team_id,
        "idempotency_key": key,
        "method": method,
        "payload": payload,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
    }
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgres_insert
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["team_id", "idempotency_key"])
        .returning(OutboxMessage)
    )
    row = session.scalars(statement).first()
    if row is None:
        row = _find(session, team_id, key)
        if row is None:  # cannot happen: the conflict was with a row that exists
            raise LookupError(f"outbox key {key} taken but not found")
    return row


def _find(session: Session, team_id: str, key: str) -> OutboxMessage | None:
    return session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.team_id == team_id, OutboxMessage.idempotency_key == key
        )
    ).first()
