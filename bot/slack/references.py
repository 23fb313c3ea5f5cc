"""Outbox rows that point at messages other rows posted.

A state change often causes a message *and* later a reply in its thread or an update of it
(an approval request, then "approved" in its thread and the request updated to its final
state). When the later row is enqueued, the first message may not have reached Slack yet, so
its channel and ts are unknown. The later row names the earlier row's key instead, and the
sender fills in the channel and ts at delivery, waiting while the earlier row is not sent:

    {"_thread_of": "<key>", "text": …}           → channel + thread_ts of that message
    {"_update_of": "<key>", "text": …, "blocks": …} → channel + ts (for chat.update)

`_open_users` (resolved in bot/slack/delivery.py) names the people of a DM or group DM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import OutboxMessage, OutboxStatus

REFERENCES = {"_thread_of": "thread_ts", "_update_of": "ts"}


@dataclass(frozen=True)
class Resolution:
    """The payload filled in, or why not: `waiting` for the row `parent` (due at `parent_due`
    when it is pending, None while someone is sending it), or an `error` for good."""

    payload: dict[str, Any]
    waiting: bool = False
    error: str | None = None
    parent: str | None = None
    parent_due: datetime | None = None


def referenced_keys(payload: dict[str, Any]) -> set[str]:
    return {str(payload[name]) for name in REFERENCES if payload.get(name)}


def resolve(session: Session, team_id: str, payload: dict[str, Any]) -> Resolution:
    """Fill channel and ts from the referenced rows, or say why not yet (or never)."""
    resolved = dict(payload)
    for name, field in REFERENCES.items():
        key = resolved.pop(name, None)
        if not key:
            continue
        row = session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.team_id == team_id, OutboxMessage.idempotency_key == key
            )
        )
        if row is None or row.status == OutboxStatus.FAILED.value:
            return Resolution(payload, error=f"referenced message {key} was never posted")
        result = row.result or {}
        if row.status != OutboxStatus.SENT.value or not result.get("ts"):
            due = row.next_attempt_at if row.status == OutboxStatus.PENDING.value else None
            return Resolution(payload, waiting=True, parent=str(key), parent_due=due)
        resolved["channel"] = result.get("channel")
        resolved[field] = result["ts"]
    return Resolution(resolved)


def promote(session: Session, team_id: str, key: str, lane: int) -> None:
    """A row waits for the row `key`: that row moves up to the waiting row's lane, so an
    interactive reply is not held back by the scheduled message it answers."""
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.idempotency_key == key,
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.lane > lane,
        )
        .values(lane=lane)
    )
