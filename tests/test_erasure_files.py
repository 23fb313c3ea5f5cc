"""After `kinerja person erase`, the erased text is gone from the database's files, not only
from what SQL shows: SQLite's file and write-ahead log, PostgreSQL's table files after
`--vacuum-full` (and the operator is told what plain VACUUM leaves)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.clock import FixedClock
from storage.db import Database, make_engine
from storage.purge import purge_old_versions
from tests.reporting_fixtures import DIGEST_AT, SECRET_WIN, seed

# Distinctive pieces: a freed cell loses its first bytes to bookkeeping, the rest stays.
SECRETS = (SECRET_WIN[:17].encode(), b"eko@acme", b"UEKO")


@pytest.fixture
def seeded(db: Database, workspace: str, clock: FixedClock) -> None:
    clock.set(DIGEST_AT)
    with db.session() as session:
        seed(session)


def sqlite_bytes(database_url: str) -> bytes:
    path = Path(database_url.removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def checkpoint(db: Database) -> None:
    connection = db.engine.raw_connection()
    try:
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def postgres_bytes(db: Database, tables: list[str]) -> bytes:
    """The table files (and their TOAST) as on disk, after a checkpoint wrote them out."""
    found = b""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("CHECKPOINT")
        for table in tables:
            toast = connection.execute(
                text("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = :t"),
                {"t": table},
            ).scalar_one()
            for relation in (table, toast):
                found += connection.execute(
                    text("SELECT pg_read_binary_file(pg_relation_filepath(:r))"), {"r": relation}
                ).scalar_one()
    return found


def superuser(db: Database) -> bool:
    with db.engine.connect() as connection:
        return bool(connection.exec_driver_sql("SHOW is_superuser").scalar_one() == "on")


def erase(database_url: str, monkeypatch: pytest.MonkeyPatch, *extra: str) -> None:
    from bot.shell.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["person", "erase", "UEKO", "--yes", *extra]) == 0


def test_sqlite_file_and_wal_forget_the_erased_text(
    seeded: None, db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    if db.is_postgres:
        pytest.skip("SQLite's files")
    checkpoint(db)  # the seeded text is in the database file, as it is after a day's work
    before = sqlite_bytes(database_url)
    assert all(secret in before for secret in SECRETS)
    erase(database_url, monkeypatch)
    out, err = capsys.readouterr()
    after = sqlite_bytes(database_url)
    assert [secret for secret in SECRETS if secret in after] == []
    assert "database: write-ahead log copied into the database and emptied" in out
    assert "--vacuum-full` rebuilds it" in err and "backups" in err


PAGE_SECRET = "UNIQUE-WIN-PHRASE closed the deal"


def text_left_in_file(path: Path, connection: Any) -> bool:
    """One row changed in a page nobody else touches, checkpointed: is its old text still in
    the file? (Without secure_delete it stays in the page's free space.)"""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, txt TEXT, other TEXT)")
    for number in range(30):
        cursor.execute("INSERT INTO t (txt, other) VALUES (?, ?)", (f"filler {number}", "x" * 50))
    cursor.execute("INSERT INTO t (txt, other) VALUES (?, 'y')", (PAGE_SECRET,))
    for number in range(5):
        cursor.execute("INSERT INTO t (txt, other) VALUES (?, 'z')", (f"after {number}",))
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"UNIQUE-WIN-PHRASE" in path.read_bytes()
    cursor.execute("UPDATE t SET txt = '[erased]' WHERE txt = ?", (PAGE_SECRET,))
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return b"UNIQUE-WIN-PHRASE" in path.read_bytes()


def test_sqlite_connections_zero_what_a_change_frees(tmp_path: Path) -> None:
    """Some SQLite builds (Debian's) turn secure_delete on by default, others (python.org's,
    macOS's) do not: each connection here starts with it off, as on those, and Kinerja's own
    connections must turn it on."""

    def connect(path: Path) -> sqlite3.Connection:
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    plain = tmp_path / "plain.db"
    assert text_left_in_file(plain, connect(plain))  # the page really keeps it without
    path = tmp_path / "kinerja.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url, creator=lambda: connect(path))
    assert not text_left_in_file(path, engine.raw_connection())
    engine.dispose()


def test_sqlite_vacuum_full_rebuilds_the_file(
    seeded: None, db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    if db.is_postgres:
        pytest.skip("SQLite's files")
    erase(database_url, monkeypatch, "--vacuum-full")
    out, err = capsys.readouterr()
    assert "database rebuilt (VACUUM)" in out and "--vacuum-full" not in err
    assert [secret for secret in SECRETS if secret in sqlite_bytes(database_url)] == []


def test_postgres_is_vacuumed_and_the_operator_told_what_is_left(
    seeded: None, db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    if not db.is_postgres:
        pytest.skip("PostgreSQL's dead rows")
    erase(database_url, monkeypatch)
    out, err = capsys.readouterr()
    assert "database: VACUUM removed the old row versions from" in out
    assert "checkins" in out and "employees" in out
    assert "kinerja person erase UEKO --yes --vacuum-full` (or `VACUUM FULL " in err
    assert "pg_wal" in err


def test_postgres_vacuum_full_leaves_no_old_row_in_the_files(
    seeded: None, db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    if not db.is_postgres:
        pytest.skip("PostgreSQL's dead rows")
    if not superuser(db):
        pytest.skip("reading table files needs a superuser")
    tables = ["checkins", "employees", "audit_log"]
    assert all(secret in postgres_bytes(db, tables) for secret in SECRETS[:2])
    erase(database_url, monkeypatch, "--vacuum-full")
    out = capsys.readouterr().out
    assert "database: VACUUM FULL rewrote" in out
    left = [secret for secret in SECRETS if secret in postgres_bytes(db, tables)]
    for _ in range(5):
        if not left:
            break
        # VACUUM FULL keeps a dead row that some transaction's snapshot may still see (the
        # server's horizon, which a busy shared server can hold back for a moment): run it
        # again, as README tells the operator to when it reports such a leftover.
        time.sleep(1)
        purge_old_versions(db, tables, full=True, again="again")
        left = [secret for secret in SECRETS if secret in postgres_bytes(db, tables)]
    assert left == []


def test_sqlite_says_what_to_do_when_another_process_holds_the_database(
    seeded: None, db: Database, database_url: str
) -> None:
    """A running bot reading an old snapshot keeps the checkpoint from finishing, one writing
    keeps VACUUM from running: the erasure stands, and the operator is told what to do."""
    if db.is_postgres:
        pytest.skip("SQLite's files")
    path = database_url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM employees").fetchone()
    with db.session() as session:  # a change the reader's snapshot does not have
        session.execute(text("UPDATE employees SET name = 'Eko P' WHERE slack_id = 'UEKO'"))
    again = "kinerja person erase UEKO --yes"
    try:
        reading = purge_old_versions(db, ["employees"], full=False, again=again, wait=0)
        other.execute("COMMIT")
        other.execute("BEGIN IMMEDIATE")
        writing = purge_old_versions(db, ["employees"], full=True, again=again, wait=0)
    finally:
        other.close()
    busy = (
        "the checkpoint could not finish: another process was using the database, so old "
        "pages are still in the database file or its write-ahead log (the -wal file next to "
        "it). Stop `kinerja run` and run `kinerja person erase UEKO --yes` again"
    )
    assert busy in reading.todo
    assert writing.todo[0] == (
        "the database file could not be rebuilt (database is locked): stop `kinerja run` and "
        "run `kinerja person erase UEKO --yes --vacuum-full` again"
    )
    alone = purge_old_versions(db, ["employees"], full=False, again=again)
    assert "write-ahead log copied into the database and emptied" in alone.done
