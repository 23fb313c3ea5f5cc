"""Digest benchmark (issue 7): HR's digest and every manager's digest for a large organisation.

An organisation of N people (default 10,000; teams of about 40, each with a manager) with a
year of weekly check-ins (prompts, check-ins, a goal rating in each), two goals per person,
open obstacles, an open review cycle and a week of kudos is bulk-inserted with the seeder of
the test suite (tests/reporting_scale.py), then the database is ANALYZEd as a maintained one
would be. Measured, after one warm-up run, as the median of `--runs` runs:

- HR digest: its figures (bot.reporting.hr_figures) and its Block Kit message;
- every manager's digest: their figures in one pass (bot.reporting.manager_figures) and one
  message each;
- one manager's on-demand report, and the chart (matplotlib, PNG) on its own.

For each: wall time and SQL statements issued. Peak RSS of the process is printed at the end.

    python bench/digest.py --quick                  # 1,000 people, SQLite
    python bench/digest.py                          # 10,000 people, SQLite
    python bench/digest.py --postgres               # also PostgreSQL (TEST_DATABASE_URL's server)
    python bench/digest.py --postgres postgresql+psycopg://user@host:5432/db
    python bench/digest.py --example-chart          # re-render docs/digest-chart*.png
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402

from bench.harness import DEFAULT_POSTGRES, RESULTS, BenchDatabase, peak_rss_mib  # noqa: E402
from bot.blocks.reporting import hr_digest_message  # noqa: E402
from bot.blocks.reporting_team import manager_digest_message  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.reporting import chart_data, hr_figures, manager_figures, render_chart  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Workspace  # noqa: E402
from tests.reporting_fixtures import DIGEST_AT  # noqa: E402
from tests.reporting_scale import seed_many  # noqa: E402

TEAM_ID = "T0BENCH"
TZ = "Asia/Jakarta"
WEEKS = 52


class Statements:
    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


def measure(
    db: Database, counter: Statements, runs: int, work: Callable[[Any], Any]
) -> dict[str, float]:
    """Median wall time and this process's CPU time (ms), and the statements of
    `work(session)`, after a warm-up run. On SQLite the CPU time includes the database's work
    (it runs in-process) and is the steadier figure on a shared machine."""
    times, cpu, statements = [], [], 0
    for attempt in range(runs + 1):
        with db.session() as session:
            session.execute(text("SELECT 1"))  # the transaction is open before the clock starts
            before = counter.count
            start, start_cpu = time.perf_counter(), time.process_time()
            work(session)
            elapsed, used = time.perf_counter() - start, time.process_time() - start_cpu
            statements = counter.count - before
        if attempt:  # the first run warms caches and imports
            times.append(elapsed * 1000)
            cpu.append(used * 1000)
    return {
        "ms": round(statistics.median(times), 1),
        "cpu_ms": round(statistics.median(cpu), 1),
        "statements": statements,
    }


def hr_digest(session: Any) -> dict[str, Any]:
    figures = hr_figures(session, TEAM_ID, now=DIGEST_AT, org_tz=TZ)
    return hr_digest_message(Translator("en"), figures)


def manager_digests(session: Any) -> int:
    managers = manager_figures(session, TEAM_ID, now=DIGEST_AT, org_tz=TZ)
    tr = Translator("id")
    for figures in managers.values():
        manager_digest_message(tr, figures)
    return len(managers)


def run(kind: str, people: int, runs: int, postgres_url: str) -> dict[str, Any]:
    bench = BenchDatabase(kind, postgres_url)
    db = Database(bench.url)
    try:
        started = time.perf_counter()
        with db.session() as session:
            session.add(Workspace(team_id=TEAM_ID, name="Bench", created_at=DIGEST_AT))
            session.flush()
            scale = seed_many(session, TEAM_ID, people, weeks=WEEKS)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
        seeded = time.perf_counter() - started
        counter = Statements(db)
        with db.session() as session:
            figures = hr_figures(session, TEAM_ID, now=DIGEST_AT, org_tz=TZ)
            one = next(iter(manager_figures(session, TEAM_ID, now=DIGEST_AT, org_tz=TZ)))
        results = {
            "hr_digest": measure(db, counter, runs, hr_digest),
            "manager_digests": measure(db, counter, runs, manager_digests),
            "one_manager_report": measure(
                db,
                counter,
                runs,
                lambda s: manager_figures(s, TEAM_ID, now=DIGEST_AT, org_tz=TZ, manager_ids={one}),
            ),
        }
        data = chart_data(figures)
        render_chart(data, Translator("en"))  # warm-up: matplotlib's imports and font cache
        start = time.perf_counter()
        png = render_chart(data, Translator("en"))
        results["chart"] = {"ms": round((time.perf_counter() - start) * 1000, 1), "bytes": len(png)}
        return {
            "database": kind,
            "people": scale.people,
            "teams": scale.teams,
            "managers": scale.managers,
            "weeks": scale.weeks,
            "checkins": scale.checkins,
            "seed_seconds": round(seeded, 1),
            **results,
        }
    finally:
        db.dispose()
        bench.drop()


def example_chart(people: int = 330) -> None:
    """The README's example: 8 teams, 8 weeks, in English and in Indonesian."""
    bench = BenchDatabase("sqlite")
    db = Database(bench.url)
    try:
        with db.session() as session:
            session.add(Workspace(team_id=TEAM_ID, name="Example", created_at=DIGEST_AT))
            session.flush()
            seed_many(session, TEAM_ID, people, weeks=8, seed=11)
        with db.session() as session:
            figures = hr_figures(session, TEAM_ID, now=DIGEST_AT, org_tz=TZ)
        docs = Path(__file__).resolve().parent.parent / "docs"
        for locale, name in (("en", "digest-chart.png"), ("id", "digest-chart-id.png")):
            (docs / name).write_bytes(render_chart(chart_data(figures), Translator(locale)))
            print(f"wrote docs/{name}")
    finally:
        db.dispose()
        bench.drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 people instead of 10,000")
    parser.add_argument("--people", type=int, help="organisation size (overrides --quick)")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per figure")
    parser.add_argument(
        "--postgres", nargs="?", const=os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES,
        help="also run on PostgreSQL (a throw-away database on this server)",
    )  # fmt: skip
    parser.add_argument(
        "--example-chart", action="store_true", help="write docs/digest-chart*.png and stop"
    )
    args = parser.parse_args()
    if args.example_chart:
        example_chart()
        return 0
    people = args.people or (1000 if args.quick else 10000)
    kinds = ["sqlite"] + (["postgres"] if args.postgres else [])
    report = []
    for kind in kinds:
        print(f"{kind}: seeding {people:,} people with {WEEKS} weeks of check-ins …", flush=True)
        result = run(kind, people, args.runs, args.postgres or DEFAULT_POSTGRES)
        report.append(result)
        print(
            f"  seeded {result['checkins']:,} check-ins in {result['seed_seconds']} s "
            f"({result['teams']} teams, {result['managers']} managers)"
        )
        for name in ("hr_digest", "manager_digests", "one_manager_report"):
            figure = result[name]
            print(
                f"  {name:<20} {figure['ms']:>8.1f} ms  (cpu {figure['cpu_ms']:>6.1f} ms)"
                f"  {figure['statements']:>3} statements"
            )
        chart = result["chart"]
        print(f"  {'chart (PNG)':<20} {chart['ms']:>8.1f} ms  {chart['bytes']:,} bytes")
    rss = peak_rss_mib()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"peak RSS {rss:.0f} MiB · Python {platform.python_version()} · {platform.machine()} "
        f"· {os.cpu_count()} CPUs · load average {load}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "digest_quick.json" if people < 10000 else "digest.json"
    payload = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "peak_rss_mib": round(rss),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "runs": report,
    }
    (RESULTS / name).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
