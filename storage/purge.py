"""After an erasure: make the database files forget the old text, as far as the database can.

Rewriting a row leaves its old bytes behind where SQL no longer sees them but a copy of the
files does:

- SQLite writes changes to the write-ahead log (`kinerja.db-wal`) and copies them into the
  database file at a checkpoint; until then the log holds the pages with the old text. Space a
  row gave up keeps its old bytes unless `secure_delete` is on — it is, on every connection
  (storage/db.py), so the rewritten rows are zeroed; a checkpoint in TRUNCATE mode then copies
  them into the file and empties the log. Text freed before `secure_delete` was on (by an
  edit made with an older version) is only gone after a full `VACUUM`, which rebuilds the file.
- PostgreSQL keeps the old version of every updated row ("dead" tuples) in the table until
  VACUUM removes it; plain VACUUM does so without blocking anyone, but the bytes may stay in the
  page's free space until reused. `VACUUM FULL` writes each table anew (and takes an exclusive
  lock on it while it does), so nothing of the old rows is left in the table's files.
- Neither database can reach its copies elsewhere: backups, and PostgreSQL's own write-ahead
  log and WAL archive, keep the text until they expire. The operator is told so.

VACUUM cannot run inside a transaction, so this runs on its own connection after the erasure
has committed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.db import Database


@dataclass
class Leftovers:
    """What was done to the files (`done`), and what the operator still has to do (`todo`)."""

    done: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)


def purge_old_versions(
    db: Database, tables: Sequence[str], *, full: bool, again: str, wait: float = 10.0
) -> Leftovers:
    """Checkpoint (SQLite) or VACUUM (PostgreSQL) after rows of `tables` were rewritten.

    `full` rebuilds (SQLite: VACUUM of the whole file; PostgreSQL: VACUUM FULL of `tables`);
    `again` is the command that repeats this step, quoted in the advice; `wait` is how long
    SQLite waits for other connections (a running bot) to let go. A step the database refuses
    (locked, no permission) becomes advice; the erasure itself has committed already.
    """
    if db.is_postgres:
        return _postgres(db, sorted(set(tables)), full=full, again=again)
    return _sqlite(db, full=full, again=again, wait=wait)


def _sqlite(db: Database, *, full: bool, again: str, wait: float) -> Leftovers:
    report = Leftovers(done=["rewritten rows zeroed in place (PRAGMA secure_delete)"])
    # A raw connection: SQLAlchemy's would open a transaction first (storage/db.py), and
    # neither VACUUM nor a checkpoint may run inside one.
    connection = db.engine.raw_connection()
    busy = 1
    try:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        if full:
            cursor.execute("VACUUM")
            report.done.append("database rebuilt (VACUUM): no free space keeps old text")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = (cursor.fetchone() or (1,))[0]  # (busy, log frames, checkpointed frames)
    except sqlite3.Error as error:
        report.todo.append(
            f"the database file could not be rebuilt ({error}): stop `kinerja run` and run "
            f"`{again} --vacuum-full` again"
        )
    finally:
        connection.invalidate()  # closed, not pooled: its busy_timeout is not the others'
    if busy:
        report.todo.append(
            "the checkpoint could not finish: another process was using the database, so old "
            "pages are still in the database file or its write-ahead log (the -wal file next "
            f"to it). Stop `kinerja run` and run `{again}` again"
        )
    else:
        report.done.append("write-ahead log copied into the database and emptied")
    if not full:
        report.todo.append(
            "text freed by edits made before this version may remain in free space of the "
            f"file: `{again} --vacuum-full` rebuilds it (best with the bot stopped: it waits "
            "while the file is rebuilt)"
        )
    report.todo.append("backups of the database file made before now still hold the text")
    return report


def _postgres(db: Database, tables: list[str], *, full: bool, again: str) -> Leftovers:
    report = Leftovers()
    with db.engine.connect() as connection:
        owned = set(
            connection.execute(
                text(
                    "SELECT c.relname FROM pg_class c"
                    " WHERE c.relname = ANY(:names) AND c.relkind = 'r'"
                    " AND pg_catalog.pg_table_is_visible(c.oid)"
                    " AND pg_has_role(current_user, c.relowner, 'USAGE')"
                ),
                {"names": tables},
            ).scalars()
        )
    mine = [t for t in tables if t in owned]
    others = [t for t in tables if t not in owned]
    verb = "VACUUM FULL" if full else "VACUUM"
    if mine:
        quoted = ", ".join(f'"{t}"' for t in mine)
        try:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as link:
                link.exec_driver_sql(f"{verb} {quoted}")
        except DBAPIError as error:
            reason = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
            report.todo.append(f"{verb} failed ({reason}): run `{verb} {', '.join(mine)};`")
            mine = []
    if mine:
        if full:
            report.done.append(f"VACUUM FULL rewrote {len(mine)} table(s): {', '.join(mine)}")
        else:
            report.done.append(
                f"VACUUM removed the old row versions from {len(mine)} table(s): {', '.join(mine)}"
            )
    if others:
        report.todo.append(
            f"the database user does not own {', '.join(others)}: as their owner, run "
            f"`{verb} {', '.join(others)};`"
        )
    if not full:
        report.todo.append(
            "old bytes can stay in the tables' free space until reused: "
            f"`{again} --vacuum-full` (or `VACUUM FULL {', '.join(tables)};`) rewrites the "
            "tables; each is locked while it is copied"
        )
    report.todo.append(
        "PostgreSQL's write-ahead log (pg_wal), WAL archives and backups still hold the text "
        "until they expire"
    )
    return report
