"""Prompt-moment benchmark: how close to their prompt moment N people in one zone are asked.

N people in Asia/Jakarta (bench/tick.py's organisation) are all due for their weekly check-in
at the same moment T, Friday 15:00 local. The app's scheduler pass (`bot.ticks.tick`, the
check-in task) runs at every minute boundary, as APScheduler runs it, while the app's own
sender (`bot.shell.runtime.make_sender`) delivers the outbox to the fake Slack of the test suite
at the workspace budget (`--rate`: both `KINERJA_SLACK_RATE_PER_SECOND` and the fake's
workspace-wide cap on chat.postMessage; every call takes `--latency`).

Both run on a clock shifted so that the run starts just before the minute in which the fan-out
can begin (T - N / (2 * rate), or T without a spread): the wall time is real, only
the date is Friday. Each prompt's lateness is its row's `sent_at` (when Slack accepted it) minus
T; reported: first, median, 90th percentile and last, and the largest distance from T.

`--no-spread` runs the same with every prompt enqueued at T, as before the spread
(bot/monitoring/spread.py), for comparison.

At the default budget of 5/s a fan-out of 10,000 takes 33 minutes of wall time; scale it with
`--rate` or `--people` and say what was run:

    python bench/prompt_moment.py --quick                  # 3,000 people at 20/s, about 3 minutes
    python bench/prompt_moment.py --rate 50                # 10,000 at 50/s, about 4 minutes
    python bench/prompt_moment.py --rate 50 --no-spread    # the same, enqueued at T
    python bench/prompt_moment.py                          # 10,000 at 5/s, about 35 minutes
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for `bench.harness`

from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.harness import (  # noqa: E402
    DEFAULT_POSTGRES,
    RESULTS,
    TOKEN,
    BenchDatabase,
    FakeSlackProcess,
)
from bench.tick import DUE_AT, seed, warm  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.monitoring import due as due_module  # noqa: E402
from bot.monitoring.spread import spread_for  # noqa: E402
from bot.shell.runtime import make_sender  # noqa: E402
from bot.slack.services import Services  # noqa: E402
from bot.ticks import tick  # noqa: E402
from handlers.cycles import TICK_TASKS  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import OutboxMessage, OutboxStatus  # noqa: E402

PROMPTS = [task for task in TICK_TASKS if task.name == "checkin_prompts"]


class ShiftedClock:
    """The wall clock moved by a fixed offset: real seconds, a chosen date."""

    def __init__(self, starts_at: datetime) -> None:
        self.offset = starts_at - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def ticker(db: Database, settings: Any, clock: ShiftedClock, until: datetime, stop: threading.Event,
           log: list[tuple[datetime, int, float]]) -> None:  # fmt: skip
    """Tick at every minute boundary of the shifted clock until `until` (or `stop`)."""
    while not stop.is_set():
        now = clock.now()
        boundary = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
        if boundary > until:
            return
        if stop.wait((boundary - now).total_seconds()):
            return
        started = time.perf_counter()
        report = tick(db, settings, boundary, PROMPTS)
        log.append((boundary, report.done.get("checkin_prompts", 0), time.perf_counter() - started))


def pending(db: Database) -> int:
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_([OutboxStatus.PENDING.value, "sending"]))
            )
            or 0
        )


def lateness(db: Database, moment: datetime) -> list[float]:
    with db.session() as session:
        sent = session.scalars(
            select(OutboxMessage.sent_at).where(
                OutboxMessage.idempotency_key.startswith("checkin:prompt:"),
                OutboxMessage.sent_at.is_not(None),
            )
        ).all()
    return sorted((at - moment).total_seconds() for at in sent if at is not None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3,000 people at 20/s")
    parser.add_argument("--people", type=int, help="people due at the moment (default 10,000)")
    parser.add_argument("--rate", type=float, help="workspace budget, messages/s (default 5)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added per call")
    parser.add_argument("--no-spread", action="store_true", help="enqueue everyone at T")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES)
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    people = args.people or (3000 if args.quick else 10_000)
    rate = args.rate or (20.0 if args.quick else 5.0)
    if args.no_spread:
        due_module.spread_for = lambda *_: None  # type: ignore[assignment]

    fake = FakeSlackProcess(people, args.latency, rate)
    bench_db = BenchDatabase(args.database, args.postgres_url)
    db = Database(bench_db.url)
    try:
        env = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": "bench",
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": bench_db.url,
            "KINERJA_DEFAULT_LOCALE": "en",
            "KINERJA_LOG_LEVEL": "WARNING",
            **{k: v for k, v in os.environ.items() if k.startswith("KINERJA_")},
            "KINERJA_SLACK_RATE_PER_SECOND": str(rate),
        }
        settings = load_settings(env, env_file="/nonexistent")
        seed(db, people)
        warm(settings)
        moment = DUE_AT
        day = moment - timedelta(hours=6), moment + timedelta(hours=3)
        spread = None if args.no_spread else spread_for(moment, people, rate, *day)
        first = moment if spread is None else spread.start
        start = first.replace(second=0, microsecond=0) - timedelta(seconds=10)
        clock = ShiftedClock(start)
        services = Services(settings, db, clock, WebClient(token=TOKEN))
        sender = make_sender(services)
        print(
            f"{people:,} people due at T = {moment:%H:%M} UTC, {rate:g} msg/s, "
            f"{'no spread' if spread is None else f'spread from T - {moment - first}'}, "
            f"{args.database}; simulated start {start:%H:%M:%S}",
            flush=True,
        )
        stop = threading.Event()
        ticks: list[tuple[datetime, int, float]] = []
        thread = threading.Thread(
            target=ticker, args=(db, settings, clock, moment, stop, ticks)
        )
        thread.start()
        wall = time.perf_counter()
        try:
            while thread.is_alive() or pending(db):
                if sender.drain().sent == 0:
                    time.sleep(0.05)  # the next slot, or the next tick
        finally:
            stop.set()
            thread.join()
        wall = time.perf_counter() - wall
        late = lateness(db, moment)
        seen = fake.stats()
    finally:
        db.dispose()
        bench_db.drop()
        fake.stop()

    def q(p: float) -> float:
        return late[min(len(late) - 1, int(p * (len(late) - 1)))]

    figures = {
        "people": people,
        "rate": rate,
        "spread": spread is not None,
        "database": args.database,
        "delivered": len(late),
        "slack_posts": int(seen["post_statuses"].get(200, 0)),
        "rate_limited": int(seen["post_statuses"].get(429, 0)),
        "first_s": round(late[0], 1),
        "median_s": round(statistics.median(late), 1),
        "p90_s": round(q(0.9), 1),
        "last_s": round(late[-1], 1),
        "max_abs_s": round(max(abs(late[0]), abs(late[-1])), 1),
        "wall_s": round(wall, 1),
        "ticks": [(f"{at:%H:%M}", n, round(seconds, 2)) for at, n, seconds in ticks if n],
    }
    print(
        f"\ndelivered {figures['delivered']:,} of {people:,} prompts ({figures['rate_limited']} "
        f"429s) in {wall:.0f} s of wall time; relative to the prompt moment T:\n"
        f"  first {late[0]:+.1f} s, median {figures['median_s']:+.1f} s, "
        f"p90 {figures['p90_s']:+.1f} s, last {late[-1]:+.1f} s "
        f"(at most {figures['max_abs_s'] / 60:.1f} min from T)\n"
        f"  ticks that enqueued: {figures['ticks']}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"prompt-moment-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written to {out}")
    return 0 if len(late) == people else 1


if __name__ == "__main__":
    raise SystemExit(main())
