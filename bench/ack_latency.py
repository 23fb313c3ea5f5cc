"""Ack-latency benchmark (issue 8, benchmarks 1 and 4): how fast Kinerja answers Slack.

The real app (bot.shell.app.create_app + bot.shell.web.make_wsgi_app on waitress, 8 threads,
SystemClock) runs in a process of its own against the fake Slack of the test suite (another
process) and a database of 10,000 employees, 30,000 goals and 500,000 check-ins. A load
generator in this process sends 2,000 signed requests at concurrency 10 — `/kinerja help`,
`/kinerja goal`, a check-in submission and an Acknowledge click, a quarter each
(bench/ack_requests.py) — and times each one from sending it to receiving the HTTP response: the
ack. The same requests then go to a bare Bolt app (same waitress, same Bolt WSGI adapter and
signature check, listeners that only `ack()`), so the ratio shows what Kinerja adds to Bolt
itself. The peak RSS of each server (VmHWM) is read from /proc before it is stopped.

Targets: p99 < 300 ms, and the app's p99 within 1.5x of bare Bolt's.

    python bench/ack_latency.py --quick       # 1,000 / 3,000 / 50,000 and 300 requests
    python bench/ack_latency.py               # 10,000 / 30,000 / 500,000 and 2,000 requests
    python bench/ack_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

SQLite: the seeded file is cached in bench/results/cache/ (per size, week and schema) and each
run works on a copy. PostgreSQL: a database of its own is created next to the given one,
seeded, and dropped at the end. Results: bench/results/ack_latency[_quick][_postgres].json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.ack_requests import KINDS, Request, plan, sign, split  # noqa: E402
from bench.ack_seed import FULL, QUICK, Size, cache_name, current_period, seed  # noqa: E402
from bench.ack_servers import SECRET, WAITRESS_THREADS, FakeSlackProcess, start_server  # noqa: E402
from bot.config import normalise_database_url  # noqa: E402
from storage.checkins import Checkin  # noqa: E402
from storage.db import Database, make_engine  # noqa: E402
from storage.migrate import MIGRATIONS, upgrade  # noqa: E402
from storage.models import Employee  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_P99_MS = 300.0
TARGET_RATIO = 1.5
# A quarter of the people have their App Home open: they check in from it (bot/org/home_watch.py).
WATCHING = 0.25


# ------------------------------------------------------------------------------ load


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool
    answer: str = ""  # status and body of a failed request


def fire(
    url: str, requests_: list[Request], fake: FakeSlackProcess, concurrency: int
) -> list[Sample]:
    """Send every request, `concurrency` at a time, each thread with its own keep-alive
    connection; the clock runs from sending the signed request to having the response."""
    local = threading.local()
    endpoint = f"{url}/slack/events"

    def one(request: Request) -> Sample:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        body = request.body(fake.mint)  # a trigger id is minted before the clock starts
        headers = sign(SECRET, body)
        started = time.perf_counter()
        response = session.post(endpoint, data=body, headers=headers, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        ok = response.status_code == 200 and "errors" not in (response.text or "")
        answer = "" if ok else f"{request.kind} {response.status_code} {response.text[:300]}"
        return Sample(request.kind, elapsed, ok, answer)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, requests_))


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def summary(samples: list[Sample]) -> dict[str, Any]:
    def figures(values: list[float]) -> dict[str, float]:
        return {
            "p50": round(percentile(values, 50), 1),
            "p95": round(percentile(values, 95), 1),
            "p99": round(percentile(values, 99), 1),
            "max": round(max(values), 1),
            "mean": round(sum(values) / len(values), 1),
        }

    result: dict[str, Any] = figures([s.ms for s in samples])
    result["requests"] = len(samples)
    result["failed"] = sum(not s.ok for s in samples)
    result["failures"] = [s.answer for s in samples if not s.ok][:5]
    result["by_kind"] = {
        kind: figures([s.ms for s in samples if s.kind == kind])
        for kind in KINDS
        if any(s.kind == kind for s in samples)
    }
    return result


def measure(
    kind: str, database_url: str, fake: FakeSlackProcess, plan_: list[Request], args: Any
) -> dict[str, Any]:
    warmup, measured = split(plan_, args.warmup)
    with tempfile.TemporaryDirectory(prefix=f"kinerja-ack-{kind}-") as workdir:
        server = start_server(kind, database_url, fake.api_url, Path(workdir))
        try:
            fire(server.url, warmup, fake, args.concurrency)
            fake.ask("reset")
            started, cpu = time.perf_counter(), server.cpu_seconds()
            samples = fire(server.url, measured, fake, args.concurrency)
            wall = time.perf_counter() - started
            time.sleep(1.0)  # the work done after each ack (homes, modals) finishes
            cpu = server.cpu_seconds() - cpu
            result = summary(samples)
            result["throughput_rps"] = round(len(samples) / wall, 1)
            result["server_cpu_ms_per_request"] = round(cpu * 1000 / len(samples), 1)
            result["peak_rss_mib"] = round(server.peak_rss_mib(), 1)
            result["slack_calls"] = fake.ask("stats")
        finally:
            server.stop()
        if result["failed"]:
            print("\n".join(result["failures"]), file=sys.stderr)
            print(Path(server.log).read_text()[-3000:], file=sys.stderr)
    return result


# ------------------------------------------------------------------------------ databases


@contextmanager
def sqlite_database(size: Size, now: datetime, fresh: bool) -> Iterator[str]:
    cache = RESULTS / "cache" / cache_name(size, now, MIGRATIONS / "versions")
    if fresh or not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        building = cache.with_suffix(".building")
        building.unlink(missing_ok=True)
        url = f"sqlite:///{building}"
        upgrade_and_seed(url, size, now)
        for stale in cache.parent.glob(f"ack-seed-{size.key}-*.db"):
            stale.unlink()  # an older week or schema: never used again
        building.rename(cache)
    else:
        print(f"seeded database from the cache: {cache.relative_to(ROOT)}")
    with tempfile.TemporaryDirectory(prefix="kinerja-ack-db-") as tmp:
        working = Path(tmp) / "kinerja.db"
        shutil.copyfile(cache, working)  # the run writes; the cache stays as seeded
        yield f"sqlite:///{working}"


@contextmanager
def postgres_database(server_url: str, size: Size, now: datetime) -> Iterator[str]:
    server = make_url(normalise_database_url(server_url))
    name = f"kinerja_ack_{os.getpid()}"
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_and_seed(url, size, now)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def upgrade_and_seed(url: str, size: Size, now: datetime) -> None:
    db = Database(url)
    try:
        upgrade(db.engine)
        print(
            f"seeding {size.employees:,} employees, {size.goals:,} goals, "
            f"{size.checkins:,} check-ins …"
        )
        seconds = seed(db, size, now)
        print(f"seeded in {seconds:.1f} s")
    finally:
        db.dispose()


def mark_watching(database_url: str, share: float, now: datetime) -> None:
    """Every n-th person (by id) opened their App Home ten minutes ago."""
    db = Database(database_url)
    try:
        with db.session() as session:
            session.execute(
                update(Employee)
                .where((Employee.id * 7919) % 1000 < round(share * 1000))
                .values(home_opened_at=now - timedelta(minutes=10))
            )
    finally:
        db.dispose()


def verify(database_url: str, period_key: str, acknowledged_ids: list[int]) -> dict[str, int]:
    """What the app really wrote: check-ins filed this week and check-ins acknowledged."""
    db = Database(database_url)
    try:
        with db.session() as session:
            filed = session.scalar(
                select(func.count()).select_from(Checkin).where(Checkin.period == period_key)
            )
            acknowledged = session.scalar(
                select(func.count())
                .select_from(Checkin)
                .where(Checkin.id.in_(acknowledged_ids), Checkin.acknowledged_at.is_not(None))
            )
        return {"checkins_filed": int(filed or 0), "acknowledged": int(acknowledged or 0)}
    finally:
        db.dispose()


# ------------------------------------------------------------------------------ main


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/10 of the data, 300 requests")
    parser.add_argument("--database-url", help="PostgreSQL server to run on (default: SQLite)")
    parser.add_argument("--requests", type=int, help="measured requests (default 2,000; quick 300)")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--warmup", type=int, help="unmeasured requests first (default 10 %%)")
    parser.add_argument("--fresh", action="store_true", help="seed again, ignoring the cache")
    parser.add_argument("--seed", type=int, default=8, help="random seed of the request mix")
    parser.add_argument(
        "--watching",
        type=float,
        default=WATCHING,
        help="share of people who opened their App Home in the last hour, whose Home a change "
        f"republishes (default {WATCHING})",
    )
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help=f"request kinds to send (default {KINDS})"
    )
    args = parser.parse_args(argv)
    args.kinds = tuple(kind for kind in args.kinds.split(",") if kind)
    if not args.kinds or set(args.kinds) - set(KINDS):
        parser.error(f"--kinds: choose from {', '.join(KINDS)}")
    if not 0 <= args.watching <= 1:
        parser.error("--watching: a share between 0 and 1")
    args.size = QUICK if args.quick else FULL
    args.requests = args.requests or (300 if args.quick else 2000)
    args.warmup = args.warmup if args.warmup is not None else max(20, args.requests // 10)
    return args


def _print(name: str, result: dict[str, Any]) -> None:
    print(
        f"{name:<9} p50 {result['p50']:7.1f} ms   p95 {result['p95']:7.1f} ms   "
        f"p99 {result['p99']:7.1f} ms   max {result['max']:7.1f} ms   "
        f"{result['throughput_rps']:6.1f} req/s   "
        f"CPU {result['server_cpu_ms_per_request']:.1f} ms/req   "
        f"peak RSS {result['peak_rss_mib']:.0f} MiB"
        + (f"   FAILED {result['failed']}" if result["failed"] else "")
    )
    for kind, figures in result["by_kind"].items():
        print(
            f"  {kind:<8} p50 {figures['p50']:7.1f}   p95 {figures['p95']:7.1f}   "
            f"p99 {figures['p99']:7.1f}   max {figures['max']:7.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    size: Size = args.size
    now = datetime.now(UTC)
    period_key = current_period(now).key
    requests_ = plan(size, args.warmup + args.requests, period_key, args.seed, args.kinds)
    acknowledged_ids = _acknowledged_ids(requests_)
    database = "postgresql" if args.database_url else "sqlite"
    load_before = os.getloadavg()[0]
    if load_before > 0.5:
        print(f"warning: load average {load_before:.1f}: something else is using the CPUs")
    fake = FakeSlackProcess(size.employees)
    try:
        if args.database_url:
            opened = postgres_database(args.database_url, size, now)
        else:
            opened = sqlite_database(size, now, args.fresh)
        with opened as database_url:
            mark_watching(database_url, args.watching, now)
            print(
                f"{args.requests:,} requests (+{args.warmup} warm-up) at concurrency "
                f"{args.concurrency}, {database}, {size.key}"
            )
            bare = measure("bare", database_url, fake, requests_, args)
            _print("bare Bolt", bare)
            app = measure("app", database_url, fake, requests_, args)
            _print("Kinerja", app)
            written = verify(database_url, period_key, acknowledged_ids)
    finally:
        fake.stop()
    ratio = {p: round(app[p] / bare[p], 2) for p in ("p50", "p95", "p99")}
    met = {
        "p99_below_300ms": app["p99"] < TARGET_P99_MS,
        "p99_within_1.5x_bare": ratio["p99"] <= TARGET_RATIO,
    }
    print(f"ratio app/bare: p50 {ratio['p50']}x  p95 {ratio['p95']}x  p99 {ratio['p99']}x")
    expected = {
        "checkins_filed": sum(r.kind == "checkin" for r in requests_),
        "acknowledged": len(acknowledged_ids),
    }
    print(f"written by the app: {written}, expected {expected}")
    homes = app["slack_calls"].get("views.publish ok", 0)
    print(f"App Homes republished: {homes} ({args.watching:.0%} of people have theirs open)")
    print("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in met.items()))
    report = {
        "at": now.isoformat(timespec="seconds"),
        "command": "python bench/ack_latency.py " + " ".join(argv or sys.argv[1:]),
        "database": database,
        "size": {"employees": size.employees, "goals": size.goals, "checkins": size.checkins},
        "requests": args.requests,
        "warmup": args.warmup,
        "concurrency": args.concurrency,
        "watching_home": args.watching,
        "waitress_threads": WAITRESS_THREADS,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "app": app,
        "bare": bare,
        "ratio": ratio,
        "targets": {"p99_ms": TARGET_P99_MS, "ratio": TARGET_RATIO},
        "met": met,
        "written": written,
        "expected": expected,
    }
    name = (
        "ack_latency"
        + ("_quick" if args.quick else "")
        + ("_postgres" if args.database_url else "")
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to bench/results/{name}.json")
    failed = app["failed"] or bare["failed"] or written != expected
    return 1 if failed else 0


def _acknowledged_ids(requests_: list[Request]) -> list[int]:
    return [r.checkin_id for r in requests_ if r.kind == "click" and r.checkin_id is not None]


if __name__ == "__main__":
    sys.exit(main())
