"""What an unsigned, oversized or malformed request costs the app over HTTP: a refusal with the
right status, one log line, and no more of its body read than the cap.

The sizes here are real HTTP requests to the app on waitress (raw sockets, so a body can
announce half a gigabyte and send a few kilobytes); the guard's own reading is also checked
without waitress, as any WSGI server would call it.
"""

from __future__ import annotations

import io
import json
import logging
import select
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest

from bot.clock import FixedClock
from bot.config import ConfigError, load_settings
from bot.shell.web import make_wsgi_app
from bot.slack.request_guard import DEFAULT_MAX_BODY
from storage.db import Database
from tests.appserver import RunningApp, settings_for, start_app
from tests.fakeslack import FakeSlack
from tests.signed import signature

GUARD = "bot.slack.request_guard"


def raw_post(
    app: RunningApp, head: dict[str, str], pieces: Iterator[bytes], timeout: float = 20
) -> tuple[int, int]:
    """POST to /slack/events over a socket; (HTTP status, body bytes the server let us send).

    Sending stops when the server has answered (or closed): that is the point of the cap.
    """
    address = urlparse(app.url)
    sock = socket.create_connection((address.hostname, address.port), timeout=timeout)
    lines = ["POST /slack/events HTTP/1.1", f"Host: {address.netloc}"]
    lines += [f"{name}: {value}" for name, value in head.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    sent = 0
    try:
        for piece in pieces:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is in: nothing more to send
            sock.sendall(piece)
            sent += len(piece)
    except OSError:
        pass  # the server closed the connection: read what it said
    answer = b""
    try:
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    finally:
        sock.close()
    return int(answer.split(b" ", 2)[1]), sent


def zeros(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    while total > 0:
        yield b"0" * min(size, total)
        total -= size


def chunked(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    for piece in zeros(total, size):
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


def guard_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == GUARD]


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    loud = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in loud] == []


# ------------------------------------------------------------------------------ size


def test_a_declared_half_gigabyte_body_gets_413_before_it_is_read(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    head = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(500 * 1024 * 1024),
        "X-Slack-Request-Timestamp": str(int(time.time())),
    }
    status, sent = raw_post(running_app, head, zeros(500 * 1024 * 1024))
    assert status == 413
    assert sent < 64 * 1024 * 1024  # answered long before the body could arrive
    no_traceback(caplog)
    assert running_app.slack.command("help", "U1").status_code == 200  # still serving


def test_a_chunked_body_is_cut_off_at_the_cap(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    head = {
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
        "X-Slack-Request-Timestamp": str(int(time.time())),
    }
    status, sent = raw_post(running_app, head, chunked(200 * 1024 * 1024))
    assert status == 413
    assert sent < 64 * 1024 * 1024
    no_traceback(caplog)


@pytest.fixture
def small_cap_app(
    database_url: str, db: Database, clock: FixedClock, fake_slack: FakeSlack
) -> Iterator[RunningApp]:
    settings = settings_for(database_url, fake_slack.api_url, KINERJA_MAX_REQUEST_BYTES="65536")
    app = start_app(settings, db, clock)
    yield app
    app.stop()


def test_the_cap_is_a_setting_and_a_real_request_under_it_passes(
    small_cap_app: RunningApp, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake_slack.add_user(id="U1", name="ani", real_name="Ani", locale="en-US")
    slack = small_cap_app.slack
    assert slack.command("help " + "x" * 60_000, "U1").status_code == 200
    refused = slack.command("help " + "x" * 70_000, "U1")
    assert refused.status_code == 413
    no_traceback(caplog)


def test_the_cap_setting_is_checked() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert load_settings(env, env_file="/nonexistent").max_request_bytes == DEFAULT_MAX_BODY
    with pytest.raises(ConfigError, match="KINERJA_MAX_REQUEST_BYTES"):
        load_settings({**env, "KINERJA_MAX_REQUEST_BYTES": "1GB"}, env_file="/nonexistent")
    with pytest.raises(ConfigError, match="KINERJA_MAX_REQUEST_BYTES"):
        load_settings({**env, "KINERJA_MAX_REQUEST_BYTES": "1024"}, env_file="/nonexistent")


class Endless(io.RawIOBase):
    """A request body that never ends; counts what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("the whole body was asked for")
        self.read_bytes += size
        return b"0" * size


def _call(application: Any, environ: dict[str, Any]) -> str:
    seen: list[str] = []
    application(environ, lambda status, headers: seen.append(status))
    return seen[0]


def test_any_wsgi_server_gets_the_same_limits(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Without waitress's own limit (another WSGI server), the guard still reads no more than
    the cap: nothing for a declared length over it, cap + 1 bytes of an endless chunked body."""
    application = make_wsgi_app(None, db, signing_secret="s", max_body=64 * 1024)  # type: ignore[arg-type]
    body = Endless()
    declared = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events",
                "CONTENT_LENGTH": str(10**12), "wsgi.input": body}  # fmt: skip
    assert _call(application, declared).startswith("413")
    assert body.read_bytes == 0
    endless = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events",
               "wsgi.input": body, "wsgi.input_terminated": True}  # fmt: skip
    assert _call(application, endless).startswith("413")
    assert body.read_bytes == 64 * 1024 + 1
    lines = [r.getMessage() for r in guard_lines(caplog)]
    assert len(lines) == 2 and all("413" in line for line in lines)
    assert "declaring 1000000000000 bytes, over the limit of 65536" in lines[0]


# ------------------------------------------------------------------------------ malformed


def test_malformed_unsigned_requests_get_401_and_one_log_line(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    slack = running_app.slack
    form = "application/x-www-form-urlencoded"
    answers = [
        slack.post(b"payload=%7Bnot-json", form, sign=False),
        slack.post(b"{not json", "application/json", sign=False),
        slack.post(b"command=%2Fkinerja&text=help", form, sign=False,
                   headers={"X-Slack-Request-Timestamp": "abc"}),  # fmt: skip
        slack.post(b"payload=%7Bnot-json", form,
                   headers={"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}),
        slack.post(b"payload=%7Bnot-json", form, secret="not-the-secret"),
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [401] * 5
    lines = guard_lines(caplog)
    assert len(lines) == 5
    assert all("401" in r.getMessage() and "\n" not in r.getMessage() for r in lines)
    assert "timestamp 'abc'" in lines[2].getMessage()
    assert "not-json" not in caplog.text  # no body in the log
    no_traceback(caplog)


def test_a_signed_but_malformed_body_gets_400_and_one_log_line(
    running_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    slack = running_app.slack
    form = "application/x-www-form-urlencoded"
    answers = [
        slack.post(b"payload=%7Bnot-json", form),
        slack.post(b"{not json", "application/json"),
        slack.post(b"[1, 2]", "application/json"),
        slack.post(b"payload=%22a%20string%22", form),
        slack.post(b"\xff\xfe", "application/json"),
    ]
    assert [a.status_code for a in answers] == [400] * 5
    lines = guard_lines(caplog)
    assert len(lines) == 5 and all("400" in r.getMessage() for r in lines)
    no_traceback(caplog)


def test_the_signature_is_checked_over_the_raw_bytes(
    running_app: RunningApp, fake_slack: FakeSlack
) -> None:
    """A body re-encoded on the way (here: the same form with the text's escapes changed)
    is not the body Slack signed."""
    fake_slack.add_user(id="U1", name="ani", real_name="Ani", locale="en-US")
    form = {"command": "/kinerja", "text": "help", "user_id": "U1", "team_id": "T0001",
            "response_url": "http://127.0.0.1:9/unused", "trigger_id": "T.1"}  # fmt: skip
    body = urlencode(form).encode()
    ts = str(int(time.time()))
    signed_for = signature("test-signing-secret", ts, body)
    other = body.replace(b"%2Fkinerja", b"/kinerja")  # parses the same, is not the same
    import requests

    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signed_for,
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    url = running_app.slack.url
    assert requests.post(url, data=other, headers=headers, timeout=10).status_code == 401
    answer = requests.post(url, data=body, headers=headers, timeout=10)
    assert answer.status_code == 200 and json.loads(answer.text)["response_type"] == "ephemeral"
