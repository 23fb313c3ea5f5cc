"""The outbox sender: delivers `outbox` rows to Slack, each key at most once, none lost, and
Slack's rate limits spent where people wait.

How a row travels (DESIGN.md principle 2):

1. **Claim** (bot/slack/claims.py): interactive rows before scheduled before bulk, then in the
   order they became due. The sender claims only about as many rows as it has free workers and
   only rows whose method has budget left now (bot/slack/budgets.py), so rows are claimed when
   they can be sent: an approval enqueued behind a fan-out of 10,000 prompts overtakes every
   prompt not yet claimed, which is all but the one or two in flight.
2. **Deliver** (bot/slack/delivery.py) on a pool of `concurrency` workers. Each call waits for
   its method's slot, and a post for its channel's; a post whose last outcome is unknown is
   first looked for in Slack (`needs_lookup`). A call whose budget is not there soon, or whose
   method is paused, is not waited for in a worker: the row goes back without using an attempt,
   so rows that need nothing else are not held up by those that do.
3. **Record.** One UPDATE per row, conditional on `(id, status='sending', claimed_at=<this
   claim>)`. A worker whose lease ran out and whose row was claimed again by someone else changes
   nothing. Before every Slack call a worker checks that its lease has at least the client's
   timeout left, so a call never runs past the lease (hence `lease_seconds` > client timeout).

Failures: a 429 pauses the method it came from (in that workspace) until Retry-After, and
reschedules the row without using up an attempt; other methods go on. 5xx, timeouts and network
errors back off exponentially (1, 2, 4 … 300 s, plus up to 10 % jitter), use an attempt and mark
the row `needs_lookup`; after `max_attempts` the row is `failed`. A look-up that found nothing
clears the mark, so a row that then meets a 429 or a closed gate does not look again. Permanent
Slack errors (`channel_not_found`, `invalid_blocks`, `invalid_auth`, …) fail the row at once; a
channel post marked `_reroute` that a channel refuses is then delivered another way (HR by DM)
and HR is told what to do, in the same transaction (bot/org/channels.py).

With several workers two rows may reach Slack in either order, except that a row referring to
another (a thread reply, an update) waits for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta

from slack_sdk import WebClient

from bot.clock import Clock, SystemClock
from bot.slack.budgets import EPHEMERAL, HISTORY, POST, Budget, BudgetRates, Budgets
from bot.slack.claims import Blocked, Claim, any_due, claim_rows
from bot.slack.delivery import GateClosed, Outcome, deliver
from bot.slack.recording import (
    DrainStats,
    KeptDms,
    Recorder,
    backoff_seconds,
    count,
    recall_dm,
)
from bot.slack.references import Resolution, promote, referenced_keys, resolve
from storage.db import Database

log = logging.getLogger(__name__)

# A drain keeps going (real clock only) while rows wait for a pause at most this long; longer
# ones end the drain so `run_forever` can notice its stop event.
MAX_INLINE_PAUSE_SECONDS = 30.0
# Rows are claimed for the slots of the next HORIZON seconds only: whatever is enqueued later
# waits at most that long plus one call for a row claimed ahead of it.
HORIZON_SECONDS = 0.2
# Longest a worker waits for a look-up's or a channel's slot before it puts the row back.
SLOT_WAIT_SECONDS = 1.0
# How often a drain looks again for rows while everything due is blocked or in flight.
POLL_SECONDS = 0.1

__all__ = ["Claim", "DrainStats", "OutboxSender", "backoff_seconds"]


class OutboxSender(Recorder):
    """Delivers the outbox; safe to run in several processes on PostgreSQL (one on SQLite).

    `budgets` are Slack's rate limits as this sender spends them (none: only `rate_per_second`
    for chat.postMessage, 0 = unpaced); `lease_clock` stamps and checks leases (the real clock
    unless a test travels in time with it).
    """

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
        budgets: Budgets | None = None,
        lease_clock: Clock | None = None,
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
        self.lease_clock: Clock = lease_clock or SystemClock()
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.sleep = sleep
        self.budgets = budgets or Budgets(BudgetRates(post=rate_per_second))
        self._call_budget = timedelta(seconds=timeout)
        self.kept_dms = KeptDms()
        self._stop: threading.Event | None = None  # set by run_forever, so a drain ends promptly

    # ------------------------------------------------------------------ loop

    def drain(self, max_rounds: int | None = None) -> DrainStats:
        """Deliver everything due now; return when nothing is due (or all of it waits for a
        pause: with a test clock at once, so the test can move the clock; with the real clock
        once the pause is longer than MAX_INLINE_PAUSE_SECONDS)."""
        stats = DrainStats()
        rounds = 0
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="outbox")
        running: dict[Future[str], Claim] = {}
        parked: list[Claim] = []  # claimed, waiting for a row in flight they refer to
        try:
            while True:
                self._collect(running, stats)
                parked = self._dispatch(pool, running, parked, stats) if parked else parked
                if self._stop is not None and self._stop.is_set():
                    break
                free = self.concurrency - len(running) - len(parked)
                if free <= 0:
                    wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                    continue
                claims: list[Claim] = []
                blocked: list[Blocked] = []
                pause = 0.0
                if max_rounds is None or rounds < max_rounds:
                    blocked, limit, pause = self._plan(free)
                    claims = self.claim_batch(limit, blocked)
                if claims:
                    rounds += 1
                    parked = self._dispatch(pool, running, parked + claims, stats)
                    continue
                if running:
                    wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                    continue
                if max_rounds is not None and rounds >= max_rounds:
                    break
                if not self._worth_waiting(bool(blocked), pause):
                    break
                self._nap(min(pause, POLL_SECONDS) if pause > 0 else POLL_SECONDS)
        finally:
            pool.shutdown(wait=True)
            self._collect(running, stats)
            self._release(parked, stats)
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
            stop.wait(idle_seconds)

    def pause_remaining(self, team_id: str | None = None, method: str = POST) -> float:
        """Seconds until Slack's last Retry-After for `method` has passed (0 when not paused);
        without a workspace, the longest over every workspace."""
        now = self.clock.now()
        return max(
            (
                self.budgets.paused_for(team, name, now)
                for team, name, _ in self.budgets.known()
                if name == method and team_id in (None, team)
            ),
            default=0.0,
        )

    def _worth_waiting(self, blocked: bool, pause: float) -> bool:
        """Nothing could be claimed and nothing is in flight: wait a moment, or end the drain?

        On the real clock a drain waits for rows due within a second (put back for want of a
        slot) or within a short Retry-After pause; on a test clock it waits only for budget
        (real time) and leaves pauses to the test, which moves the clock.
        """
        now = self.clock.now()
        lease_now = self.lease_clock.now()
        if isinstance(self.clock, SystemClock):
            if pause > MAX_INLINE_PAUSE_SECONDS:
                return False
            soon = now + timedelta(seconds=max(pause, 1.0))
            return any_due(self.db, now=soon, lease_now=lease_now, lease=self.lease)
        if not blocked or pause > 0:
            return False
        return any_due(self.db, now=now, lease_now=lease_now, lease=self.lease)

    def _nap(self, seconds: float) -> None:
        if self._stop is not None:
            self._stop.wait(seconds)
        else:
            self.sleep(seconds)

    def _plan(self, free: int) -> tuple[list[Blocked], int, float]:
        """What may be claimed now: the (workspace, method) pairs left out, how many rows, and
        the shortest Retry-After pause among the pairs left out (0 if only budget holds them)."""
        now = self.clock.now()
        blocked: list[Blocked] = []
        slots = 0
        shortest_pause = 0.0
        for team, method, budget in self.budgets.known():
            paused = self.budgets.paused_for(team, method, now)
            ready = 0 if paused else budget.slots_within(HORIZON_SECONDS)
            if ready:
                slots += ready
                continue
            if paused and (not shortest_pause or paused < shortest_pause):
                shortest_pause = paused
            blocked.append(Blocked(team, method, lookups_only=method == HISTORY))
        if not self.budgets.known():
            return blocked, min(free, self.batch_size), 0.0
        limit = min(free, self.batch_size, max(1, slots))
        return blocked, limit, shortest_pause

    def claim_batch(
        self, limit: int | None = None, blocked: list[Blocked] | None = None
    ) -> list[Claim]:
        """Take up to `limit` (default `batch_size`) due rows (bot/slack/claims.py)."""
        return claim_rows(
            self.db,
            now=self.clock.now(),
            lease_now=self.lease_clock.now(),
            lease=self.lease,
            limit=min(limit or self.batch_size, self.batch_size),
            blocked=blocked or [],
        )

    def _dispatch(
        self,
        pool: ThreadPoolExecutor,
        running: dict[Future[str], Claim],
        queued: list[Claim],
        stats: DrainStats,
    ) -> list[Claim]:
        """Start each claimed row in its method's slot, in order; return the rows that must
        wait for a row they refer to that is in flight or still queued here."""
        busy = {claim.key for claim in running.values()} | {claim.key for claim in queued}
        waiting: list[Claim] = []
        for claim in queued:
            if referenced_keys(claim.payload) & (busy - {claim.key}):
                waiting.append(claim)
                continue
            busy.discard(claim.key)
            if self._start(pool, running, claim, stats):
                busy.add(claim.key)
        if waiting and not running:  # a cycle of references: let them find out they wait
            for claim in waiting:
                self._start(pool, running, claim, stats)
            return []
        return waiting

    def _release(self, claims: list[Claim], stats: DrainStats) -> None:
        """Claimed rows not started when a drain ends go back as they were."""
        for claim in claims:
            back = Outcome("deferred", retry_after=0.0, needs_lookup=claim.needs_lookup)
            count(stats, self._record(claim, back))

    def _start(
        self,
        pool: ThreadPoolExecutor,
        running: dict[Future[str], Claim],
        claim: Claim,
        stats: DrainStats,
    ) -> bool:
        budget = self.budgets.method(claim.team_id, claim.method)
        delay = budget.reserve(max_wait=HORIZON_SECONDS)
        if delay is None:  # claimed with other methods' slots: back it goes, as it was
            back = Outcome("deferred", retry_after=0.0, needs_lookup=claim.needs_lookup)
            count(stats, self._record(claim, back))
            return False
        running[pool.submit(self._run, claim, delay)] = claim
        return True

    def _run(self, claim: Claim, delay: float) -> str:
        if delay > 0:
            self.sleep(delay)
        return self.deliver(claim)

    def _collect(self, running: dict[Future[str], Claim], stats: DrainStats) -> None:
        for future in [f for f in running if f.done()]:
            del running[future]
            count(stats, future.result())

    # ------------------------------------------------------------------ deliver

    def deliver(self, claim: Claim) -> str:
        """Send one claimed row (its method's slot already taken) and record the outcome;
        returns the recorded kind, never raises.

        The kind is "ignored" when the claim was no longer ours (its lease ran out and another
        sender took the row), and "error" when recording failed (the row stays `sending` and is
        picked up again, with a look-up, once its lease expires).
        """
        budget = self.budgets.method(claim.team_id, claim.method)
        try:
            payload = claim.payload
            if referenced_keys(payload):
                with self.db.session() as session:
                    resolution = resolve(session, claim.team_id, payload)
                if resolution.error is not None:
                    return self._record(claim, Outcome("failed", error=resolution.error))
                if resolution.waiting:
                    budget.give_back()
                    return self._record(claim, self._wait_for_parent(claim, resolution))
                payload = resolution.payload
            channel = str(payload.get("channel") or "")
            if claim.method in (POST, EPHEMERAL) and channel:
                delay = self.budgets.channel(claim.team_id, channel).reserve(SLOT_WAIT_SECONDS)
                if delay is None:
                    budget.give_back()
                    later = self.budgets.channel(claim.team_id, channel).later()
                    outcome = Outcome(
                        "deferred", retry_after=later, needs_lookup=claim.needs_lookup
                    )
                    return self._record(claim, outcome)
                if delay > 0:
                    self.sleep(delay)
            outcome = deliver(
                self.client,
                method=claim.method,
                key=claim.key,
                payload=payload,
                look_first=claim.needs_lookup,
                since=claim.created_at,
                gate=lambda method: self._gate(claim, method),
                recall=lambda user: recall_dm(self.db, claim.team_id, user),
            )
            if outcome.kind == "deferred":
                budget.give_back()
            return self._record(claim, outcome)
        except Exception:
            log.exception("outbox row %s (%s): recording failed", claim.id, claim.key)
            return "error"

    def _wait_for_parent(self, claim: Claim, resolution: Resolution) -> Outcome:
        """Come again with the row this one refers to (pulled up to this row's lane), or in a
        second while someone is sending it."""
        if resolution.parent is None or resolution.parent_due is None:
            return Outcome("waiting", retry_after=1.0)
        with self.db.session() as session:
            promote(session, claim.team_id, resolution.parent, claim.lane)
        due_in = (resolution.parent_due - self.clock.now()).total_seconds()
        return Outcome("waiting", retry_after=max(0.0, due_in))

    def _gate(self, claim: Claim, method: str) -> None:
        """May this claim call `method` now? Raise GateClosed when its method is paused, a
        look-up's method has no slot soon, or the call could outlast the claim's lease."""
        paused = self.budgets.paused_for(claim.team_id, method, self.clock.now())
        if paused > 0:
            raise GateClosed(paused)
        if self.lease_clock.now() + self._call_budget >= claim.claimed_at + self.lease:
            raise GateClosed(0.0)
        if method == claim.method:
            return  # its slot was taken when the row was started
        budget: Budget = self.budgets.method(claim.team_id, method)
        delay = budget.reserve(SLOT_WAIT_SECONDS)
        if delay is None:
            raise GateClosed(budget.later())
        if delay > 0:
            self.sleep(delay)
