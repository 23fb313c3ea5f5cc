"""Every outbox row has a lane: what a person just did is interactive, what the clock causes is
scheduled, what nobody waits for is bulk (bot/outbox.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.outbox import Lane, default_lane, enqueue, post_message
from storage.models import OutboxMessage

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def _lanes(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        rows = session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.lane)).all()
    return {key: lane for key, lane in rows}


def test_a_row_is_interactive_unless_told_otherwise(db, workspace) -> None:  # type: ignore[no-untyped-def]
    with db.session() as session:
        post_message(
            session, team_id=workspace, key="a", message={"text": "x"}, now=NOW, channel="U1"
        )
        post_message(
            session,
            team_id=workspace,
            key="b",
            message={"text": "x"},
            now=NOW,
            channel="U1",
            lane=Lane.BULK,
        )
    assert _lanes(db) == {"a": Lane.INTERACTIVE, "b": Lane.BULK}


def test_a_session_default_lane_applies_to_rows_without_their_own(db, workspace) -> None:  # type: ignore[no-untyped-def]
    with db.session() as session:
        with default_lane(session, Lane.SCHEDULED):
            enqueue(
                session,
                team_id=workspace,
                key="tick",
                method="chat.postMessage",
                payload={"channel": "U1", "text": "x"},
                now=NOW,
            )
            post_message(
                session,
                team_id=workspace,
                key="own",
                message={"text": "x"},
                now=NOW,
                channel="U1",
                lane=Lane.BULK,
            )
        post_message(
            session, team_id=workspace, key="after", message={"text": "x"}, now=NOW, channel="U1"
        )
    assert _lanes(db) == {"tick": Lane.SCHEDULED, "own": Lane.BULK, "after": Lane.INTERACTIVE}
