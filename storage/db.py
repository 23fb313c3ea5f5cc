"""Engine and session factory for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the web server read while the sender writes; foreign keys are off by default.

    The driver's own transaction handling is switched off (see `_SqliteWriters`) so that
    SAVEPOINTs nest inside the real transaction instead of committing on their own.

    `secure_delete` zeroes the bytes a changed or deleted row gives up; without it an erased
    person's text would stay readable in the file's free space (storage/purge.py). It costs a
    little I/O on deletes, nothing on reads.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


READ_ONLY = "kinerja_read_only"
WRITER_WAIT = 10.0  # seconds, as busy_timeout
_HOLDS = "kinerja_holds_writer_lock"


class _SqliteWriters:
    """One write transaction at a time per engine, queued in this process.

    IMMEDIATE takes SQLite's write lock up front: a transaction that reads and then writes can
    never fail half-way with SQLITE_BUSY because another writer got in between; it waits
    (busy_timeout) instead. But SQLite's busy handler waits by sleeping and retrying (up to
    100 ms a nap), so under load a writer can lose the race for seconds while others come and
    go. Writers of this process therefore queue on a lock first, which hands over the moment
    it is free; SQLite's own lock still guards against other processes (the CLI, a second
    instance).

    A read-only session (`Database.session(read_only=True)`) begins DEFERRED and takes no
    lock: with WAL it reads a snapshot while a writer works, and nobody waits for it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def begin(self, connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
            return
        if self._lock.acquire(timeout=WRITER_WAIT):  # else SQLite's busy_timeout decides
            connection.info[_HOLDS] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.release(connection)
            raise

    def release(self, connection: Any, *_: Any) -> None:
        """On commit, rollback, and (should both be skipped) when the connection goes back
        to the pool."""
        info = connection.info if hasattr(connection, "info") else {}
        if info.pop(_HOLDS, False):
            self._lock.release()

    def checkin(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_HOLDS, False):
            self._lock.release()


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 10}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            options["poolclass"] = StaticPool
        options.update(kwargs)
        engine = create_engine(url, **options)
        writers = _SqliteWriters()
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", writers.begin)
        event.listen(engine, "commit", writers.release)
        event.listen(engine, "rollback", writers.release)
        event.listen(engine, "checkin", writers.checkin)
        return engine
    options = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}
    options.update(kwargs)
    return create_engine(url, **options)


class Database:
    """The facade the rest of the code uses; tests build one on a throw-away database."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self, *, dry_run: bool = False, read_only: bool = False) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error.

        `dry_run` rolls back even on success, for commands that show what they would change.
        `read_only` is for work that only reads (building an App Home): on SQLite it does not
        take the write lock up front (see `_SqliteWriters`), so it neither waits for writers
        nor makes them wait.
        """
        session = (self._read_sessions if read_only else self._sessions)()
        try:
            yield session
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self.engine.dispose()
