"""Claiming outbox rows: which rows a sender takes next, and how it makes them its own.

Order: lane first (interactive, scheduled, bulk: bot/outbox.py `Lane`), then the time the row
became due, then id. A person who answers a message does not wait behind a fan-out, and within
a lane a row put back for later (a backoff, a Retry-After) goes behind the rows that were due
before it, so one person's failing rows cannot hold the others up.

How: one short transaction takes due rows — `pending` with `next_attempt_at <= now`, or
`sending` with a `claimed_at` older than the lease (a process died holding them) — and sets
`status=sending, claimed_at=<lease clock>, attempts+=1`; a row taken over from a dead process
is marked `needs_lookup` (its post may have reached Slack). On PostgreSQL it is
`SELECT id … ORDER BY lane, next_attempt_at, id LIMIT n FOR UPDATE SKIP LOCKED`, then
`UPDATE … WHERE id IN (…) AND <still due> RETURNING …`: several instances claim side by side
without waiting for or taking each other's rows. On SQLite (one sender process) it is one
statement, `UPDATE … WHERE id IN (SELECT … LIMIT n) AND <still due> RETURNING …`, so the
transaction never upgrades a read snapshot to a write (which WAL mode refuses when a worker
committed between the two). Either way only rows still in the expected state are taken, and the
returned ids are the claim.

Two clocks: due-ness follows the sender's clock (`kinerja tick --at` and tests travel in time),
leases follow the real one. A lease stamped with a simulated time would look long expired (or
not yet begun) to a running bot, which would then take and send the same rows again.

`Blocked` leaves out rows that cannot be sent now: a method paused by a Retry-After or out of
budget, or the posts that need a look-up while the look-up's method is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, not_, or_, select, true, update

from bot.slack.budgets import POST
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus

PENDING = OutboxStatus.PENDING.value
SENDING = OutboxStatus.SENDING.value


@dataclass(frozen=True)
class Claim:
    """A row this sender owns until `claimed_at + lease`; the values as claimed."""

    id: int
    team_id: str
    key: str
    method: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime
    claimed_at: datetime
    lane: int = 0
    needs_lookup: bool = False


@dataclass(frozen=True)
class Blocked:
    """Rows of `method` in `team_id` that may not be claimed now; with `lookups_only`, only
    the posts that need a look-up first (the look-up's method is the one blocked)."""

    team_id: str
    method: str
    lookups_only: bool = False


def _due(now: datetime, lease_now: datetime, lease: timedelta) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < lease_now - lease),
    )


def _allowed(blocked: Sequence[Blocked]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for block in blocked:
        if block.lookups_only:
            looks = or_(OutboxMessage.needs_lookup == true(), OutboxMessage.status == SENDING)
            conditions.append(
                not_(
                    and_(
                        OutboxMessage.team_id == block.team_id,
                        OutboxMessage.method == POST,
                        looks,
                    )
                )
            )
        else:
            conditions.append(
                not_(
                    and_(
                        OutboxMessage.team_id == block.team_id,
                        OutboxMessage.method == block.method,
                    )
                )
            )
    return conditions


def claim_rows(
    db: Database,
    *,
    now: datetime,
    lease_now: datetime,
    lease: timedelta,
    limit: int,
    blocked: Sequence[Blocked] = (),
) -> list[Claim]:
    """Take up to `limit` due rows (see the module docstring), in claiming order."""
    due = _due(now, lease_now, lease)
    candidates = (
        select(OutboxMessage.id)
        .where(due, *_allowed(blocked))
        .order_by(OutboxMessage.lane, OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    with db.session() as session:
        connection = session.connection()
        if db.is_postgres:
            # Lock first, then update by id: folded into the UPDATE as a subquery, PostgreSQL
            # may re-run it when rows change under it and take far more than `limit`.
            locked = candidates.with_for_update(skip_locked=True)
            ids = list(connection.execute(locked).scalars())
            if not ids:
                return []
            taken = OutboxMessage.id.in_(ids)
        else:
            taken = OutboxMessage.id.in_(candidates.scalar_subquery())
        statement = (
            update(OutboxMessage)
            .where(taken, due)
            .values(
                status=SENDING,
                claimed_at=lease_now,
                attempts=OutboxMessage.attempts + 1,
                needs_lookup=case(
                    (OutboxMessage.status == SENDING, true()), else_=OutboxMessage.needs_lookup
                ),
            )
            .returning(
                OutboxMessage.id,
                OutboxMessage.team_id,
                OutboxMessage.idempotency_key,
                OutboxMessage.method,
                OutboxMessage.payload,
                OutboxMessage.attempts,
                OutboxMessage.created_at,
                OutboxMessage.lane,
                OutboxMessage.next_attempt_at,
                OutboxMessage.needs_lookup,
            )
        )
        rows = connection.execute(statement).all()
    ordered = sorted(rows, key=lambda row: (row.lane, row.next_attempt_at, row.id))
    return [
        Claim(
            id=row.id,
            team_id=row.team_id,
            key=row.idempotency_key,
            method=row.method,
            payload=dict(row.payload or {}),
            attempts=row.attempts,
            created_at=row.created_at,
            claimed_at=lease_now,
            lane=row.lane,
            needs_lookup=bool(row.needs_lookup),
        )
        for row in ordered
    ]


def any_due(db: Database, *, now: datetime, lease_now: datetime, lease: timedelta) -> bool:
    """Whether any row is due at all (blocked or not): a drain with nothing due may end."""
    with db.session() as session:
        return bool(session.scalar(select(exists().where(_due(now, lease_now, lease)))))
