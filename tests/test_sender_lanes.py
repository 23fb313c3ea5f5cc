"""The sender spends Slack's budget where people wait: lanes, per-method pauses, look-ups that
remember what they learned, leases on the real clock.

Nothing here asserts a duration: orders and counts only. Tests on a fixed clock move it to let
pauses pass; the ones on the real clock drain until the outbox is empty (a stall fails them).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.clock import Clock, FixedClock, SystemClock
from bot.config import load_settings
from bot.outbox import Lane, enqueue
from bot.shell.cli.common import services_for
from bot.shell.runtime import make_sender
from bot.slack.budgets import BudgetRates, Budgets
from bot.slack.sender import OutboxSender
from storage.db import Database
from storage.models import OutboxMessage
from tests.conftest import BOT_TOKEN, TEAM_ID
from tests.fakeslack import FakeSlack
from tests.test_sender import keys_posted
from tests.waiting import wait_for

POST = "chat.postMessage"
DRAIN_GUARD_SECONDS = 240.0  # a stalled outbox fails the test instead of hanging it


@pytest.fixture
def slack(fake_slack: FakeSlack, workspace: str) -> FakeSlack:
    for i in range(1, 4):
        fake_slack.add_user(id=f"U{i}", name=f"person{i}")
    return fake_slack


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1))


def sender_for(
    db: Database, slack: FakeSlack, clock: Clock, post_rate: float = 0.0, **options: Any
) -> OutboxSender:
    client = WebClient(token=BOT_TOKEN, base_url=slack.api_url, timeout=5)
    overrides = options.pop("rates", {})
    budgets = Budgets(BudgetRates(post=post_rate, methods=overrides))
    return OutboxSender(db, client, clock, budgets=budgets, **options)


def put(
    db: Database,
    now: datetime,
    key: str,
    channel: str = "C0001",
    *,
    lane: Lane = Lane.INTERACTIVE,
    method: str = POST,
    payload: dict[str, Any] | None = None,
) -> None:
    body = payload or {"channel": channel, "text": f"message {key}"}
    with db.session() as session:
        enqueue(session, team_id=TEAM_ID, key=key, method=method, payload=body, now=now, lane=lane)


def unfinished(db: Database) -> int:
    with db.session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status.in_(["pending", "sending"]))
        )
    return int(count or 0)


def drain_until_empty(sender: OutboxSender, db: Database) -> None:
    deadline = time.monotonic() + DRAIN_GUARD_SECONDS
    while unfinished(db):
        sender.drain()
        assert time.monotonic() < deadline, f"the outbox stalled with {unfinished(db)} rows left"
        time.sleep(0.05)


def posted_keys_in_order(slack: FakeSlack) -> list[str]:
    with slack._lock:
        return [
            m.metadata["event_payload"]["key"]
            for m in slack.messages
            if m.metadata and "event_payload" in m.metadata
        ]


# ---------------------------------------------------------------------- lanes


def test_interactive_rows_go_first_and_bulk_last(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    for i in range(5):
        put(db, clock.now(), f"scheduled{i}", lane=Lane.SCHEDULED)
    put(db, clock.now(), "bulk", lane=Lane.BULK)
    put(db, clock.now(), "approval")  # interactive, enqueued last

    sender_for(db, slack, clock, concurrency=1).drain()

    assert posted_keys_in_order(slack) == [
        "approval",
        *(f"scheduled{i}" for i in range(5)),
        "bulk",
    ]


def test_an_interactive_row_overtakes_a_fan_out_being_drained(
    db: Database, slack: FakeSlack
) -> None:
    """While 60 prompts drain at 20 per second, an approval enqueued after the fifth one
    arrived reaches Slack ahead of all but the few prompts already claimed or in flight."""
    real = SystemClock()
    for i in range(60):
        put(db, real.now(), f"prompt{i}", channel="U1", lane=Lane.SCHEDULED)
    sender = sender_for(db, slack, real, post_rate=20.0)
    worker = threading.Thread(target=drain_until_empty, args=(sender, db))
    worker.start()
    try:
        wait_for(lambda: len(posted_keys_in_order(slack)) >= 5, timeout=60, interval=0.005)
        before = len(posted_keys_in_order(slack))
        put(db, real.now(), "approval", channel="U2")
    finally:
        worker.join(timeout=DRAIN_GUARD_SECONDS)
    order = posted_keys_in_order(slack)
    assert Counter(order) == {**{f"prompt{i}": 1 for i in range(60)}, "approval": 1}
    # At most the concurrency's worth of prompts was claimed ahead of it; 55 were waiting.
    assert order.index("approval") <= before + sender.concurrency


# ---------------------------------------------------------------------- per-method pauses


def test_a_429_on_one_method_does_not_pause_another(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    view = {"type": "home", "blocks": []}
    for i in range(1, 4):
        payload = {"user_id": f"U{i}", "view": view}
        put(db, clock.now(), f"home{i}", method="views.publish", payload=payload)
        put(db, clock.now(), f"post{i}", lane=Lane.SCHEDULED)
    slack.fail_next("views.publish", status=429, retry_after=30)
    sender = sender_for(db, slack, clock, concurrency=1)

    sender.drain()
    assert len(slack.calls_to("views.publish")) == 1  # paused after its 429 …
    assert keys_posted(slack) == {"post1": 1, "post2": 1, "post3": 1}  # … posts went on
    assert sender.pause_remaining(TEAM_ID, "views.publish") == 30.0
    assert sender.pause_remaining(TEAM_ID, POST) == 0.0

    clock.advance(seconds=30)
    sender.drain()
    assert set(slack.views_published) == {"U1", "U2", "U3"}


def test_posts_into_one_channel_are_paced_without_holding_up_other_channels(
    db: Database, slack: FakeSlack
) -> None:
    """Six posts for the HR channel, queued first, then one each for six other channels: the
    HR channel takes a burst of three and then one post per half second, and the other
    channels' posts do not wait for it; no row spends an attempt waiting."""
    real = SystemClock()
    for i in range(6):
        put(db, real.now(), f"hr{i}", channel="C0HR", lane=Lane.SCHEDULED)
    for i in range(6):
        put(db, real.now(), f"other{i}", channel=f"C0OTHER{i}", lane=Lane.SCHEDULED)
    client = WebClient(token=BOT_TOKEN, base_url=slack.api_url, timeout=5)
    budgets = Budgets(BudgetRates(post=0.0, channel=2.0))
    drain_until_empty(OutboxSender(db, client, real, budgets=budgets), db)

    order = posted_keys_in_order(slack)
    assert Counter(order) == {
        **{f"hr{i}": 1 for i in range(6)},
        **{f"other{i}": 1 for i in range(6)},
    }
    assert max(order.index(f"other{i}") for i in range(6)) < order.index("hr5")
    with db.session() as session:
        assert set(session.scalars(select(OutboxMessage.attempts))) == {1}


def test_a_paused_look_up_puts_its_row_back_and_others_go_on(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    put(db, clock.now(), "unsure", channel="U1")
    slack.fail_next(POST, status=503)  # outcome unknown: the next try looks first
    sender = sender_for(db, slack, clock)
    sender.drain()
    clock.advance(seconds=5)
    slack.fail_next("conversations.history", status=429, retry_after=60)
    put(db, clock.now(), "digest", channel="C0HR")

    sender.drain()
    assert keys_posted(slack) == {"digest": 1}
    with db.session() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "unsure"))
        assert row is not None
        assert (row.status, row.attempts, row.needs_lookup) == ("pending", 1, True)

    clock.advance(seconds=60)
    sender.drain()
    assert keys_posted(slack) == {"digest": 1, "unsure": 1}


def test_a_row_looked_up_once_does_not_look_again_after_a_429(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    put(db, clock.now(), "k", channel="U1")
    slack.fail_next(POST, status=503)
    sender = sender_for(db, slack, clock)
    sender.drain()  # 503: unknown
    clock.advance(seconds=5)
    slack.fail_next(POST, status=429, retry_after=2)
    sender.drain()  # looks (not there), posts: 429, known not posted
    clock.advance(seconds=2)
    sender.drain()

    assert keys_posted(slack) == {"k": 1}
    assert len(slack.calls_to("conversations.history")) == 1
    assert len(slack.calls_to("conversations.open")) == 1


def test_a_restarted_sender_reads_a_known_dm_without_opening_it(
    db: Database, slack: FakeSlack, clock: FixedClock
) -> None:
    put(db, clock.now(), "first", channel="U1")
    before = sender_for(db, slack, clock)
    before.drain()  # Slack answered with U1's DM: stored with the row's record
    put(db, clock.now(), "second", channel="U1")
    slack.fail_next(POST, status=503)
    after = sender_for(db, slack, clock)  # another process: nothing in memory
    after.drain()
    clock.advance(seconds=5)
    after.drain()

    assert keys_posted(slack) == {"first": 1, "second": 1}
    assert slack.calls_to("conversations.open") == []
    assert [c.args["channel"] for c in slack.calls_to("conversations.history")] == ["DU1"]
    assert before is not after


# ---------------------------------------------------------------------- never stall


@pytest.mark.parametrize("rate", [5.0, 10.0, 25.0])
def test_a_burst_of_errors_never_stalls_the_outbox(
    db: Database, fake_slack: FakeSlack, workspace: str, rate: float
) -> None:
    """120 prompts; chat.postMessage fails 60 % of the time for a while (half of those after
    Slack stored the message), conversations.open and .history answer 429 beyond Slack-like
    tiers that the sender's budgets overshoot. Every prompt arrives once, and an HR digest
    queued meanwhile (a channel post, no look-up) too."""
    people = [f"U{i:04d}" for i in range(120)]
    for person in people:
        fake_slack.add_user(id=person)
    real = SystemClock()
    for person in people:
        put(db, real.now(), f"prompt:{person}", channel=person, lane=Lane.SCHEDULED)
    fake_slack.fail_next(POST, status=503, times=10)
    fake_slack.fail_fraction(POST, 0.6, calls=40, status=502, stored=True)
    fake_slack.rate_limit(4.0, method="conversations.open")
    fake_slack.rate_limit(4.0, method="conversations.history")
    lookups = {"conversations.open": 20.0, "conversations.history": 20.0}
    sender = sender_for(db, fake_slack, real, post_rate=rate, rates=lookups)
    worker = threading.Thread(target=drain_until_empty, args=(sender, db))
    worker.start()
    try:
        wait_for(lambda: len(fake_slack.calls_to(POST)) >= 20, timeout=60, interval=0.01)
        put(db, real.now(), "digest:hr", channel="C0HR", lane=Lane.SCHEDULED)
    finally:
        worker.join(timeout=DRAIN_GUARD_SECONDS + 10)
    assert not worker.is_alive()

    assert keys_posted(fake_slack) == {**{f"prompt:{p}": 1 for p in people}, "digest:hr": 1}
    with db.session() as session:
        assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}
    answered = Counter(
        call.args["users"]
        for call in fake_slack.calls_to("conversations.open")
        if call.status == 200
    )
    assert max(answered.values(), default=0) <= 1  # each person's DM opened at most once


# ---------------------------------------------------------------------- leases


def test_leases_follow_the_real_clock_whatever_the_sender_clock_says(
    db: Database, slack: FakeSlack
) -> None:
    """`kinerja tick --at <three days ago> --send`: the CLI's claims must not look expired to
    a running bot, which would otherwise take and send the same rows."""
    past = SystemClock().now() - timedelta(days=3)
    put(db, past, "prompt", channel="U1", lane=Lane.SCHEDULED)
    cli = sender_for(db, slack, FixedClock(past))
    bot = sender_for(db, slack, SystemClock())

    [claim] = cli.claim_batch()
    assert abs((claim.claimed_at - SystemClock().now()).total_seconds()) < 60
    assert bot.claim_batch() == []


def test_the_tick_commands_sender_leases_on_the_real_clock(
    db: Database, database_url: str, slack: FakeSlack
) -> None:
    """The sender `kinerja tick --at … --send` builds (services on the simulated clock)."""
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": database_url,
        },
        env_file="/nonexistent",
    )
    past = SystemClock().now() - timedelta(days=3)
    put(db, past, "prompt", channel="U1", lane=Lane.SCHEDULED)
    cli = make_sender(services_for(settings, db, past))
    [claim] = cli.claim_batch()
    assert cli.clock.now() == past and claim.claimed_at > past + timedelta(days=2)
    assert sender_for(db, slack, SystemClock()).claim_batch() == []


def test_the_cli_and_a_running_bot_drain_together_once(
    db: Database, database_url: str, slack: FakeSlack
) -> None:
    past = SystemClock().now() - timedelta(days=3)
    keys = [f"prompt{i}" for i in range(80)]
    for i, key in enumerate(keys):
        put(db, past, key, channel=f"U{1 + i % 3}", lane=Lane.SCHEDULED)
    slack.latency = 0.002
    databases = [Database(database_url), Database(database_url)]
    senders = [
        sender_for(databases[0], slack, FixedClock(past), concurrency=4),  # the CLI, --at
        sender_for(databases[1], slack, SystemClock(), concurrency=4),  # the bot
    ]
    start = threading.Barrier(2)

    def run(sender: OutboxSender) -> None:
        start.wait()
        drain_until_empty(sender, sender.db)

    threads = [threading.Thread(target=run, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DRAIN_GUARD_SECONDS)
    for database in databases:
        database.dispose()

    assert keys_posted(slack) == {key: 1 for key in keys}
    with db.session() as session:
        assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}
