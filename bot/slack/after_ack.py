"""Work a listener does after Slack has its answer, kept behind the answers still to be given.

Slack waits at most 3 seconds for an acknowledgement, and a person is waiting for every one of
them; nobody is waiting for their App Home to be republished to the second. Python runs one
thread at a time (the GIL), so a Home being built in one thread (about 25 ms of CPU for a large
organisation) delays every acknowledgement being prepared in the others. Here such work is
queued, merged by key (a Home asked for twice is built once, from the newest state), and run by
a single thread that waits while any request is still being answered — but never more than
`max_delay` seconds, so a busy web server still republishes Homes.

The queue lives in memory: work lost with the process is a Home refreshed on its next opening,
never a person's data (that is written before the ack, or through the outbox).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

Task = Callable[[], None]


class AfterAck:
    def __init__(self, *, max_delay: float = 1.0, max_pending: int = 10_000) -> None:
        self.max_delay = max_delay
        self.max_pending = max_pending
        self._lock = threading.Condition()
        self._pending: OrderedDict[Hashable, tuple[float, Task]] = OrderedDict()
        self._answering = 0  # requests received and not yet answered
        self._running = False  # a task is being run right now
        self._thread: threading.Thread | None = None
        self.dropped = 0

    def submit(self, key: Hashable, task: Task) -> None:
        """Run `task` soon; a task already waiting under `key` is replaced (it would do the same
        work from older data) but keeps its place in the queue."""
        with self._lock:
            if key in self._pending:
                queued_at, _ = self._pending[key]
                self._pending[key] = (queued_at, task)
            elif len(self._pending) >= self.max_pending:
                self.dropped += 1  # a stale Home, not lost data; logged so it is seen
                log.warning("after-ack queue full (%d): dropped %r", self.max_pending, key)
                return
            else:
                self._pending[key] = (time.monotonic(), task)
            self._start()
            self._lock.notify_all()

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Held by the web server while a request has not been answered yet."""
        with self._lock:
            self._answering += 1
        try:
            yield
        finally:
            with self._lock:
                self._answering -= 1
                if self._answering == 0:
                    self._lock.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once nothing is queued or running (tests, and shutting down cleanly)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.05))
        return True

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="after-ack", daemon=True)
            self._thread.start()

    def _next(self) -> Task:
        with self._lock:
            while True:
                if not self._pending:
                    self._lock.wait()
                    continue
                queued_at = next(iter(self._pending.values()))[0]
                overdue = time.monotonic() - queued_at >= self.max_delay
                if self._answering == 0 or overdue:
                    _, (_, task) = self._pending.popitem(last=False)
                    self._running = True
                    return task
                self._lock.wait(max(0.001, queued_at + self.max_delay - time.monotonic()))

    def _work(self) -> None:
        while True:
            task = self._next()
            try:
                task()
            except Exception:  # one failed task must not stop the others
                log.exception("work after an acknowledgement failed")
            finally:
                with self._lock:
                    self._running = False
                    self._lock.notify_all()
