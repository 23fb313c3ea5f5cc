"""An outbox sender in a process of its own, for tests that kill it or run two side by side.

Why a separate process: "the sender died half-way" and "two instances share the outbox" are only
honest with a real process (SIGKILL leaves whatever it held, connections and claims included)
and a real clock. A FixedClock cannot cross a process boundary, so the lease is made short
instead: the restart then waits seconds, not the production 120 s.

    python -m tests.sender_process      (from the repository root)

Environment: DATABASE_URL, SLACK_API_URL, SLACK_BOT_TOKEN as for the app, and
  SENDER_LEASE_SECONDS (3), SENDER_TIMEOUT_SECONDS (1; the client timeout, below the lease),
  SENDER_CONCURRENCY (4), SENDER_BATCH_SIZE (20),
  SENDER_READY_FILE: created once imports are done; SENDER_GO_FILE: then wait for this file
  to exist before starting, so two processes start together,
  SENDER_TICK_FROM + SENDER_TICK_MINUTES: first run `bot.ticks.tick` for that many minutes
  from that ISO time, with one task registered that claims each minute and enqueues a message.
It drains until no row is pending or sending, then prints one JSON line with its counts.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.config import load_settings
from bot.outbox import enqueue
from bot.slack.sender import OutboxSender
from bot.ticks import TickContext, TickTask, claim_run, tick
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus

DEADLINE_SECONDS = 60.0
TICK_CHANNEL = "C0TICKS"


def minute_message(ctx: TickContext) -> int:
    """Claim the minute (one instance wins) and enqueue its message; 1 for the winner."""
    period = ctx.now.strftime("%Y-%m-%dT%H:%M")
    team_id = ctx.workspace.team_id
    if not claim_run(ctx.session, team_id, "reliability_minute", period, ctx.now):
        return 0
    enqueue(
        ctx.session,
        team_id=team_id,
        key=f"reliability:claimed:{period}",
        method="chat.postMessage",
        payload={"channel": TICK_CHANNEL, "text": f"claimed {period}"},
        now=ctx.now,
    )
    return 1


def minute_key_only(ctx: TickContext) -> int:
    """No claim: the outbox key alone keeps the second instance from adding a message."""
    period = ctx.now.strftime("%Y-%m-%dT%H:%M")
    enqueue(
        ctx.session,
        team_id=ctx.workspace.team_id,
        key=f"reliability:keyed:{period}",
        method="chat.postMessage",
        payload={"channel": TICK_CHANNEL, "text": f"keyed {period}"},
        now=ctx.now,
    )
    return 0


def unfinished(db: Database) -> int:
    busy = [OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]
    with db.session() as session:
        count = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(busy))
        )
    return int(count or 0)


def _number(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def run_ticks(db: Database) -> int:
    start = os.environ.get("SENDER_TICK_FROM")
    if not start:
        return 0
    tasks = [
        TickTask("reliability_minute", minute_message),
        TickTask("reliability_keyed", minute_key_only),
    ]
    settings = load_settings(require_slack=False)
    at = datetime.fromisoformat(start)
    won = 0
    for minute in range(int(_number("SENDER_TICK_MINUTES", 1))):
        report = tick(db, settings, at + timedelta(minutes=minute), tasks)
        if report.failed:
            raise SystemExit(f"tick failed: {report.failed}")
        won += report.done.get("reliability_minute", 0)
    return won


def main() -> int:
    ready_file = os.environ.get("SENDER_READY_FILE")
    if ready_file:
        open(ready_file, "w").close()
    go_file = os.environ.get("SENDER_GO_FILE")
    if go_file:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not os.path.exists(go_file):
            if time.monotonic() > deadline:
                return 3
            time.sleep(0.005)
    db = Database(os.environ["DATABASE_URL"])
    client = WebClient(
        token=os.environ["SLACK_BOT_TOKEN"],
        base_url=os.environ["SLACK_API_URL"],
        timeout=int(_number("SENDER_TIMEOUT_SECONDS", 1)),
    )
    sender = OutboxSender(
        db,
        client,
        SystemClock(),
        concurrency=int(_number("SENDER_CONCURRENCY", 4)),
        batch_size=int(_number("SENDER_BATCH_SIZE", 20)),
        lease_seconds=int(_number("SENDER_LEASE_SECONDS", 3)),
    )
    won = run_ticks(db)
    totals = {"sent": 0, "retried": 0, "failed": 0, "duplicates_avoided": 0, "ticks_won": won}
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        stats = sender.drain()
        for name in ("sent", "retried", "failed", "duplicates_avoided"):
            totals[name] += getattr(stats, name)
        if unfinished(db) == 0:
            break
        if time.monotonic() > deadline:
            print(json.dumps({**totals, "timeout": True}), flush=True)
            return 1
        time.sleep(0.05)  # rows held by a dead process's lease, or backing off
    db.dispose()
    print(json.dumps(totals), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
