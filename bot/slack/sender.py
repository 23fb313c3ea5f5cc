"""The outbox sender: delivers `outbox` rows to Slack, each key at most once, none lost.

How a row travels (DESIGN.md principle 2):

1. **Claim.** One short transaction takes due rows — `pending` with `next_attempt_at <= now`, or
   `sending` with a `claimed_at` older than `lease_seconds` (a process died holding them) — and
   sets `status=sending, claimed_at=now, attempts+=1`. On PostgreSQL it is
   `SELECT id … ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED`, then `UPDATE … WHERE id IN (…) AND
   <still due> RETURNING …`: several instances claim side by side without waiting for or taking
   each other's rows. On SQLite (one sender process) it is one statement,
   `UPDATE … WHERE id IN (SELECT … LIMIT n) AND <still due> RETURNING …`, so the transaction never
   upgrades a read snapshot to a write (which WAL mode refuses when a worker committed between
   the two). Either way only rows still in the expected state are taken, and the returned ids
   are the claim.
2. **Deliver** (bot/slack/delivery.py) on a pool of `concurrency` workers. A try that is not a
   row's first looks for the message in Slack before posting again; see that module.
3. **Record.** One UPDATE per row, conditional on `(id, status='sending', claimed_at=<this
   claim>)`. A worker whose lease ran out and whose row was claimed again by someone else changes
   nothing. Before every Slack call a worker checks that its lease has at least the client's
   timeout left, so a call never runs past the lease (hence `lease_seconds` > client timeout).

Failures: 429 pauses the whole sender until Retry-After (Slack's limits are per workspace, so
the other workers would only collect more 429s) and reschedules the row without using up an
attempt; 5xx, timeouts and network errors back off exponentially (1, 2, 4 … 300 s, plus up to 10 %
jitter) and use an attempt; after `max_attempts` the row is `failed`. Permanent Slack errors
(`channel_not_found`, `invalid_blocks`, `invalid_auth`, …) fail the row at once; a channel
post marked `_reroute` that a channel refuses is then delivered another way (HR by DM) and HR
is told what to do, in the same transaction (bot/org/channels.py).

Rows are claimed in id order, but with several workers two rows may reach Slack in either order.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.clock import Clock, SystemClock
from bot.org.channels import reroute
from bot.ports import CHANNEL_ERRORS
from bot.slack.delivery import Outcome, deliver
from bot.slack.pacing import Pacer
from bot.slack.references import referenced_keys, resolve, waves
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300.0
BACKOFF_JITTER = 0.1
# Pauses up to this long are slept through inside drain (real clock only); longer ones end the
# drain so `run_forever` can notice its stop event.
MAX_INLINE_PAUSE_SECONDS = 30.0

PENDING = OutboxStatus.PENDING.value
SENDING = OutboxStatus.SENDING.value
SENT = OutboxStatus.SENT.value
FAILED = OutboxStatus.FAILED.value


@dataclass
class DrainStats:
    """Counts for one drain.

    `sent` includes rows found already posted (also in `duplicates_avoided`); `retried` counts
    rows put back for later: backoff after a failure, a 429, or held back by a 429 pause.
    """

    sent: int = 0
    retried: int = 0
    failed: int = 0
    duplicates_avoided: int = 0


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


class OutboxSender:
    """Delivers the outbox; safe to run in several processes on PostgreSQL (one on SQLite)."""

    def __init__(
        self,
        db: Database,
        client: WebClient,
        clock: Clock,
        *,
        concurrency: int = 8,
        max_attempts: int = 8,
        lease_seconds: int = 120,
        batch_size: int = 100,
        sleep: Callable[[float], None] = time.sleep,
        rate_per_second: float = 0.0,
    ) -> None:
        timeout = float(getattr(client, "timeout", 30) or 30)
        if concurrency < 1 or max_attempts < 1 or batch_size < 1:
            raise ValueError("concurrency, max_attempts and batch_size must be at least 1")
        if lease_seconds <= timeout:
            raise ValueError(
                f"lease_seconds ({lease_seconds}) must exceed the Slack client timeout ({timeout})"
            )
        self.db = db
        self.client = client
        self.clock = clock
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.sleep = sleep
        self.pacer = Pacer(rate_per_second, sleep=sleep)
        self._call_budget = timedelta(seconds=timeout)
        self._pause_until: datetime | None = None
        self._lock = threading.Lock()
        self._stop: threading.Event | None = None  # set by run_forever, so a drain ends promptly

    # ------------------------------------------------------------------ loop

    def drain(self, max_rounds: int | None = None) -> DrainStats:
        """Deliver everything due now; return when nothing is due (or the sender is paused).

        A short 429 pause is slept through when the clock is the real one; with a test clock the
        drain returns and the test moves the clock.
        """
        stats = DrainStats()
        rounds = 0
        pool: ThreadPoolExecutor | None = None
        try:
            while max_rounds is None or rounds < max_rounds:
                if self._stop is not None and self._stop.is_set():
                    break
                wait = self.pause_remaining()
                if wait > 0:
                    if isinstance(self.clock, SystemClock) and wait <= MAX_INLINE_PAUSE_SECONDS:
                        if self._stop is not None:
                            self._stop.wait(wait)
                        else:
                            self.sleep(wait)
                        continue
                    break
                claims = self.claim_batch()
                if not claims:
                    break
                rounds += 1
                if pool is None:
                    pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="outbox")
                for wave in waves(claims):
                    for kind in pool.map(self.deliver, wave):
                        _count(stats, kind)
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
        return stats

    def run_forever(self, stop: threading.Event, idle_seconds: float = 1.0) -> None:
        """Drain, wait, repeat until `stop` is set; a database outage is logged and outlived."""
        self._stop = stop
        while not stop.is_set():
            try:
                stats = self.drain()
                if stats.sent or stats.failed:
                    log.info("outbox: %s", stats)
            except Exception:
                log.exception("outbox drain failed; trying again shortly")
            stop.wait(max(idle_seconds, self.pause_remaining()))

    def pause_remaining(self) -> float:
        """Seconds until Slack's last Retry-After has passed (0 when not paused)."""
        with self._lock:
            until = self._pause_until
        if until is None:
            return 0.0
        return max(0.0, (until - self.clock.now()).total_seconds())

    # ------------------------------------------------------------------ claim

    def claim_batch(self) -> list[Claim]:
        """Take up to `batch_size` due rows for this sender (see the module docstring)."""
        now = self.clock.now()
        due = or_(
            and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - self.lease),
        )
        candidates = (
            select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(self.batch_size)
        )
        with self.db.session() as session:
            connection = session.connection()
            if self.db.is_postgres:
                # Lock first, then update by id: folded into the UPDATE as a subquery, PostgreSQL
                # may re-run it when rows change under it and take far more than batch_size.
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
                .values(status=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
                .returning(
                    OutboxMessage.id,
                    OutboxMessage.team_id,
                    OutboxMessage.idempotency_key,
                    OutboxMessage.method,
                    OutboxMessage.payload,
                    OutboxMessage.attempts,
                    OutboxMessage.created_at,
                )
            )
            rows = connection.execute(statement).all()
        claims = [
            Claim(
                id=row.id,
                team_id=row.team_id,
                key=row.idempotency_key,
                method=row.method,
                payload=dict(row.payload or {}),
                attempts=row.attempts,
                created_at=row.created_at,
                claimed_at=now,
            )
            for row in rows
        ]
        return sorted(claims, key=lambda claim: claim.id)

    # ------------------------------------------------------------------ deliver

    def deliver(self, claim: Claim) -> str:
        """Send one claimed row and record the outcome; returns the recorded kind, never raises.

        The kind is "ignored" when the claim was no longer ours (its lease ran out and another
        sender took the row), and "error" when recording failed (the row stays `sending` and is
        picked up again, with a look-up, once its lease expires).
        """
        try:
            payload = claim.payload
            if referenced_keys(payload):
                with self.db.session() as session:
                    resolution = resolve(session, claim.team_id, payload)
                if resolution.error is not None:
                    return self._record(claim, Outcome("failed", error=resolution.error))
                if resolution.waiting:
                    return self._record(claim, Outcome("waiting"))
                payload = resolution.payload
            outcome = deliver(
                self.client,
                method=claim.method,
                key=claim.key,
                payload=payload,
                look_first=claim.attempts > 1,
                since=claim.created_at,
                gate=lambda: self._may_call(claim),
            )
            return self._record(claim, outcome)
        except Exception:
            log.exception("outbox row %s (%s): recording failed", claim.id, claim.key)
            return "error"

    def _may_call(self, claim: Claim) -> bool:
        """Wait for this call's turn at the configured rate; then False while paused, or when
        a call could outlast this claim's lease."""
        self.pacer.wait()
        now = self.clock.now()
        if self.pause_remaining() > 0:
            return False
        return now + self._call_budget < claim.claimed_at + self.lease

    def _record(self, claim: Claim, outcome: Outcome) -> str:
        now = self.clock.now()
        kind = outcome.kind
        values: dict[str, Any]
        if kind in ("sent", "found"):
            values = {"status": SENT, "sent_at": now, "result": outcome.result or {}}
            values["last_error"] = None
        elif kind == "rate_limited":
            until = now + timedelta(seconds=outcome.retry_after or 1.0)
            self._pause(until)
            values = {"status": PENDING, "next_attempt_at": until, "last_error": outcome.error}
            values["attempts"] = OutboxMessage.attempts - 1  # a 429 is not the row's fault
        elif kind == "waiting":
            # The message this row replies to or updates is not in Slack yet.
            values = {"status": PENDING, "next_attempt_at": now + timedelta(seconds=1)}
            values["attempts"] = OutboxMessage.attempts - 1
        elif kind == "deferred":
            # No call was made for this claim: give the attempt back.
            until = max(now, self._pause_until_or(now))
            values = {"status": PENDING, "next_attempt_at": until}
            values["attempts"] = OutboxMessage.attempts - 1
        elif kind == "retry" and claim.attempts < self.max_attempts:
            until = now + timedelta(seconds=backoff_seconds(claim.attempts))
            values = {"status": PENDING, "next_attempt_at": until, "last_error": outcome.error}
        else:  # "failed", or "retry" with no attempts left
            kind = "failed"
            values = {"status": FAILED, "last_error": outcome.error or "unknown error"}
        then = None
        if kind == "failed" and outcome.error in CHANNEL_ERRORS and claim.payload.get("_reroute"):
            # A channel that cannot take the post: deliver it another way, in the same
            # transaction as the failure (bot/org/channels.py).
            error = str(outcome.error)

            def then(session: Session) -> None:
                reroute(session, claim.team_id, claim.key, claim.payload, error, now)

        if not self._finish(claim, values, then):
            log.warning(
                "outbox row %s (%s): claim lost, outcome %s dropped", claim.id, claim.key, kind
            )
            return "ignored"
        if kind == "failed":
            log.warning(
                "outbox row %s (%s) %s failed: %s", claim.id, claim.key, claim.method, outcome.error
            )
        elif kind in ("retry", "rate_limited"):
            log.info("outbox row %s (%s) rescheduled: %s", claim.id, claim.key, outcome.error)
        elif kind == "found":
            log.info(
                "outbox row %s (%s) was already in Slack; not posted again", claim.id, claim.key
            )
        return kind

    def _finish(
        self,
        claim: Claim,
        values: dict[str, Any],
        then: Callable[[Session], None] | None = None,
    ) -> bool:
        """Apply `values` only if the row is still under this very claim (and then, in the
        same transaction, `then`)."""
        statement = (
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claim.id,
                OutboxMessage.status == SENDING,
                OutboxMessage.claimed_at == claim.claimed_at,
            )
            .values(**values)
        )
        with self.db.session() as session:
            finished = session.connection().execute(statement).rowcount == 1
            if finished and then is not None:
                try:  # a broken fallback must not keep the row from being recorded
                    with session.begin_nested():
                        then(session)
                except Exception:
                    log.exception("outbox row %s (%s): fallback failed", claim.id, claim.key)
            return finished

    def _pause(self, until: datetime) -> None:
        with self._lock:
            if self._pause_until is None or until > self._pause_until:
                self._pause_until = until
        log.warning("outbox: Slack rate limit; pausing until %s", until.isoformat())

    def _pause_until_or(self, default: datetime) -> datetime:
        with self._lock:
            return self._pause_until or default


def backoff_seconds(attempts: int) -> float:
    """1, 2, 4 … seconds after the 1st, 2nd, 3rd … failed try, capped, with a little jitter."""
    base = min(MAX_BACKOFF_SECONDS, 2.0 ** max(0, attempts - 1))
    return base * (1.0 + random.uniform(0.0, BACKOFF_JITTER))


def _count(stats: DrainStats, kind: str) -> None:
    if kind in ("sent", "found"):
        stats.sent += 1
        if kind == "found":
            stats.duplicates_avoided += 1
    elif kind in ("retry", "rate_limited", "deferred"):
        stats.retried += 1
    elif kind == "failed":
        stats.failed += 1
