"""Prompt fan-out benchmark (issue 8, benchmark 2): check-in prompts through the outbox.

N check-in prompts (one DM each, Block Kit with a button) are enqueued as outbox rows exactly as
the scheduler would, then the app's own sender (`bot.shell.runtime.make_sender`, real clock,
settings from the environment) delivers them to the fake Slack of the test suite, which adds
`--latency` seconds to every call and caps `chat.postMessage` workspace-wide at `--cap` messages
per second (a token bucket; beyond it, HTTP 429 with Retry-After). Reported: messages accepted
per second as a fraction of the cap (target >= 0.9), the 429s received, and that every key
arrived exactly once. In the same run a plain loop (one `chat_postMessage` after another,
slack_sdk's `RateLimitErrorRetryHandler`) posts the same prompts to the same fake for
comparison.

Why a cap of 50/s by default: 10,000 prompts then take about 200 s at best, and the cap is
demanding: with 50 ms per call the sender needs at least 3 calls in flight to reach it. Slack's
real workspace-wide limit is several hundred per minute (5-10/s), which a full run would take
20-30 minutes to measure and which is easier to reach.

The fake runs in a child process (bench/harness.py), so it does not compete with the sender for
the GIL and the peak RSS printed for the sender side (database, outbox, sender threads) is its
own.

    python bench/fanout.py --quick              # 1,000 prompts, about 80 s
    python bench/fanout.py                      # 10,000 prompts, about 5.5 minutes
    python bench/fanout.py --database postgres  # on PostgreSQL (TEST_DATABASE_URL's server)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for `bench.harness`

from slack_sdk import WebClient  # noqa: E402
from slack_sdk.errors import SlackApiError  # noqa: E402
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.harness import (  # noqa: E402
    DEFAULT_POSTGRES,
    RESULTS,
    TEAM_ID,
    TOKEN,
    BenchDatabase,
    FakeSlackProcess,
    peak_rss_mib,
    user_id,
)
from bot.clock import SystemClock  # noqa: E402
from bot.config import Settings, load_settings  # noqa: E402
from bot.outbox import METADATA_EVENT_TYPE, Lane, enqueue  # noqa: E402
from bot.shell.runtime import make_sender  # noqa: E402
from bot.slack.sender import DrainStats, OutboxSender  # noqa: E402
from bot.slack.services import Services  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import OutboxMessage, OutboxStatus, Workspace  # noqa: E402

WEEK = "2026-W48"
SEED_CHUNK = 1000
TARGET_FRACTION = 0.9
MAX_DRAIN_SECONDS = 3600.0


# ---------------------------------------------------------------------- prompts


def prompt_key(i: int) -> str:
    return f"checkin:prompt:{i}:{WEEK}"


def prompt_payload(i: int) -> dict[str, Any]:
    """A weekly check-in prompt as the monitoring cycle sends it: header, text, button."""
    return {
        "channel": user_id(i),
        "text": "Time for your weekly check-in (week 48)",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Weekly check-in"}},
            {
                "type": "section",
                "block_id": "prompt",
                "text": {
                    "type": "mrkdwn",
                    "text": (
                        f"Hi *person{i}*, how are your goals going this week? It takes two "
                        "minutes: progress per goal, your confidence, wins, obstacles, and the "
                        "support you need."
                    ),
                },
            },
            {
                "type": "actions",
                "block_id": "checkin_actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "checkin.open",
                        "style": "primary",
                        "text": {"type": "plain_text", "text": "Check in"},
                        "value": WEEK,
                    }
                ],
            },
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": "Week 48 · due Friday 17:00"}],
            },
        ],
    }


def seed(db: Database, n: int, lane: Lane | None = None) -> float:
    """Enqueue n prompts (in chunks, as a tick would) in `lane` (default: the outbox's);
    seconds taken."""
    started = time.perf_counter()
    now = SystemClock().now()
    with db.session() as session:
        if session.get(Workspace, TEAM_ID) is None:
            session.add(Workspace(team_id=TEAM_ID, name="Bench", created_at=now))
    for first in range(0, n, SEED_CHUNK):
        with db.session() as session:
            for i in range(first, min(n, first + SEED_CHUNK)):
                enqueue(
                    session,
                    team_id=TEAM_ID,
                    key=prompt_key(i),
                    method="chat.postMessage",
                    payload=prompt_payload(i),
                    now=now,
                    lane=lane,
                )
    return time.perf_counter() - started


# ---------------------------------------------------------------------- the two contenders


@dataclass
class Run:
    name: str
    messages: int
    seconds: float
    per_second: float
    fraction_of_cap: float
    rate_limited: int
    duplicates: int
    lost: int
    extra: dict[str, Any] = field(default_factory=dict)


def unfinished(db: Database) -> int:
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.status.in_(
                        [OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]
                    )
                )
            )
            or 0
        )


def drain_all(sender: OutboxSender, db: Database) -> tuple[DrainStats, float]:
    """Drain until no row is pending or sending; (summed stats, seconds)."""
    total = DrainStats()
    started = time.perf_counter()
    while True:
        stats = sender.drain()
        for name in ("sent", "retried", "failed", "duplicates_avoided"):
            setattr(total, name, getattr(total, name) + getattr(stats, name))
        if unfinished(db) == 0:
            break
        if time.perf_counter() - started > MAX_DRAIN_SECONDS:
            raise SystemExit("the outbox did not drain within an hour")
        time.sleep(0.01)  # rows rescheduled a moment ahead (backoff, Retry-After)
    return total, time.perf_counter() - started


def run_sender(db: Database, settings: Settings, fake: FakeSlackProcess, n: int, cap: float) -> Run:
    services = Services(settings, db, SystemClock(), WebClient(token=TOKEN))
    sender = make_sender(services)
    stats, seconds = drain_all(sender, db)
    seen = fake.stats()
    counts = Counter(seen["keys"])
    with db.session() as session:
        selected = session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.status))
        rows = {str(key): str(status) for key, status in selected}
    per_second = len(seen["keys"]) / seconds
    return Run(
        name="outbox sender",
        messages=len(seen["keys"]),
        seconds=seconds,
        per_second=per_second,
        fraction_of_cap=per_second / cap,
        rate_limited=int(seen["post_statuses"].get(429, 0)),
        duplicates=sum(c - 1 for c in counts.values() if c > 1),
        lost=sum(1 for key in rows if counts[key] == 0),
        extra={
            "concurrency": sender.concurrency,
            "batch_size": sender.batch_size,
            "rows_sent": sum(1 for status in rows.values() if status == "sent"),
            "rows_failed": sum(1 for status in rows.values() if status == "failed"),
            "drain_stats": asdict(stats),
            "calls": seen["calls"],
            "unknown_keys": sorted(set(counts) - set(rows))[:10],
        },
    )


def run_plain_loop(fake: FakeSlackProcess, sample: int, n: int, cap: float) -> Run:
    """One chat_postMessage after another, retrying 429s with slack_sdk's handler."""
    fake.reset()
    client = WebClient(
        token=TOKEN,
        base_url=fake.api_url,
        timeout=30,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=10)],
    )
    errors = 0
    started = time.perf_counter()
    for i in range(sample):
        payload = prompt_payload(i)
        metadata = {"event_type": METADATA_EVENT_TYPE, "event_payload": {"key": prompt_key(i)}}
        try:
            client.chat_postMessage(**payload, metadata=metadata)
        except SlackApiError:
            errors += 1
    seconds = time.perf_counter() - started
    seen = fake.stats()
    counts = Counter(seen["keys"])
    per_second = len(seen["keys"]) / seconds
    return Run(
        name="plain loop",
        messages=len(seen["keys"]),
        seconds=seconds,
        per_second=per_second,
        fraction_of_cap=per_second / cap,
        rate_limited=int(seen["post_statuses"].get(429, 0)),
        duplicates=sum(c - 1 for c in counts.values() if c > 1),
        lost=sum(1 for i in range(sample) if counts[prompt_key(i)] == 0),
        extra={
            "sample": sample,
            "errors": errors,
            "extrapolated_seconds_for_n": seconds * n / sample if sample else None,
        },
    )


# ---------------------------------------------------------------------- report


def table(runs: list[Run], n: int, cap: float) -> str:
    head = (
        f"{'':16} {'messages':>8} {'seconds':>8} {'msg/s':>7} {'of cap':>7} {'429s':>6} "
        f"{'dup':>4} {'lost':>4}"
    )
    lines = [head, "-" * len(head)]
    for run in runs:
        lines.append(
            f"{run.name:16} {run.messages:8d} {run.seconds:8.1f} {run.per_second:7.1f} "
            f"{run.fraction_of_cap:7.2f} {run.rate_limited:6d} {run.duplicates:4d} {run.lost:4d}"
        )
    plain = runs[-1]
    if plain.extra["sample"] != n:
        why = (
            f"it stays below the cap of {cap:g}/s, so every message costs the same"
            if plain.rate_limited == 0
            else "it met the cap, so this is only a rough figure"
        )
        lines.append(
            f"plain loop for all {n:,}: about {plain.extra['extrapolated_seconds_for_n']:.0f} s "
            f"(measured on the first {plain.extra['sample']:,} and scaled linearly: {why})"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="1,000 prompts instead of 10,000")
    parser.add_argument("-n", "--messages", type=int, help="number of prompts (overrides --quick)")
    parser.add_argument(
        "--cap", type=float, default=50.0, help="fake Slack's workspace-wide cap, messages/s"
    )
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added per call")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES,
        help="server for --database postgres (a database of its own is created and dropped)",
    )
    parser.add_argument(
        "--concurrency", type=int, help="sender workers (default: KINERJA_SENDER_CONCURRENCY)"
    )
    parser.add_argument(
        "--plain-sample",
        type=int,
        help="prompts the plain loop posts (default: all with --quick, 2,000 otherwise)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show the sender's log")
    parser.add_argument("--output", type=Path, default=RESULTS / "fanout.json", help="JSON file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Each 429 is a warning in the app's log; here they are counted instead.
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.ERROR)
    n = args.messages or (1000 if args.quick else 10_000)
    sample = min(n, args.plain_sample or (n if args.quick else 2000))
    print(
        f"fan-out: {n:,} prompts, cap {args.cap:g}/s, latency {args.latency * 1000:.0f} ms, "
        f"{args.database}",
        flush=True,
    )
    fake = FakeSlackProcess(n, args.latency, args.cap)
    database = BenchDatabase(args.database, args.postgres_url)
    db = Database(database.url)
    try:
        env = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": "bench",
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database.url,
            "KINERJA_LOG_LEVEL": "WARNING",
            # An operator sets the pace to their workspace's limit; here that is the fake's cap.
            "KINERJA_SLACK_RATE_PER_SECOND": str(args.cap),
        }
        env.update({k: v for k, v in os.environ.items() if k.startswith("KINERJA_")})
        if args.concurrency is not None:
            env["KINERJA_SENDER_CONCURRENCY"] = str(args.concurrency)
        settings = load_settings(env, env_file="/nonexistent")
        seeded = seed(db, n)
        print(f"seeded {n:,} outbox rows in {seeded:.1f} s; draining…", flush=True)
        sender = run_sender(db, settings, fake, n, args.cap)
        peak_sender = peak_rss_mib()
        print(f"sender done in {sender.seconds:.1f} s; plain loop on {sample:,}…", flush=True)
        plain = run_plain_loop(fake, sample, n, args.cap)
    finally:
        db.dispose()
        database.drop()
        fake_peak = fake.stop()
    runs = [sender, plain]
    print()
    print(table(runs, n, args.cap))
    ok = sender.fraction_of_cap >= TARGET_FRACTION and sender.duplicates == sender.lost == 0
    print(
        f"\nsender: {sender.fraction_of_cap:.2f} of the cap (target {TARGET_FRACTION}), "
        f"{sender.duplicates} duplicates, {sender.lost} lost: {'PASS' if ok else 'FAIL'}; "
        f"{sender.per_second / plain.per_second:.1f}x the plain loop"
    )
    print(
        f"peak RSS: {peak_sender:.0f} MiB after seeding and sending (the app's side), "
        f"{peak_rss_mib():.0f} MiB at the end; the fake Slack process {fake_peak:.0f} MiB"
    )
    result = {
        "benchmark": "fanout",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "messages": n,
        "quick": bool(args.quick),
        "cap_per_second": args.cap,
        "latency_seconds": args.latency,
        "database": args.database,
        "seed_seconds": seeded,
        "target_fraction_of_cap": TARGET_FRACTION,
        "pass": ok,
        "runs": [asdict(run) for run in runs],
        "peak_rss_mib_sender": round(peak_sender, 1),
        "peak_rss_mib_end": round(peak_rss_mib(), 1),
        "peak_rss_mib_fake": round(fake_peak, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
