"""Rows that reply to, update, or open the conversation of messages the outbox posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.outbox import enqueue
from storage.db import Database
from storage.models import OutboxMessage
from tests.conftest import TEAM_ID
from tests.fakeslack import FakeSlack
from tests.outbox_rows import outbox_id
from tests.test_sender import load, make_sender


@pytest.fixture
def clock() -> FixedClock:
    """Just before the wall clock, as in test_sender (the fake stamps real ts values)."""
    return FixedClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1))


@pytest.fixture
def slack(fake_slack: FakeSlack, workspace: str) -> FakeSlack:
    fake_slack.add_user(id="U1", name="ani")
    return fake_slack


def _enqueue(db: Database, clock: FixedClock, key: str, method: str, **payload: Any) -> int:
    with db.session() as session:
        enqueue(session, team_id=TEAM_ID, key=key, method=method, payload=payload, now=clock.now())
        return outbox_id(session, key)


def test_reply_and_update_in_the_same_batch_follow_their_message(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    _enqueue(db, clock, "ask", "chat.postMessage", channel="U1", text="please approve")
    reply = _enqueue(db, clock, "answer", "chat.postMessage", _thread_of="ask", text="approved")
    update = _enqueue(db, clock, "final", "chat.update", _update_of="ask", text="approved ✓")
    stats = make_sender(db, slack, clock).drain()
    assert stats.sent == 3
    parent = slack.messages_in("DU1")
    assert [m.text for m in parent if m.thread_ts is None] == ["approved ✓"]
    thread = [m for m in parent if m.thread_ts is not None]
    assert [m.text for m in thread] == ["approved"]
    assert thread[0].thread_ts == load(db, 1).result["ts"]  # type: ignore[index]
    assert load(db, reply).status == "sent" and load(db, update).status == "sent"
    sent_args = slack.calls_to("chat.postMessage")[1].args
    assert not any(name.startswith("_") for name in sent_args)


def test_a_reply_waits_for_its_message_without_using_attempts(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    with db.session() as session:
        enqueue(
            session,
            team_id=TEAM_ID,
            key="later",
            method="chat.postMessage",
            payload={"channel": "U1", "text": "first"},
            now=clock.now(),
            not_before=clock.now() + timedelta(minutes=5),
        )
    reply = _enqueue(db, clock, "reply", "chat.postMessage", _thread_of="later", text="second")
    sender = make_sender(db, slack, clock)
    sender.drain()
    row = load(db, reply)
    assert (row.status, row.attempts) == ("pending", 0)
    assert slack.calls_to("chat.postMessage") == []
    clock.advance(minutes=5)
    sender.drain()
    assert [m.text for m in slack.messages_in("DU1")] == ["first", "second"]


def test_a_reply_to_a_message_that_failed_fails_too(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    _enqueue(db, clock, "broken", "chat.postMessage", channel="C404", text="x")
    slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    reply = _enqueue(db, clock, "reply", "chat.postMessage", _thread_of="broken", text="y")
    make_sender(db, slack, clock).drain()
    row: OutboxMessage = load(db, reply)
    assert row.status == "failed"
    assert row.last_error == "referenced message broken was never posted"


def test_group_dm_is_opened_for_the_named_people(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    slack.add_user(id="U2", name="budi")
    first = _enqueue(db, clock, "g1", "chat.postMessage", _open_users=["U2", "U1"], text="hi")
    second = _enqueue(db, clock, "g2", "chat.postMessage", _open_users=["U1", "U2"], text="again")
    sender = make_sender(db, slack, clock)
    sender.drain()
    channel = load(db, first).result["channel"]  # type: ignore[index]
    assert channel.startswith("G")
    assert load(db, second).result["channel"] == channel  # type: ignore[index]
    # two workers deliver side by side, so the order within the batch is not fixed
    assert sorted(m.text for m in slack.messages_in(channel)) == ["again", "hi"]
    opened = len(slack.calls_to("conversations.open"))
    assert {call.args["users"] for call in slack.calls_to("conversations.open")} == {"U1,U2"}
    _enqueue(db, clock, "g3", "chat.postMessage", _open_users=["U1", "U2"], text="third")
    sender.drain()
    assert len(slack.calls_to("conversations.open")) == opened  # remembered
