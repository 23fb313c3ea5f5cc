"""The outbox: Slack calls caused by a state change, stored in the same transaction.

A handler or the scheduler never calls `chat.postMessage` for a state change directly: it calls
`enqueue` inside the session that changes the state. If the transaction rolls back, no message
exists; if it commits, the sender (bot/slack/sender.py) delivers it exactly once, however often the
process crashes or Slack fails. The idempotency key is unique per workspace, so enqueueing the
same key twice (a retried event, a second tick in the same minute) is a no-op.

Every row has a lane (`Lane`), and the sender always claims the lowest lane first, so the answer
to something a person just did is never queued behind a Friday fan-out:

- *interactive* — the answer to a click, a submission or a command: approvals, thread replies,
  kudos posts, confirmations, error notices. The default.
- *scheduled* — what the clock causes: prompts, reminders, invitations, digests. Everything a
  tick enqueues lands here unless it says otherwise (`default_lane`, set by bot/ticks.py), and a
  fan-out a person starts by hand (HR opening a review cycle) names this lane itself.
- *bulk* — what nobody waits for: monthly summaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import IntEnum
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import OutboxMessage, OutboxStatus

# Methods the sender knows how to deliver (and, for posts, how to find again after a crash).
# Each needs its bot scopes in manifest.yml (tests/test_manifest_scopes.py checks): adding
# one here means adding its scope there — `reactions.add` would need `reactions:write`, which
# Kinerja does not ask for because nothing reacts to messages.
SUPPORTED_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "views.publish",
    }
)

# Every message the sender posts carries its key in message metadata under this event type, so
# a message Slack accepted just before a crash can be found before it is posted again.
METADATA_EVENT_TYPE = "kinerja_outbox"


class Lane(IntEnum):
    """The order in which the sender claims rows: lower first (stored as the row's `lane`)."""

    INTERACTIVE = 0
    SCHEDULED = 1
    BULK = 2


# Where a session carries the lane for rows that name none (see `default_lane`).
_LANE_INFO = "kinerja_outbox_lane"


@contextmanager
def default_lane(session: Session, lane: Lane) -> Iterator[None]:
    """Rows enqueued in `session` inside this block without a lane of their own get `lane`."""
    before = session.info.get(_LANE_INFO)
    session.info[_LANE_INFO] = lane
    try:
        yield
    finally:
        if before is None:
            session.info.pop(_LANE_INFO, None)
        else:
            session.info[_LANE_INFO] = before


def lane_for(session: Session, lane: Lane | None) -> Lane:
    """The lane a row enqueued now gets: its own, else the session's default, else interactive."""
    if lane is not None:
        return lane
    return Lane(session.info.get(_LANE_INFO, Lane.INTERACTIVE))


def enqueue(
    session: Session,
    *,
    team_id: str,
    key: str,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    not_before: datetime | None = None,
    lane: Lane | None = None,
) -> bool:
    """Store one Slack call to make: True if stored now, False if the key was taken already
    (the earlier call stands, unchanged)."""
    if method not in SUPPORTED_METHODS:
        raise ValueError(f"the outbox cannot deliver {method}")
    if len(key) > 255:
        raise ValueError("idempotency key longer than 255 characters")
    # One statement: the row is inserted unless its key is taken (by an earlier call or by a
    # concurrent transaction). Only its id comes back, so the payload just written is not
    # read back into an object nobody uses; a look-up and a savepoint around the insert
    # would cost three more round trips per message.
    values = {
        "team_id": team_id,
        "idempotency_key": key,
        "method": method,
        "payload": payload,
        "lane": int(lane_for(session, lane)),
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
        .returning(OutboxMessage.id)
    )
    return session.scalar(statement) is not None


def post_message(
    session: Session,
    *,
    team_id: str,
    key: str,
    message: dict[str, Any],
    now: datetime,
    channel: str | None = None,
    open_users: list[str] | None = None,
    thread_of: str | None = None,
    not_before: datetime | None = None,
    lane: Lane | None = None,
) -> bool:
    """A `chat.postMessage` through the outbox, addressed one of three ways: to `channel` (a
    person's user id DMs them), to the group DM of `open_users` and the bot (opened by the
    sender), or as a reply in the thread of the message another row posted under `thread_of`.
    Every notify module posts through this one helper."""
    if sum(x is not None for x in (channel, open_users, thread_of)) != 1:
        raise ValueError("a message goes to a channel, a group DM or a thread: exactly one")
    payload = dict(message)
    if channel is not None:
        payload["channel"] = channel
    elif open_users is not None:
        payload["_open_users"] = list(open_users)
    else:
        payload["_thread_of"] = thread_of
    return enqueue(
        session,
        team_id=team_id,
        key=key,
        method="chat.postMessage",
        payload=payload,
        now=now,
        not_before=not_before,
        lane=lane,
    )
