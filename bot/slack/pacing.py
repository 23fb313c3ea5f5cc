"""Spacing Slack calls to a rate, so a fan-out runs at the workspace limit instead of
discovering it through 429s (SLACK.md: "pace to it and honour every Retry-After")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    """Hands out evenly spaced start times to any number of threads.

    `rate` calls per second, with up to `burst` calls let through at once after an idle spell;
    a rate of 0 turns pacing off. A 429 still pauses the sender: pacing is the plan, the
    Retry-After is the truth.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 1,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate < 0 or burst < 1:
            raise ValueError("rate must be >= 0 and burst >= 1")
        self.rate = rate
        self.interval = 1.0 / rate if rate else 0.0
        self.burst = burst
        self._sleep = sleep
        self._monotonic = monotonic
        self._next = monotonic()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until this caller may start; return how long it waited."""
        if not self.rate:
            return 0.0
        with self._lock:
            now = self._monotonic()
            earliest = now - (self.burst - 1) * self.interval
            start = max(self._next, earliest)
            self._next = start + self.interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
            return delay
        return 0.0
