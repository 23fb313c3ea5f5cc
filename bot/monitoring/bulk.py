"""Set-based writes of the check-in tick: prompt rows, outbox rows and reminder claims for many
people in a few statements, whatever the head count.

A Friday fan-out writes a prompt row and an outbox row per person. One statement per row (and
a savepoint around each) made a tick of 10,000 people 40,000 statements; here each kind is one
`INSERT … ON CONFLICT DO NOTHING … RETURNING` for all rows at once, and RETURNING names exactly
the rows this transaction stored, so a row another instance stored a moment ago — or stores
while this one waits on its unique index — is neither counted nor followed by a second message.

The rows travel as one JSON document, one bound parameter, read back by the database
(`json_each` on SQLite, `json_to_recordset` on PostgreSQL): one statement whatever the count.
A multi-row VALUES list instead needs a statement per 3,600 rows on SQLite (its limit of 32,766
bound parameters), and on PostgreSQL psycopg rewrites its 90,000 placeholders for 10,000 rows
one by one on the client; arrays of text, the other way, are escaped element by element. Both
took over a second for 10,000 prompts (bench/tick.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Table,
    Text,
    TypeDecorator,
    bindparam,
    cast,
    column,
    func,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Result
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from bot import outbox
from storage.checkins import CheckinPrompt
from storage.models import OutboxMessage, OutboxStatus

# Ids in one `IN (…)` list: below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
IDS_PER_STATEMENT = 30_000


@dataclass(frozen=True)
class OutboxRow:
    """One Slack call to store: as `outbox.enqueue`'s arguments, `not_before` None = now."""

    key: str
    payload: dict[str, Any]
    not_before: datetime | None = None


def insert_new(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    unique: list[str],
    returning: list[str],
) -> Result[Any]:
    """Insert `rows` (dicts with the same keys) unless their `unique` columns are taken; the
    `returning` columns of the rows stored now."""
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    keep = [table.c[name] for name in returning]
    if dialect.name == "sqlite":
        # Each value as the column's own type binds it (a UTC time as SQLite's text), JSON
        # values as they are; json_extract reads them back (a JSON object as its text).
        encoders = {
            name: _Encoder(table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in names
            if not isinstance(table.c[name].type, JSON)
        }
        encoded = [
            {name: encoders[name](v) if name in encoders else v for name, v in row.items()}
            for row in rows
        ]
        each = func.json_each(bindparam("rows", json.dumps(encoded), Text)).table_valued("value")
        values = select(*(func.json_extract(each.c.value, f"$.{name}") for name in names))
        return connection.execute(
            sqlite_insert(table)
            # SQLite needs a WHERE in an INSERT … SELECT … ON CONFLICT (a parsing ambiguity).
            .from_select(names, values.where(true()))
            .on_conflict_do_nothing(index_elements=unique)
            .returning(*keep)
        )
    document = bindparam("rows", json.dumps(list(rows), default=_iso), Text)
    source = (
        func.json_to_recordset(cast(document, JSON))
        .table_valued(*(column(name, _travels_as(table.c[name].type)) for name in names))
        .render_derived(with_types=True)
    )
    return connection.execute(
        postgres_insert(table)
        .from_select(names, select(*(source.c[name] for name in names)))
        .on_conflict_do_nothing(index_elements=unique)
        .returning(*keep)
    )


class _Encoder:
    """A column's bind processor, remembered per value: most values of a fan-out are shared
    (its period, its moment, the time of the tick)."""

    def __init__(self, processor: Callable[[Any], Any] | None) -> None:
        self._processor = processor
        self._seen: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        if self._processor is None or value is None:
            return value
        if value not in self._seen:
            self._seen[value] = self._processor(value)
        return self._seen[value]


def _travels_as(column_type: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type a column is read back as from the JSON rows: a decorated type's own storage
    (UTCDateTime is a timestamptz)."""
    if isinstance(column_type, TypeDecorator):
        return column_type.impl_instance
    return column_type


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for first in range(0, len(items), size):
        yield items[first : first + size]


def enqueue_many(
    session: Session,
    *,
    team_id: str,
    method: str,
    rows: Sequence[OutboxRow],
    now: datetime,
    extra: Mapping[str, Any] | None = None,
) -> set[str]:
    """`outbox.enqueue` for many rows: the keys stored now; a key already taken keeps its
    earlier row, unchanged. Every row gets the columns `enqueue` sets (the session's default
    lane included); `extra` adds or overrides columns for all of them."""
    if method not in outbox.SUPPORTED_METHODS:
        raise ValueError(f"the outbox cannot deliver {method}")
    if any(len(row.key) > 255 for row in rows):
        raise ValueError("idempotency key longer than 255 characters")
    if not rows:
        return set()
    common = {
        "team_id": team_id,
        "method": method,
        "lane": int(outbox.lane_for(session, None)),
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "created_at": now,
        **(extra or {}),
    }
    values = [
        {
            **common,
            "idempotency_key": row.key,
            "payload": row.payload,
            "next_attempt_at": row.not_before or now,
        }
        for row in rows
    ]
    table = OutboxMessage.__table__
    assert isinstance(table, Table)
    stored = insert_new(session, table, values, ["team_id", "idempotency_key"], ["idempotency_key"])
    return set(stored.scalars())


def insert_prompts(session: Session, rows: Sequence[Mapping[str, Any]]) -> set[tuple[int, str]]:
    """Prompt rows (CheckinPrompt's columns) for people not yet prompted for their period:
    the (employee_id, period) pairs stored now."""
    if not rows:
        return set()
    table = CheckinPrompt.__table__
    assert isinstance(table, Table)
    stored = insert_new(session, table, rows, ["employee_id", "period"], ["employee_id", "period"])
    pairs: set[tuple[int, str]] = set()
    for row in stored:
        values: tuple[Any, ...] = tuple(row)
        pairs.add((values[0], values[1]))
    return pairs


def claim_reminders(session: Session, prompt_ids: Iterable[int], now: datetime) -> set[int]:
    """Mark these prompts reminded unless they already were (by another instance a moment
    ago): the ids claimed now, each to be followed by exactly one reminder."""
    claimed: set[int] = set()
    for chunk in chunks(sorted(set(prompt_ids)), IDS_PER_STATEMENT):
        claimed.update(
            session.execute(
                update(CheckinPrompt)
                .where(CheckinPrompt.id.in_(chunk), CheckinPrompt.reminded_at.is_(None))
                .values(reminded_at=now)
                .returning(CheckinPrompt.id)
                .execution_options(synchronize_session=False)
            ).scalars()
        )
    return claimed
