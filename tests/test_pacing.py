"""The pacer spaces calls evenly across threads and lets a burst through after idling."""

from __future__ import annotations

import threading

import pytest

from bot.slack.pacing import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []
        self.lock = threading.Lock()

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.slept.append(round(seconds, 6))


def test_calls_are_spaced_at_the_rate() -> None:
    clock = FakeTime()
    pacer = Pacer(4.0, sleep=clock.sleep, monotonic=clock.monotonic)
    for _ in range(4):
        pacer.wait()
    assert clock.slept == [0.25, 0.5, 0.75]


def test_a_burst_passes_after_an_idle_spell() -> None:
    clock = FakeTime()
    pacer = Pacer(10.0, burst=3, sleep=clock.sleep, monotonic=clock.monotonic)
    clock.now += 60  # idle for a minute
    for _ in range(4):
        pacer.wait()
    assert clock.slept == [0.1]  # three at once, the fourth waits one interval


def test_threads_get_distinct_slots() -> None:
    clock = FakeTime()
    pacer = Pacer(100.0, sleep=clock.sleep, monotonic=clock.monotonic)
    threads = [threading.Thread(target=pacer.wait) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(clock.slept) == [round(i / 100, 6) for i in range(1, 20)]


def test_zero_rate_never_waits() -> None:
    clock = FakeTime()
    pacer = Pacer(0.0, sleep=clock.sleep, monotonic=clock.monotonic)
    for _ in range(100):
        assert pacer.wait() == 0.0
    assert clock.slept == []


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        Pacer(-1)
    with pytest.raises(ValueError):
        Pacer(1, burst=0)
