"""The queue of work done after an ack: merged per key, behind unanswered requests, never stuck."""

from __future__ import annotations

import threading
import time

import pytest

from bot.slack.after_ack import AfterAck


def test_a_task_queued_twice_runs_once_with_the_newer_work() -> None:
    queue = AfterAck()
    ran: list[str] = []
    gate = threading.Event()
    queue.submit("blocker", gate.wait)  # holds the worker so both submissions wait together
    queue.submit(("home", "U1"), lambda: ran.append("old"))
    queue.submit(("home", "U2"), lambda: ran.append("other"))
    queue.submit(("home", "U1"), lambda: ran.append("new"))
    gate.set()
    assert queue.wait_idle(5)
    assert ran == ["new", "other"]  # U1 keeps its place in the queue, with the newer task


def test_work_waits_while_a_request_is_unanswered() -> None:
    queue = AfterAck(max_delay=5.0)
    ran = threading.Event()
    with queue.answering():
        queue.submit("home", ran.set)
        assert not ran.wait(0.2)
    assert ran.wait(2)


def test_work_runs_after_max_delay_even_if_requests_never_stop() -> None:
    queue = AfterAck(max_delay=0.2)
    ran = threading.Event()
    started = time.monotonic()
    with queue.answering():
        queue.submit("home", ran.set)
        assert ran.wait(3)
    assert time.monotonic() - started >= 0.19


def test_a_failing_task_is_logged_and_the_next_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue = AfterAck()
    ran = threading.Event()

    def broken() -> None:
        raise RuntimeError("boom")

    queue.submit("broken", broken)
    queue.submit("fine", ran.set)
    assert ran.wait(2)
    assert queue.wait_idle(2)
    assert "work after an acknowledgement failed" in caplog.text


def test_a_full_queue_drops_new_keys_and_counts_them() -> None:
    queue = AfterAck(max_pending=2)
    gate, taken = threading.Event(), threading.Event()

    def blocker() -> None:
        taken.set()
        gate.wait()

    queue.submit("blocker", blocker)
    assert taken.wait(5)  # the worker holds the blocker; the queue is empty again
    ran: list[int] = []
    for n in range(4):
        queue.submit(n, lambda n=n: ran.append(n))  # type: ignore[misc]
    gate.set()
    assert queue.wait_idle(5)
    assert ran == [0, 1]
    assert queue.dropped == 2


def test_wait_idle_reports_work_still_running() -> None:
    queue = AfterAck()
    gate = threading.Event()
    queue.submit("slow", gate.wait)
    assert not queue.wait_idle(0.1)
    gate.set()
    assert queue.wait_idle(2)
