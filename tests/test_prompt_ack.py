"""The request is answered when the listener acks, with Bolt's own listener and errors."""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.authorization import AuthorizeResult

from handlers import prompt_ack
from handlers.prompt_ack import PromptAck


def _app(process_before_response: bool = False) -> App:
    app = App(
        signing_secret="secret",
        authorize=lambda **_: AuthorizeResult(
            enterprise_id=None, team_id="T1", bot_token="xoxb-1", bot_user_id="UB", bot_id="B1"
        ),
        request_verification_enabled=False,
        process_before_response=process_before_response,
    )
    prompt_ack.register(app)
    return app


def _command(text: str = "") -> BoltRequest:
    body = urlencode({"command": "/x", "team_id": "T1", "user_id": "U1", "text": text})
    return BoltRequest(body=body, headers={})


def test_the_listener_gets_a_prompt_ack_and_its_answer_is_the_response() -> None:
    app = _app()
    seen: dict[str, Any] = {}

    @app.command("/x")
    def listener(ack: Ack) -> None:
        seen["ack"] = type(ack).__name__
        ack(text="pong")
        time.sleep(0.2)  # work after the ack does not hold the answer back
        seen["done"] = True

    response = app.dispatch(_command())
    assert response.status == 200
    assert response.body == "pong"
    assert seen == {"ack": "PromptAck"}  # answered while the listener was still working


def test_a_listener_that_fails_before_acking_still_gets_bolts_500() -> None:
    app = _app()

    @app.command("/x")
    def listener(ack: Ack) -> None:
        raise RuntimeError("broken")

    assert app.dispatch(_command()).status == 500


def test_nothing_changes_when_bolt_runs_listeners_before_responding() -> None:
    app = _app(process_before_response=True)

    @app.command("/x")
    def listener(ack: Ack) -> None:
        assert type(ack) is Ack
        ack(text="pong")

    assert app.dispatch(_command()).body == "pong"


def test_reading_the_response_waits_for_ack_once(monkeypatch: pytest.MonkeyPatch) -> None:
    ack = PromptAck()
    threading.Timer(0.05, lambda: ack(text="late")).start()
    response = ack.response  # this thread created it: it waits for the other thread's ack
    assert response is not None and response.body == "late"

    monkeypatch.setattr(prompt_ack, "ACK_TIMEOUT", 0.05)
    silent = PromptAck()
    assert silent.response is None  # waited ACK_TIMEOUT once …
    monkeypatch.setattr(prompt_ack, "ACK_TIMEOUT", 3600.0)
    assert silent.response is None  # … and never again (this would hang for an hour)
