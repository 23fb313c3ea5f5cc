"""Tick benchmark: one scheduler pass when everyone's check-in prompt is due, and an idle one.

An organisation of N people in one zone (Asia/Jakarta; teams of 40, each with a manager, plus
two HR people and three without a manager, who get HR's stand-in) is bulk-inserted into a
throw-away database. Then `bot.ticks.tick` runs with the app's own task list, as `kinerja tick`
does:

- **due**: Friday 2026-11-27 15:00 Jakarta, the moment of everyone's weekly prompt (a fresh
  database per run, so every run prompts all N);
- **idle**: Wednesday 10:00 Jakarta, when nobody is due (median of `--runs` passes).

Reported: wall time and SQL statements (a `before_cursor_execute` listener) of the whole tick,
and of the check-in prompt task alone. Targets: a due tick for 10,000 people within 1 s with a
statement count that does not grow with the people; an idle tick within 50 ms at 10,000.

    python bench/tick.py --quick                 # 1,000 people
    python bench/tick.py                         # 1,000 and 10,000 people
    python bench/tick.py --database postgres     # on PostgreSQL (TEST_DATABASE_URL's server)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for `bench.harness`

from sqlalchemy import event, insert  # noqa: E402

from bench.harness import DEFAULT_POSTGRES, RESULTS, TEAM_ID, BenchDatabase, user_id  # noqa: E402
from bot.config import Settings, load_settings  # noqa: E402
from bot.ticks import TickTask, tick  # noqa: E402
from handlers.cycles import TICK_TASKS  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Employee, Team, Workspace  # noqa: E402

DUE_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 15:00 in Jakarta
IDLE_AT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Wednesday 10:00 in Jakarta
SEEDED_AT = datetime(2026, 11, 1, tzinfo=UTC)
TEAM_SIZE = 40


def settings_for(url: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "DATABASE_URL": url,
        "KINERJA_DEFAULT_LOCALE": "en",
        **{k: v for k, v in os.environ.items() if k.startswith("KINERJA_")},
    }
    return load_settings(env, env_file="/nonexistent")


def seed(db: Database, people: int) -> None:
    """Teams of TEAM_SIZE: the team's first person manages the rest; two HR people; the
    last three have no manager (HR stands in for them)."""
    stamp = {"created_at": SEEDED_AT, "updated_at": SEEDED_AT}
    with db.session() as session:
        session.add(Workspace(team_id=TEAM_ID, name="Bench", created_at=SEEDED_AT))
        session.flush()
        teams = (people + TEAM_SIZE - 1) // TEAM_SIZE
        session.execute(
            insert(Team),
            [{"team_id": TEAM_ID, "name": f"Team {t}", "created_at": SEEDED_AT}
             for t in range(teams)],
        )
    with db.session() as session:
        team_ids = [t.id for t in session.query(Team).order_by(Team.id)]
        rows: list[dict[str, Any]] = []
        for i in range(people):
            t = i // TEAM_SIZE
            rows.append(
                {
                    "team_id": TEAM_ID,
                    "slack_id": user_id(i),
                    "name": f"person{i:06d}",
                    "tz": "Asia/Jakarta",
                    "locale": "en-US" if i % 3 else "id-ID",
                    "role": _role(i),
                    "org_team_id": team_ids[t],
                    "active": True,
                    **stamp,
                }
            )
        for first in range(0, people, 2000):
            session.execute(insert(Employee), rows[first : first + 2000])
        session.flush()
        ids = {e.slack_id: e.id for e in session.query(Employee.slack_id, Employee.id)}
        # One UPDATE per team rather than one per person.
        for t in range(len(team_ids)):
            manager = ids[user_id(t * TEAM_SIZE)]
            session.query(Employee).filter(
                Employee.org_team_id == team_ids[t],
                Employee.slack_id != user_id(t * TEAM_SIZE),
                Employee.slack_id.notin_([user_id(people - k) for k in (1, 2, 3)]),
            ).update({"manager_id": manager}, synchronize_session=False)


def warm(settings: Settings) -> None:
    """Load the message catalogues once, as a running process has long done (200 ms)."""
    from bot.blocks.monitoring import prompt_message
    from bot.i18n import Translator
    from bot.monitoring.periods import parse_period
    from bot.monitoring.rules import Reader

    for locale in ("en", "id"):
        prompt_message(Translator(locale), parse_period("2026-W48"), Reader(None, True),
                       reminder=False)  # fmt: skip


def _role(i: int) -> str:
    if i in (1, 2):
        return "hr"
    return "manager" if i % TEAM_SIZE == 0 else "employee"


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def timed_tick(
    db: Database, settings: Settings, at: datetime, tasks: list[TickTask]
) -> dict[str, Any]:
    with counting(db) as statements:
        start = time.perf_counter()
        report = tick(db, settings, at, tasks)
        seconds = time.perf_counter() - start
    assert report.failed == [], report.failed
    return {"ms": round(seconds * 1000, 1), "statements": len(statements), "done": report.done}


def run(kind: str, people: int, runs: int, postgres_url: str) -> dict[str, Any]:
    prompts_only = [t for t in TICK_TASKS if t.name == "checkin_prompts"]
    figures: dict[str, Any] = {"people": people, "database": kind}
    for label, tasks in (("all tasks", list(TICK_TASKS)), ("checkin_prompts", prompts_only)):
        due: list[dict[str, Any]] = []
        for _ in range(runs):
            bench_db = BenchDatabase(kind, postgres_url)
            db = Database(bench_db.url)
            try:
                seed(db, people)
                settings = settings_for(bench_db.url)
                warm(settings)
                tick(db, settings, IDLE_AT, tasks)  # warm caches (holidays, pool)
                due.append(timed_tick(db, settings, DUE_AT, tasks))
                if label == "all tasks" and not figures.get("idle"):
                    idle = [timed_tick(db, settings, IDLE_AT, tasks) for _ in range(runs)]
                    figures["idle"] = {
                        "ms": statistics.median(r["ms"] for r in idle),
                        "statements": idle[0]["statements"],
                    }
                    idle_p = [timed_tick(db, settings, IDLE_AT, prompts_only) for _ in range(runs)]
                    figures["idle checkin_prompts"] = {
                        "ms": statistics.median(r["ms"] for r in idle_p),
                        "statements": idle_p[0]["statements"],
                    }
            finally:
                db.dispose()
                bench_db.drop()
        figures[f"due {label}"] = {
            "ms": statistics.median(r["ms"] for r in due),
            "statements": due[0]["statements"],
            "prompted": due[0]["done"].get("checkin_prompts"),
        }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 people only")
    parser.add_argument("--people", type=int, nargs="*", help="organisation sizes")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per figure")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES)
    )
    args = parser.parse_args()
    sizes = args.people or ([1000] if args.quick else [1000, 10000])
    results = []
    for people in sizes:
        figures = run(args.database, people, args.runs, args.postgres_url)
        results.append(figures)
        print(f"\n{people:,} people, {args.database}")
        for name in ("due all tasks", "due checkin_prompts", "idle", "idle checkin_prompts"):
            f = figures[name]
            extra = f", {f['prompted']} prompted" if "prompted" in f else ""
            print(f"  {name:22} {f['ms']:8.1f} ms  {f['statements']:6d} statements{extra}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"tick-{args.database}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
