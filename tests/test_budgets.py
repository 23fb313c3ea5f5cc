"""Budgets hand out call slots at a method's rate, let a burst through after idling, take
back a slot that was not used, spread rows put back for later, and follow Slack's tiers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.slack.budgets import TIER_3, TIER_4, Budget, BudgetRates, Budgets


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now


def test_slots_are_spaced_at_the_rate() -> None:
    clock = FakeTime()
    budget = Budget(4.0, monotonic=clock.monotonic)
    assert [budget.reserve() for _ in range(4)] == [0.0, 0.25, 0.5, 0.75]


def test_a_burst_passes_after_an_idle_spell() -> None:
    clock = FakeTime()
    budget = Budget(10.0, burst=3, monotonic=clock.monotonic)
    clock.now += 60
    assert budget.slots_within(0.0) == 3
    delays = [budget.reserve() for _ in range(4)]
    assert delays[:3] == [0.0, 0.0, 0.0] and delays[3] == pytest.approx(0.1)


def test_slots_within_a_horizon_and_a_refusal_beyond_max_wait() -> None:
    clock = FakeTime()
    budget = Budget(5.0, monotonic=clock.monotonic)
    assert budget.slots_within(0.2) == 2
    budget.reserve()
    assert budget.slots_within(0.0) == 0 and budget.ready_in() == pytest.approx(0.2)
    assert budget.reserve(max_wait=0.1) is None  # nothing taken
    assert budget.reserve(max_wait=0.2) == pytest.approx(0.2)


def test_a_slot_given_back_is_handed_out_again() -> None:
    clock = FakeTime()
    budget = Budget(2.0, monotonic=clock.monotonic)
    budget.reserve()
    budget.reserve()
    budget.give_back()
    assert budget.reserve() == pytest.approx(0.5)


def test_rows_put_back_return_spread_at_the_rate() -> None:
    clock = FakeTime()
    budget = Budget(1.0, monotonic=clock.monotonic)
    budget.reserve()
    assert [budget.later() for _ in range(3)] == pytest.approx([1.0, 2.0, 3.0])


def test_threads_get_distinct_slots() -> None:
    clock = FakeTime()
    budget = Budget(100.0, monotonic=clock.monotonic)
    delays: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        delay = budget.reserve()
        with lock:
            delays.append(round(delay or 0.0, 6))

    threads = [threading.Thread(target=take) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(delays) == [round(i / 100, 6) for i in range(20)]


def test_zero_rate_never_waits() -> None:
    budget = Budget(0.0)
    assert all(budget.reserve() == 0.0 for _ in range(100))
    assert budget.slots_within(0.0) > 1000


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        Budget(-1)
    with pytest.raises(ValueError):
        Budget(1, burst=0)


def test_slack_tiers_by_default_and_overrides() -> None:
    budgets = Budgets(BudgetRates.slack_defaults(5.0, {"chat.update": 2.0, "channel": 0.5}))
    assert budgets.method("T1", "chat.postMessage").rate == 5.0
    assert budgets.method("T1", "chat.postEphemeral").rate == 5.0
    assert budgets.method("T1", "views.publish").rate == TIER_4
    assert budgets.method("T1", "conversations.open").rate == TIER_3
    assert budgets.method("T1", "chat.update").rate == 2.0
    assert budgets.channel("T1", "C1").rate == 0.5


def test_a_pause_holds_only_its_method_and_workspace() -> None:
    budgets = Budgets(BudgetRates(post=5.0))
    now = datetime(2026, 12, 4, tzinfo=UTC)
    budgets.pause("T1", "views.publish", now + timedelta(seconds=30))
    assert budgets.paused_for("T1", "views.publish", now) == 30.0
    assert budgets.paused_for("T1", "chat.postMessage", now) == 0.0
    assert budgets.paused_for("T2", "views.publish", now) == 0.0
    assert budgets.paused_for("T1", "views.publish", now + timedelta(seconds=31)) == 0.0
