"""Slack's rate limits as budgets: one per method per workspace, one per channel for posts.

Why not one pace for everything: Slack limits each Web API method on its own (SLACK.md, "Rate
limits"), so a single pace either wastes `views.publish`'s Tier 4 budget while a fan-out of
posts runs, or sends `conversations.open` (Tier 3) far faster than Slack allows during crash
look-ups. And a 429 on one method says nothing about another: it pauses that method only.

A `Budget` hands out start times ("slots") at its rate with a small burst, like a token bucket
that may be drawn on a little ahead. The sender asks how many slots a method has within a short
horizon before it claims rows of that method, so rows are claimed when they can be sent and a
row enqueued a moment later (an approval behind a fan-out) still overtakes every row not yet
claimed. Slots run on the monotonic clock (pacing is real time); a Retry-After pause runs on the
sender's clock, so tests can travel past it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.config import BUDGET_CHANNEL as CHANNEL

POST = "chat.postMessage"
EPHEMERAL = "chat.postEphemeral"
HISTORY = "conversations.history"
REPLIES = "conversations.replies"
OPEN = "conversations.open"
TIER_3 = 50 / 60  # "50+ per minute"
TIER_4 = 100 / 60  # "100+ per minute"

# Per second, per workspace; chat.postMessage and chat.postEphemeral follow
# KINERJA_SLACK_RATE_PER_SECOND (their workspace-wide limit), posts into one channel `CHANNEL`.
DEFAULT_RATES: dict[str, float] = {
    "views.publish": TIER_4,
    "chat.update": TIER_3,
    OPEN: TIER_3,
    HISTORY: TIER_3,
    REPLIES: TIER_3,
}
DEFAULT_CHANNEL_RATE = 1.0
CHANNEL_BURST = 3
# A fan-out touches thousands of DMs, each a channel with a pace of its own: once more than
# this many are kept, those idle long enough to be full again are forgotten (nothing is lost).
KEEP_CHANNELS = 1000
EPSILON = 1e-9  # float slack when comparing slot times


class Budget:
    """Slots at `rate` per second, `burst` of them at once after an idle spell; rate 0 = none.

    Thread-safe. `pause_until` (on the sender's clock) is the last Retry-After Slack gave.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 1,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate < 0 or burst < 1:
            raise ValueError("rate must be >= 0 and burst >= 1")
        self.rate = rate
        self.interval = 1.0 / rate if rate else 0.0
        self.burst = burst
        self._monotonic = monotonic
        self._next = monotonic()
        self._later = 0.0  # the last slot handed to a row put back for later
        self.pause_until: datetime | None = None
        self._lock = threading.Lock()

    def _first(self, now: float) -> float:
        return max(self._next, now - (self.burst - 1) * self.interval)

    def slots_within(self, horizon: float) -> int:
        """How many calls could start within `horizon` seconds (a large number when unpaced)."""
        if not self.rate:
            return 1_000_000
        with self._lock:
            now = self._monotonic()
            first = self._first(now)
        if first > now + horizon + EPSILON:
            return 0
        return int((now + horizon - first + EPSILON) / self.interval) + 1

    def ready_in(self) -> float:
        """Seconds until the next slot."""
        if not self.rate:
            return 0.0
        with self._lock:
            now = self._monotonic()
            return max(0.0, self._first(now) - now)

    def reserve(self, max_wait: float | None = None) -> float | None:
        """Take the next slot; the seconds to wait for it. None (nothing taken) when the slot is
        further away than `max_wait`."""
        if not self.rate:
            return 0.0
        with self._lock:
            now = self._monotonic()
            start = self._first(now)
            if max_wait is not None and start - now > max_wait + EPSILON:
                return None
            self._next = start + self.interval
        return max(0.0, start - now)

    def give_back(self) -> None:
        """Return a reserved slot that was not used (the row was put back)."""
        if not self.rate:
            return
        with self._lock:
            self._next = max(
                self._monotonic() - self.burst * self.interval, self._next - self.interval
            )

    def later(self) -> float:
        """Seconds after which a row put back for want of a slot should come again; rows put
        back together are spread at the rate, so they do not all return at the same moment."""
        if not self.rate:
            return 0.0
        with self._lock:
            now = self._monotonic()
            slot = max(self._first(now), self._later + self.interval)
            self._later = slot
            return max(0.0, slot - now)

    def idle_for(self) -> float:
        with self._lock:
            return self._monotonic() - max(self._next, self._later)


@dataclass(frozen=True)
class BudgetRates:
    """Configured rates: `post` is KINERJA_SLACK_RATE_PER_SECOND, `methods` the other methods
    (defaults merged with KINERJA_SLACK_BUDGETS), `channel` the pace of posts into one channel."""

    post: float = 0.0
    methods: Mapping[str, float] = field(default_factory=dict)
    channel: float = 0.0

    @classmethod
    def slack_defaults(cls, post: float, overrides: Mapping[str, float]) -> BudgetRates:
        methods = {**DEFAULT_RATES, EPHEMERAL: post}
        methods.update({k: v for k, v in overrides.items() if k != CHANNEL})
        return cls(post, methods, overrides.get(CHANNEL, DEFAULT_CHANNEL_RATE))


class Budgets:
    """Every budget of one sender, made on first use: per (workspace, method) and, for posts,
    per (workspace, channel)."""

    def __init__(
        self, rates: BudgetRates, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.rates = rates
        self._monotonic = monotonic
        self._methods: dict[tuple[str, str], Budget] = {}
        self._channels: dict[tuple[str, str], Budget] = {}
        self._lock = threading.Lock()

    def method(self, team_id: str, method: str) -> Budget:
        key = (team_id, method)
        with self._lock:
            budget = self._methods.get(key)
            if budget is None:
                rate = self.rates.post if method == POST else self.rates.methods.get(method, 0.0)
                budget = Budget(rate, monotonic=self._monotonic)
                self._methods[key] = budget
            return budget

    def channel(self, team_id: str, channel: str) -> Budget:
        key = (team_id, channel)
        with self._lock:
            budget = self._channels.get(key)
            if budget is None:
                if len(self._channels) > KEEP_CHANNELS:
                    self._forget_idle()
                budget = Budget(self.rates.channel, burst=CHANNEL_BURST, monotonic=self._monotonic)
                self._channels[key] = budget
            return budget

    def known(self) -> list[tuple[str, str, Budget]]:
        """(team, method, budget) for every method budget made so far."""
        with self._lock:
            return [(team, method, budget) for (team, method), budget in self._methods.items()]

    def pause(self, team_id: str, method: str, until: datetime) -> None:
        budget = self.method(team_id, method)
        with budget._lock:
            if budget.pause_until is None or until > budget.pause_until:
                budget.pause_until = until

    def paused_for(self, team_id: str, method: str, now: datetime) -> float:
        """Seconds the method is still paused by a Retry-After (0 when not)."""
        until = self.method(team_id, method).pause_until
        return max(0.0, (until - now).total_seconds()) if until is not None else 0.0

    def _forget_idle(self) -> None:
        stale = [k for k, b in self._channels.items() if b.idle_for() > b.burst * b.interval]
        for key in stale:
            del self._channels[key]
