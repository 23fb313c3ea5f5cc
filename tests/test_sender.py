"""The outbox sender against the fake Slack: each key delivered once, through 429s, 5xx,
permanent errors, crashes and competing workers.

The clock is fixed (a little before the wall clock, because the fake stamps messages with real
`ts` values and the crash look-up reads history from the row's `created_at`); a test moves it
to let backoffs and Retry-After elapse, so nothing here sleeps.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import func, select

from bot.clock import FixedClock, SystemClock
from bot.outbox import METADATA_EVENT_TYPE, enqueue
from bot.slack.delivery import Outcome, classify
from bot.slack.sender import Claim, OutboxSender, backoff_seconds
from storage.db import Database
from storage.models import OutboxMessage
from tests.conftest import BOT_TOKEN, TEAM_ID
from tests.fakeslack import FakeSlack
from tests.outbox_rows import outbox_id

POST = "chat.postMessage"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1))


@pytest.fixture
def slack(fake_slack: FakeSlack, workspace: str) -> FakeSlack:
    fake_slack.add_user(id="U1", name="ani")
    return fake_slack


def make_sender(db: Database, slack: FakeSlack, clock: Any, **options: Any) -> OutboxSender:
    client = WebClient(token=BOT_TOKEN, base_url=slack.api_url, timeout=5)
    options.setdefault("sleep", lambda seconds: None)
    options.setdefault("lease_clock", clock)  # leases travel with the test's clock here
    return OutboxSender(db, client, clock, **options)


def put(db: Database, clock: Any, key: str, channel: str = "C0001", **payload: Any) -> int:
    with db.session() as session:
        enqueue(
            session,
            team_id=TEAM_ID,
            key=key,
            method=POST,
            payload={"channel": channel, "text": f"message {key}", **payload},
            now=clock.now(),
        )
        return outbox_id(session, key)


def load(db: Database, row_id: int) -> OutboxMessage:
    with db.session() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


def keys_posted(slack: FakeSlack) -> Counter[str]:
    return Counter(
        m.metadata["event_payload"]["key"]
        for m in slack.messages
        if m.metadata and m.metadata.get("event_type") == METADATA_EVENT_TYPE
    )


def crash_mid_send(db: Database, row_id: int, clock: FixedClock, attempts: int = 1) -> None:
    """Leave the row as a dead process would: `sending`, claimed a lease and a second ago."""
    with db.session() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        row.status, row.attempts, row.claimed_at = "sending", attempts, clock.now()
    clock.advance(seconds=121)


def test_sends_and_stores_channel_and_ts(db: Database, slack: FakeSlack, clock: FixedClock) -> None:
    row_id = put(db, clock, "hello:U1", channel="U1", metadata={"event_type": "x"})

    stats = make_sender(db, slack, clock).drain()

    assert (stats.sent, stats.retried, stats.failed) == (1, 0, 0)
    [message] = slack.messages_in("U1")
    assert message.metadata == {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {"key": "hello:U1"},
    }
    row = load(db, row_id)
    assert row.status == "sent" and row.attempts == 1 and row.last_error is None
    assert row.result == {"channel": "DU1", "ts": message.ts}
    assert row.sent_at == clock.now()
    assert len(slack.calls) == 1  # a first try does not look anything up


def test_same_key_twice_is_one_row_and_one_message(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    assert put(db, clock, "dup") == put(db, clock, "dup", text="other")
    with db.session() as session:
        again = {"channel": "C0001", "text": "third"}
        now = clock.now()
        taken = enqueue(session, team_id=TEAM_ID, key="dup", method=POST, payload=again, now=now)
        fresh = enqueue(session, team_id=TEAM_ID, key="new", method=POST, payload=again, now=now)
    assert (taken, fresh) == (False, True)
    make_sender(db, slack, clock).drain()
    make_sender(db, slack, clock).drain()
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    assert keys_posted(slack) == {"dup": 1, "new": 1}


def test_429_waits_for_retry_after_and_uses_no_attempt(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    ids = [put(db, clock, f"k{i}") for i in range(3)]
    slack.fail_next(POST, status=429, retry_after=30, times=2)
    sender = make_sender(db, slack, clock, concurrency=1, max_attempts=1)

    stats = sender.drain()
    # One 429 pauses chat.postMessage: the other posts are not even claimed.
    assert len(slack.calls_to(POST)) == 1 and stats.retried == 1
    assert [load(db, i).attempts for i in ids] == [0, 0, 0]
    assert load(db, ids[0]).next_attempt_at == clock.now() + timedelta(seconds=30)

    clock.advance(seconds=29)
    sender.drain()
    assert len(slack.calls_to(POST)) == 1 and slack.messages == []

    clock.advance(seconds=1)
    sender.drain()  # the second 429
    assert len(slack.calls_to(POST)) == 2 and slack.messages == []

    clock.advance(seconds=30)
    stats = sender.drain()
    assert stats.sent == 3 and stats.failed == 0
    assert keys_posted(slack) == {"k0": 1, "k1": 1, "k2": 1}
    assert [load(db, i).status for i in ids] == ["sent"] * 3


def test_short_pause_is_slept_through_on_a_real_clock(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    class TravellingClock(SystemClock):
        offset = timedelta()

        def now(self) -> datetime:
            return super().now() + self.offset

    real = TravellingClock()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        real.offset += timedelta(seconds=seconds)

    put(db, clock, "k")
    slack.fail_next(POST, status=429, retry_after=2)
    stats = make_sender(db, slack, real, sleep=sleep).drain()
    assert stats.sent == 1 and keys_posted(slack) == {"k": 1}
    # Slept in short naps (other methods' rows could be claimed meanwhile), the pause in all.
    assert 1.9 <= sum(slept) <= 2.2 and len(slack.calls_to(POST)) == 2


def test_server_errors_back_off_then_send_once(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    row_id = put(db, clock, "k")
    slack.fail_next(POST, status=503, times=2)
    slack.fail_next(POST, status=500, times=1)
    sender = make_sender(db, slack, clock)

    for attempt, delay in enumerate([1, 2, 4], start=1):
        stats = sender.drain()
        assert stats.retried == 1
        row = load(db, row_id)
        assert row.status == "pending" and row.attempts == attempt
        assert row.last_error in ("http_503", "http_500")
        wait = (row.next_attempt_at - clock.now()).total_seconds()
        assert delay <= wait <= delay * 1.1
        clock.advance(seconds=wait)

    assert sender.drain().sent == 1
    assert keys_posted(slack) == {"k": 1}
    assert len(slack.calls_to(POST)) == 4
    # Every retry looked first, in case the failed try had reached Slack after all.
    assert len(slack.calls_to("conversations.history")) == 3


def test_max_attempts_then_failed_and_left_alone(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    row_id = put(db, clock, "k")
    slack.fail_next(POST, status=500, times=10)
    sender = make_sender(db, slack, clock, max_attempts=3)
    failed = 0
    for _ in range(6):
        failed += sender.drain().failed
        clock.advance(seconds=400)
    row = load(db, row_id)
    assert row.status == "failed" and row.attempts == 3 and row.last_error == "http_500"
    assert failed == 1 and len(slack.calls_to(POST)) == 3 and slack.messages == []


@pytest.mark.parametrize("error", ["channel_not_found", "invalid_blocks", "invalid_auth"])
def test_permanent_error_fails_at_once(
    db: Database, slack: FakeSlack, clock: FixedClock, error: str
) -> None:
    row_id = put(db, clock, "k")
    slack.fail_next(POST, status=200, error=error)
    sender = make_sender(db, slack, clock)
    assert sender.drain().failed == 1
    clock.advance(seconds=1000)
    sender.drain()
    row = load(db, row_id)
    assert row.status == "failed" and row.last_error == error
    assert len(slack.calls_to(POST)) == 1


def test_unknown_user_is_a_permanent_error(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    row_id = put(db, clock, "k", channel="UNOBODY")
    make_sender(db, slack, clock).drain()
    assert load(db, row_id).last_error == "channel_not_found"


def test_crash_after_slack_accepted_is_not_posted_again(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    row_id = put(db, clock, "k", channel="U1")
    first = make_sender(db, slack, clock)

    def die(claim: Claim, values: dict[str, Any]) -> bool:
        raise ConnectionError("process killed")

    first._finish = die  # type: ignore[method-assign]  # Slack accepts, marking never happens
    first.drain()
    [posted] = slack.messages_in("U1")
    assert load(db, row_id).status == "sending"

    clock.advance(seconds=60)
    assert make_sender(db, slack, clock).drain().sent == 0  # the lease has not expired yet
    clock.advance(seconds=61)
    stats = make_sender(db, slack, clock).drain()

    assert stats.sent == 1 and stats.duplicates_avoided == 1
    assert len(slack.calls_to(POST)) == 1
    assert slack.calls_to("conversations.open")[0].args["users"] == "U1"
    history = slack.calls_to("conversations.history")[0].args
    assert history["channel"] == "DU1"
    row = load(db, row_id)
    assert row.status == "sent" and row.result == {"channel": "DU1", "ts": posted.ts}


def test_crash_after_thread_reply_accepted_is_found_in_the_thread(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    put(db, clock, "parent")
    make_sender(db, slack, clock).drain()
    [parent] = slack.messages
    reply_id = put(db, clock, "reply", thread_ts=parent.ts)
    make_sender(db, slack, clock).drain()
    [_, reply] = slack.messages
    crash_mid_send(db, reply_id, clock)

    stats = make_sender(db, slack, clock).drain()
    assert stats.duplicates_avoided == 1 and len(slack.calls_to(POST)) == 2
    assert slack.calls_to("conversations.replies")[0].args["ts"] == parent.ts
    assert load(db, reply_id).result == {"channel": "C0001", "ts": reply.ts}


def test_crash_before_slack_accepted_is_posted_once(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    row_id = put(db, clock, "k", channel="U1")
    crash_mid_send(db, row_id, clock)

    stats = make_sender(db, slack, clock).drain()

    assert stats.sent == 1 and stats.duplicates_avoided == 0
    assert len(slack.calls_to("conversations.history")) == 1
    assert keys_posted(slack) == {"k": 1}
    row = load(db, row_id)
    assert row.status == "sent" and row.attempts == 2


def test_stale_worker_cannot_overwrite_a_newer_claim(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    row_id = put(db, clock, "k")
    slow = make_sender(db, slack, clock)
    [claim] = slow.claim_batch()
    assert slow.claim_batch() == []  # claimed rows are not handed out twice

    clock.advance(seconds=121)  # the slow worker's lease has expired
    assert make_sender(db, slack, clock).drain().sent == 1
    winner = load(db, row_id)

    # The slow worker wakes up: it makes no call and changes nothing.
    assert slow.deliver(claim) == "ignored"
    forged = Outcome("sent", result={"channel": "C0001", "ts": "1.000001"})
    assert slow._record(claim, forged) == "ignored"
    assert slow._record(claim, Outcome("failed", error="late")) == "ignored"
    assert len(slack.calls_to(POST)) == 1
    row = load(db, row_id)
    assert (row.status, row.result, row.claimed_at) == ("sent", winner.result, winner.claimed_at)


def test_fifty_rows_with_eight_workers(db: Database, slack: FakeSlack, clock: FixedClock) -> None:
    slack.latency = 0.005
    for i in range(50):
        put(db, clock, f"k{i}")
    stats = make_sender(db, slack, clock, concurrency=8, batch_size=20).drain()
    assert stats.sent == 50
    assert keys_posted(slack) == {f"k{i}": 1 for i in range(50)}
    assert len({m.ts for m in slack.messages}) == 50
    with db.session() as session:
        statuses = session.scalars(select(OutboxMessage.status)).all()
    assert set(statuses) == {"sent"}


def test_run_forever_delivers_until_stopped(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    stop = threading.Event()
    sender = make_sender(db, slack, clock)
    worker = threading.Thread(
        target=sender.run_forever, args=(stop,), kwargs={"idle_seconds": 0.01}
    )
    worker.start()
    try:
        put(db, clock, "k")
        deadline = time.monotonic() + 5
        while not slack.messages and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        worker.join(timeout=5)
    assert not worker.is_alive()
    assert keys_posted(slack) == {"k": 1}


def test_already_reacted_counts_as_success() -> None:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="http://x/api/reactions.add",
        req_args={},
        data={"ok": False, "error": "already_reacted"},
        headers={},
        status_code=200,
    )
    assert classify("reactions.add", SlackApiError("x", response)).kind == "sent"
    assert classify(POST, SlackApiError("x", response)).kind == "failed"


def test_backoff_doubles_and_is_capped() -> None:
    assert 1 <= backoff_seconds(1) <= 1.1
    assert 8 <= backoff_seconds(4) <= 8.8
    assert 300 <= backoff_seconds(30) <= 330


def test_lease_must_outlast_a_slack_call(db: Database, clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="lease_seconds"):
        OutboxSender(db, WebClient(token=BOT_TOKEN, timeout=30), clock, lease_seconds=30)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_two_senders_share_the_outbox_on_postgres(
    db: Database, database_url: str, slack: FakeSlack, clock: FixedClock
) -> None:
    assert db.is_postgres
    slack.latency = 0.001
    for i in range(200):
        put(db, clock, f"k{i}")
    databases = [Database(database_url), Database(database_url)]
    senders = [make_sender(d, slack, clock, concurrency=4, batch_size=10) for d in databases]
    start = threading.Barrier(2)
    totals: list[int] = []
    batches: list[int] = []

    def run(sender: OutboxSender) -> None:
        claim_batch = sender.claim_batch

        def counted(*args: Any, **kwargs: Any) -> list[Claim]:
            claims = claim_batch(*args, **kwargs)
            batches.append(len(claims))
            return claims

        sender.claim_batch = counted  # type: ignore[method-assign]
        start.wait()
        totals.append(sender.drain().sent)

    threads = [threading.Thread(target=run, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for database in databases:
        database.dispose()

    assert sum(totals) == 200
    assert max(batches) <= 10  # SKIP LOCKED claims never exceed the batch size
    assert keys_posted(slack) == {f"k{i}": 1 for i in range(200)}
    with db.session() as session:
        assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}
