"""What every benchmark needs: a throw-away database and the fake Slack in a process of its own.

Why a separate process for the fake: in the benchmark's own process its HTTP threads would
compete with the app's threads for the GIL, and its memory (every call and message it records)
would be counted in the app's peak RSS.

Scripts in bench/ are run as `python bench/NAME.py` from a clone; `import bench.harness` puts
the repository root on sys.path first, because the fake lives in `tests/fakeslack`, which is not
part of the installed package.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import tempfile
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.config import normalise_database_url  # noqa: E402
from bot.outbox import METADATA_EVENT_TYPE  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOKEN = "xoxb-bench"
TEAM_ID = "T0BENCH"


def user_id(i: int) -> str:
    return f"U{i:08d}"


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _serve_fake(conn: Connection, users: int, latency: float, cap: float | None) -> None:
    """Child process: run the fake Slack and answer the parent's few questions over a pipe."""
    from tests.fakeslack import FakeSlack

    fake = FakeSlack(token=TOKEN, team_id=TEAM_ID, team_name="Bench", bot_user_id="UBOT")
    for i in range(users):
        fake.add_user(id=user_id(i), name=f"person{i}")
    fake.latency = latency
    fake.rate_limit(cap)
    fake.start()
    conn.send(fake.api_url)
    while True:
        command = conn.recv()
        if command == "stats":
            with fake._lock:
                keys = [
                    str(m.metadata["event_payload"]["key"])
                    for m in fake.messages
                    if m.metadata and m.metadata.get("event_type") == METADATA_EVENT_TYPE
                ]
                posts = Counter(c.status for c in fake.calls if c.method == "chat.postMessage")
                methods = Counter(c.method for c in fake.calls)
            conn.send({"keys": keys, "post_statuses": dict(posts), "calls": dict(methods)})
        elif command == "arrivals":
            with fake._lock:
                arrivals = [
                    (str(m.metadata["event_payload"]["key"]), float(m.ts))
                    for m in fake.messages
                    if m.metadata and m.metadata.get("event_type") == METADATA_EVENT_TYPE
                ]
            conn.send(arrivals)
        elif command == "reset":
            fake.reset()  # forgets messages and calls; the token bucket starts full again
            conn.send(True)
        else:  # "stop"
            fake.stop()
            conn.send(peak_rss_mib())
            return


class FakeSlackProcess:
    """tests/fakeslack in a child process, with `users` people U00000000…, the given latency
    per call and a workspace-wide chat.postMessage cap (messages/second; None = no cap)."""

    def __init__(self, users: int, latency: float = 0.0, cap: float | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve_fake, args=(child, users, latency, cap), daemon=True
        )
        self.process.start()
        self.api_url: str = self.conn.recv()

    def stats(self) -> dict[str, Any]:
        """{"keys": outbox keys of the messages posted, in order, "post_statuses": {http
        status: count} of chat.postMessage answers, "calls": {method: count}}."""
        self.conn.send("stats")
        answer: dict[str, Any] = self.conn.recv()
        return answer

    def arrivals(self) -> list[tuple[str, float]]:
        """(outbox key, wall-clock time the fake stored it) of every message posted, in order."""
        self.conn.send("arrivals")
        answer: list[tuple[str, float]] = self.conn.recv()
        return answer

    def reset(self) -> None:
        self.conn.send("reset")
        self.conn.recv()

    def stop(self) -> float:
        """Stop the fake; its peak RSS in MiB."""
        self.conn.send("stop")
        peak = float(self.conn.recv())
        self.process.join(timeout=10)
        return peak


class BenchDatabase:
    """A migrated throw-away database: a temporary SQLite file, or (kind "postgres") a database
    of its own on the server of `postgres_url`, dropped again by `drop()`."""

    def __init__(self, kind: str, postgres_url: str = DEFAULT_POSTGRES) -> None:
        self.kind = kind
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._admin_url = ""
        self.name = f"kinerja_bench_{os.getpid()}"
        if kind == "postgres":
            from sqlalchemy.engine import make_url

            server = make_url(normalise_database_url(postgres_url))
            self._admin_url = server.render_as_string(hide_password=False)
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')
            self.url = server.set(database=self.name).render_as_string(hide_password=False)
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="kinerja-bench-")
            self.url = f"sqlite:///{self._tmp.name}/kinerja.db"
        engine = make_engine(self.url)
        upgrade(engine)
        engine.dispose()

    def _admin(self, *statements: str) -> None:
        admin = make_engine(self._admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
        admin.dispose()

    def drop(self) -> None:
        if self.kind == "postgres":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        elif self._tmp is not None:
            self._tmp.cleanup()
