"""`kinerja run` as a real process: starts against the fake Slack, serves signed requests,
and refuses to start with one clear line when Slack rejects the token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fakeslack import FakeSlack
from tests.signed import SlackRequests
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(database_url: str, api_url: str, port: int, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KINERJA_"))}
    env.update(
        SLACK_BOT_TOKEN=token,
        SLACK_SIGNING_SECRET="test-signing-secret",
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        PORT=str(port),
        KINERJA_DEFAULT_LOCALE="en",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture
def process_url(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = _environment(database_url, fake_slack.api_url, port, "xoxb-test")
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError((tmp_path / "run.log").read_text())
        try:
            return requests.get(f"{url}/healthz", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_for(healthy, timeout=30, interval=0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_the_bot_starts_and_answers_a_signed_help(process_url: str, fake_slack: FakeSlack) -> None:
    fake_slack.add_user(id="U1", name="ani", real_name="Ani", locale="id-ID")
    slack = SlackRequests(f"{process_url}/slack/events", "test-signing-secret")
    body = slack.command("help", "U1").json()
    assert body["response_type"] == "ephemeral"
    assert body["text"].startswith("Kinerja — yang bisa Anda lakukan")
    assert slack.command("help", "U1", sign=False).status_code == 401
    # start-up synced the directory and registered the workspace
    assert fake_slack.calls_to("auth.test")
    wait_for(lambda: fake_slack.calls_to("users.list"), timeout=10)


def test_a_rejected_token_stops_start_up_with_one_line(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = _environment(database_url, fake_slack.api_url, _free_port(), "xoxb-wrong")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "kinerja: Slack rejected SLACK_BOT_TOKEN (invalid_auth)"
    )
    assert "Traceback" not in done.stderr
