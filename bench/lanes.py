"""Lanes benchmark: how long an interactive message waits while a big fan-out drains.

10,000 weekly check-in prompts are enqueued in the scheduled lane, as a tick enqueues them, and
the app's own sender (`bot.shell.runtime.make_sender`: real clock, settings from the environment,
so the default budget of 5 chat.postMessage per second) starts draining them into the fake Slack
of the test suite (a child process, `--latency` per call, chat.postMessage capped at the budget
like Slack's workspace limit). Then, for a measuring window of a few minutes (not the whole
33-minute fan-out), an interactive message ("your goal was approved") is enqueued every
`--every` seconds. Reported: the interactive messages' latency from enqueue to the fake storing
them (p50, p99, max; targets p99 <= 2 s) and the prompts delivered during the window as a
fraction of the budget (target >= 0.9): the approvals must not cost the fan-out its pace.

    python bench/lanes.py --quick                 # 2,000 prompts, a 40 s window
    python bench/lanes.py                         # 10,000 prompts, a 3-minute window
    python bench/lanes.py --database postgres     # on PostgreSQL (TEST_DATABASE_URL's server)

It uses only what the outbox offered before per-method budgets (`enqueue(lane=…)`, `make_sender`,
`run_forever`), so a copy of this file and bench/harness.py runs in an older checkout too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for `bench.harness`

from slack_sdk import WebClient  # noqa: E402

from bench.fanout import seed as seed_prompts  # noqa: E402
from bench.harness import (  # noqa: E402
    DEFAULT_POSTGRES,
    RESULTS,
    TEAM_ID,
    TOKEN,
    BenchDatabase,
    FakeSlackProcess,
    user_id,
)
from bot.clock import SystemClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.outbox import Lane, enqueue  # noqa: E402
from bot.shell.runtime import make_sender  # noqa: E402
from bot.slack.services import Services  # noqa: E402
from storage.db import Database  # noqa: E402

SEED_CHUNK = 1000
TARGET_P99_SECONDS = 2.0
TARGET_FRACTION = 0.9


def seed(db: Database, n: int) -> None:
    """The fan-out: n prompts in the scheduled lane, as a tick enqueues them."""
    seed_prompts(db, n, lane=Lane.SCHEDULED)


def approval_key(i: int) -> str:
    return f"goal:approved:{i}"


def enqueue_approval(db: Database, i: int, person: int) -> float:
    """One interactive message, as a manager's click causes it; the wall time it committed."""
    with db.session() as session:
        enqueue(
            session,
            team_id=TEAM_ID,
            key=approval_key(i),
            method="chat.postMessage",
            payload={"channel": user_id(person), "text": "Your goal was approved"},
            now=SystemClock().now(),
            lane=Lane.INTERACTIVE,
        )
    return time.time()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="2,000 prompts, a 40 s window")
    parser.add_argument("-n", "--messages", type=int, help="scheduled prompts to enqueue")
    parser.add_argument("--window", type=float, help="measuring window, seconds")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between approvals")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before the window")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added per call")
    parser.add_argument(
        "--grace", type=float, default=10.0, help="seconds after the window to wait for approvals"
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES,
        help="server for --database postgres (a database of its own is created and dropped)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show the sender's log")
    parser.add_argument("--output", type=Path, default=RESULTS / "lanes.json", help="JSON file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)
    n = args.messages or (2000 if args.quick else 10_000)
    window = args.window or (40.0 if args.quick else 180.0)
    env = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "bench",
        "KINERJA_LOG_LEVEL": "WARNING",
    }
    env.update({k: v for k, v in os.environ.items() if k.startswith("KINERJA_")})
    budget = float(env.get("KINERJA_SLACK_RATE_PER_SECOND") or 5.0)
    print(
        f"lanes: {n:,} scheduled prompts at {budget:g}/s, an approval every {args.every:g} s "
        f"for {window:g} s, latency {args.latency * 1000:.0f} ms, {args.database}",
        flush=True,
    )
    fake = FakeSlackProcess(n + 1, args.latency, budget)
    database = BenchDatabase(args.database, args.postgres_url)
    db = Database(database.url)
    stop = threading.Event()
    sender_thread: threading.Thread | None = None
    sent_at: dict[str, float] = {}
    try:
        env.update(SLACK_API_URL=fake.api_url, DATABASE_URL=database.url)
        settings = load_settings(env, env_file="/nonexistent")
        seed(db, n)
        services = Services(settings, db, SystemClock(), WebClient(token=TOKEN))
        sender = make_sender(services)
        sender_thread = threading.Thread(
            target=sender.run_forever, args=(stop,), kwargs={"idle_seconds": 0.05}, daemon=True
        )
        sender_thread.start()
        time.sleep(args.warmup)
        started = time.time()
        i = 0
        while time.time() < started + window:
            sent_at[approval_key(i)] = enqueue_approval(db, i, i % n)
            i += 1
            time.sleep(max(0.0, started + i * args.every - time.time()))
        ended = time.time()
        # Let the last approvals arrive (or show that they did not) before stopping.
        deadline = time.time() + args.grace
        while time.time() < deadline:
            arrived = {key for key, _ in fake.arrivals() if key in sent_at}
            if len(arrived) == len(sent_at):
                break
            time.sleep(0.2)
    finally:
        stop.set()
        if sender_thread is not None:
            sender_thread.join(timeout=30)
        arrivals = fake.arrivals()
        db.dispose()
        database.drop()
        fake.stop()
    received = {key: at for key, at in arrivals}
    latencies = [received[key] - at for key, at in sent_at.items() if key in received]
    missing = [key for key in sent_at if key not in received]
    prompts_in_window = sum(
        1 for key, at in arrivals if key.startswith("checkin:") and started <= at <= ended
    )
    approvals_in_window = sum(
        1 for key, at in arrivals if key.startswith("goal:") and started <= at <= ended
    )
    rate = prompts_in_window / (ended - started)
    fraction = round(rate / budget, 2)  # compared as reported
    all_posts = round((prompts_in_window + approvals_in_window) / (ended - started) / budget, 2)
    p50 = statistics.median(latencies) if latencies else float("nan")
    p99 = percentile(latencies, 0.99) if latencies else float("nan")
    worst = max(latencies) if latencies else float("nan")
    ok = not missing and p99 <= TARGET_P99_SECONDS and fraction >= TARGET_FRACTION
    print(
        f"\napprovals: {len(sent_at)} enqueued, {len(latencies)} arrived, {len(missing)} not "
        f"within the window + {args.grace:g} s"
    )
    print(
        f"latency enqueue -> Slack: p50 {p50:.2f} s, p99 {p99:.2f} s, max {worst:.2f} s "
        f"(target p99 <= {TARGET_P99_SECONDS:g} s)"
    )
    print(
        f"prompts in the window: {prompts_in_window} in {ended - started:.1f} s = {rate:.2f}/s, "
        f"{fraction:.2f} of the budget (target >= {TARGET_FRACTION}); with the approvals "
        f"{all_posts:.2f} of it"
    )
    print("PASS" if ok else "FAIL")
    result: dict[str, Any] = {
        "benchmark": "lanes",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "prompts": n,
        "quick": bool(args.quick),
        "database": args.database,
        "budget_per_second": budget,
        "window_seconds": round(ended - started, 1),
        "approvals": len(sent_at),
        "approvals_missing": len(missing),
        "latency_p50": p50,
        "latency_p99": p99,
        "latency_max": worst,
        "prompts_in_window": prompts_in_window,
        "fraction_of_budget": fraction,
        "all_posts_fraction_of_budget": all_posts,
        "pass": ok,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
