"""Reliability (issue 8): nothing lost, nothing doubled, nothing forged gets in.

- A fan-out through 429s and a burst of 500s whose sender process is SIGKILLed half-way and
  started again: every prompt arrives exactly once.
- Two processes tick and drain the same outbox on PostgreSQL at once: nothing is sent twice.
- Requests with a bad signature, a stale timestamp or another workspace's id are refused,
  change nothing, and the log shows neither the signing secret nor the bot token.

The senders run in child processes (tests/sender_process.py) on the real clock with a 3-second
lease. Nothing here asserts a duration: the fake's faults are queued, not timed.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select, text

from bot.clock import SystemClock
from bot.outbox import METADATA_EVENT_TYPE, enqueue
from storage.db import Database
from storage.models import JobRun, OutboxMessage
from storage.schema import metadata
from tests.appserver import RunningApp
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM_ID
from tests.fakeslack import FakeSlack
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
POST = "chat.postMessage"
WEEK = "2026-W48"


def prompt_key(i: int) -> str:
    return f"checkin:prompt:{i}:{WEEK}"


def seed_prompts(db: Database, slack: FakeSlack, count: int) -> list[str]:
    """`count` check-in prompts to as many people, enqueued now (the children's clock)."""
    now = SystemClock().now()
    keys = []
    with db.session() as session:
        for i in range(count):
            slack.add_user(id=f"U{i:05d}", name=f"person{i}")
            enqueue(
                session,
                team_id=TEAM_ID,
                key=prompt_key(i),
                method=POST,
                payload={
                    "channel": f"U{i:05d}",
                    "text": "Time for your weekly check-in",
                    "blocks": [
                        {"type": "section", "text": {"type": "mrkdwn", "text": "How is it going?"}},
                        {
                            "type": "actions",
                            "elements": [
                                {
                                    "type": "button",
                                    "action_id": "checkin.open",
                                    "text": {"type": "plain_text", "text": "Check in"},
                                    "value": WEEK,
                                }
                            ],
                        },
                    ],
                },
                now=now,
            )
            keys.append(prompt_key(i))
    return keys


def keys_posted(slack: FakeSlack) -> Counter[str]:
    with slack._lock:
        messages = list(slack.messages)
    return Counter(
        m.metadata["event_payload"]["key"]
        for m in messages
        if m.metadata and m.metadata.get("event_type") == METADATA_EVENT_TYPE
    )


def statuses(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter(session.scalars(select(OutboxMessage.status)))


def post_statuses(slack: FakeSlack) -> Counter[int]:
    return Counter(call.status for call in slack.calls_to(POST))


def start_sender(
    database_url: str, slack: FakeSlack, tmp_path: Path, name: str, **env: str
) -> subprocess.Popen[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KINERJA_", "SENDER_"))
    }
    environment.update(
        DATABASE_URL=database_url,
        SLACK_API_URL=slack.api_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        PYTHONPATH=str(ROOT),
        **env,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sender_process"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / f"{name}.log").open("w"),
        text=True,
    )


def finish(process: subprocess.Popen[str], tmp_path: Path, name: str) -> dict[str, Any]:
    out, _ = process.communicate(timeout=90)
    log = (tmp_path / f"{name}.log").read_text()
    assert process.returncode == 0, f"{name} exited {process.returncode}: {out}\n{log}"
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[str]]]:
    """Child processes a test started; killed if the test fails before they end."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_sender_killed_half_way_and_restarted_delivers_every_prompt_once(
    db: Database,
    database_url: str,
    fake_slack: FakeSlack,
    workspace: str,
    tmp_path: Path,
    children: list[subprocess.Popen[str]],
) -> None:
    keys = seed_prompts(db, fake_slack, 200)
    fake_slack.latency = 0.02  # 4 workers: about 200 messages/s, so "half-way" is a wide window
    fake_slack.fail_next(POST, status=429, retry_after=1, times=3)  # the first calls in flight

    first = start_sender(database_url, fake_slack, tmp_path, "first")
    children.append(first)
    wait_for(lambda: len(fake_slack.messages) >= 40, timeout=30, interval=0.005)
    fake_slack.fail_next(POST, status=500, times=8)  # Slack falls over for a moment
    wait_for(lambda: len(fake_slack.messages) >= 100, timeout=30, interval=0.005)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    left = statuses(db)
    assert left["sent"] < 200, "the first sender finished before it could be killed"
    time.sleep(0.3)  # calls in flight when it died still reach the fake (latency 20 ms)
    with db.session() as session:
        recorded = set(
            session.scalars(
                select(OutboxMessage.idempotency_key).where(OutboxMessage.status == "sent")
            )
        )
    orphans = set(keys_posted(fake_slack)) - recorded  # in Slack, but the row never knew

    second = start_sender(database_url, fake_slack, tmp_path, "second")
    children.append(second)
    stats = finish(second, tmp_path, "second")

    assert keys_posted(fake_slack) == {key: 1 for key in keys}
    assert statuses(db) == {"sent": 200}
    answered = post_statuses(fake_slack)
    assert answered[429] == 3 and answered[500] == 8
    # What the dead process had posted without recording was found, not posted again.
    assert stats["sent"] == 200 - left["sent"]
    assert stats["duplicates_avoided"] >= len(orphans)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_two_processes_tick_and_drain_the_same_outbox_once(
    db: Database,
    database_url: str,
    fake_slack: FakeSlack,
    workspace: str,
    tmp_path: Path,
    children: list[subprocess.Popen[str]],
) -> None:
    assert db.is_postgres
    keys = seed_prompts(db, fake_slack, 300)
    fake_slack.latency = 0.01
    minutes = 10
    start = (SystemClock().now() - timedelta(minutes=30)).replace(second=0, microsecond=0)
    go = tmp_path / "go"
    env = {
        "SENDER_GO_FILE": str(go),
        "SENDER_TICK_FROM": start.isoformat(),
        "SENDER_TICK_MINUTES": str(minutes),
        "SENDER_BATCH_SIZE": "10",
    }
    names = ("one", "two")
    for name in names:
        ready = str(tmp_path / f"{name}.ready")
        children.append(
            start_sender(database_url, fake_slack, tmp_path, name, SENDER_READY_FILE=ready, **env)
        )
    wait_for(lambda: all((tmp_path / f"{name}.ready").exists() for name in names), timeout=30)
    go.touch()  # both are at the start line
    results = [
        finish(process, tmp_path, name) for process, name in zip(children, names, strict=True)
    ]

    periods = [(start + timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M") for m in range(minutes)]
    tick_keys = [f"reliability:{kind}:{p}" for p in periods for kind in ("claimed", "keyed")]
    assert keys_posted(fake_slack) == {key: 1 for key in keys + tick_keys}
    assert sum(result["ticks_won"] for result in results) == minutes
    assert sum(result["sent"] for result in results) == len(keys) + len(tick_keys)
    assert statuses(db) == {"sent": len(keys) + len(tick_keys)}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == minutes


# ---------------------------------------------------------------------- signed requests


def row_counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            table.name: int(session.scalar(text(f'SELECT COUNT(*) FROM "{table.name}"')) or 0)
            for table in metadata.sorted_tables
        }


def refused_requests(app: RunningApp) -> list[tuple[str, requests.Response, int]]:
    slack = app.slack
    stale = int(time.time()) - 6 * 60
    event = {"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"}
    return [
        ("command, unsigned", slack.command("help", "U1", sign=False), 401),
        ("command, bad signature", slack.command("help", "U1", secret="not-it"), 401),
        ("command, stale timestamp", slack.command("help", "U1", timestamp=stale), 401),
        ("command, another workspace", slack.command("help", "U1", team_id="T9999"), 403),
        ("button, bad signature", slack.block_action("U1", "x", secret="not-it"), 401),
        ("button, stale timestamp", slack.block_action("U1", "x", timestamp=stale), 401),
        ("event, bad signature", slack.event(event, event_id="Ev1", secret="not-it"), 401),
        ("event, stale timestamp", slack.event(event, event_id="Ev2", timestamp=stale), 401),
        ("event, another workspace", slack.event(event, event_id="Ev3", team_id="T9999"), 403),
    ]


@pytest.fixture
def logged_app(caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest) -> RunningApp:
    """The app started with logging at DEBUG: Bolt copies the root level into its loggers when
    the app is created, and `kinerja run` configures logging before that too."""
    caplog.set_level(logging.DEBUG)
    app: RunningApp = request.getfixturevalue("running_app")
    return app


def test_forged_stale_and_foreign_requests_are_refused_and_change_nothing(
    logged_app: RunningApp,
    fake_slack: FakeSlack,
    db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_slack.add_user(id="U1", name="ani", real_name="Ani", locale="id-ID")
    before = row_counts(db)
    calls_before = len(fake_slack.calls)

    answers = refused_requests(logged_app)

    assert [(name, r.status_code) for name, r, _ in answers] == [
        (name, status) for name, _, status in answers
    ]
    time.sleep(0.2)  # anything a listener would have done after an ack would show by now
    assert row_counts(db) == before
    assert fake_slack.calls[calls_before:] == []
    logged = caplog.text + "\n".join(str(record.__dict__) for record in caplog.records)
    assert "refused a request with an invalid or stale signature" in logged  # logged …
    assert "response_url" not in logged  # … without the request body
    assert "unknown workspace T9999" in logged
    assert SIGNING_SECRET not in logged  # … without the secrets
    assert BOT_TOKEN not in logged
    # and the secret is not guessable from the answers either
    assert all(SIGNING_SECRET not in r.text and BOT_TOKEN not in r.text for _, r, _ in answers)
