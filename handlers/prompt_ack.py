"""Answer Slack the moment a listener calls `ack()`, not at Bolt's next 10 ms poll.

With `process_before_response=False` Bolt runs the listener in its thread pool while the
request's thread checks `ack.response` every 10 ms (`time.sleep(0.01)` in
`slack_bolt.listener.thread_runner`). An answer ready after 2 ms therefore leaves after 10, one
ready after 11 after 20. Here the request's `ack` is an `Ack` whose `response`, the first time
the waiting thread reads it, waits for `ack()` itself (up to Bolt's 3-second ack timeout), so
Bolt's loop sees the answer as soon as it exists. Nothing else about Bolt changes: the
listener, its arguments, errors and timeout warning are Bolt's own. Only for
`process_before_response=False`, where the listener runs in another thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from slack_bolt import Ack, App, BoltRequest, BoltResponse

ACK_TIMEOUT = 3.0  # Bolt's default `ack_timeout`, which every Kinerja listener keeps


class PromptAck(Ack):
    def __init__(self) -> None:
        self._answered = threading.Event()
        self._waiter = threading.get_ident()  # the request's thread, which dispatches
        self._waited = False
        super().__init__()

    @property
    def response(self) -> BoltResponse | None:
        answer: BoltResponse | None = self.__dict__.get("_response")
        if answer is None and not self._waited and threading.get_ident() == self._waiter:
            self._waited = True  # once: after a timeout, Bolt's own checks must not wait again
            self._answered.wait(ACK_TIMEOUT)
            answer = self.__dict__.get("_response")
        return answer

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        self.__dict__["_response"] = value
        if value is not None:
            self._answered.set()


def register(app: App) -> None:
    if app.process_before_response:
        return

    def prompt_ack(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        current = req.context.get("ack")
        # Bolt made a plain Ack already, to offer it to this middleware's arguments; nobody
        # has used it yet, so every later middleware and the listener get this one instead.
        if current is None or (type(current) is Ack and current.response is None):
            req.context["ack"] = PromptAck()
        return next()

    app.middleware(prompt_ack)
