"""Marks of erased people: what keeps an erased person out of Kinerja until an admin re-adds them.

Erasure anonymises the person's row (its Slack id becomes `ERASED-<id>`), so without a mark
nothing would stop the daily directory sync, their next click, or an org import from adding
them again, with their name, e-mail, zone and language, as if they were new. So each erasure
leaves a mark that every way in checks first (bot/org/directory.py): the sync skips them, a request
of theirs is answered without creating a row, the org import refuses to name them.

Why a keyed hash rather than the Slack id: a mark must not be the identifier the erasure
removed, readable in the database, a backup or an export. The mark is HMAC-SHA256 of
"team_id:slack_id" under a random key made for the workspace when its first person is erased
(storage/erasures.py). A plain hash would not do: Slack ids are short and easily enumerated, so
anyone could hash every id of a workspace and read the list; with the key, the marks mean
nothing outside this database, cannot be matched across installations or with precomputed
tables. The key lives in the same database on purpose: kept in a setting or derived from a
Slack secret, a lost or rotated secret would silently turn every mark into noise, and erased
people would come back. What no mark can prevent — the sync has to recognise the person — is
that someone holding both this database and the workspace's member list can test which of
those members were erased; what it prevents is that the identifier is ever stored, shown or
exported in clear text.

`kinerja person restore U…` removes a mark: the person is then added like anyone new (their
erased data is not brought back).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.erasures import ErasedPerson, ErasureKey
from storage.models import Employee

ERASED_PREFIX = "ERASED-"

Marked = Callable[[str], bool]


def pseudonym(employee_id: int) -> str:
    """The Slack id an erased person's row keeps: not a Slack id, so nothing can match it."""
    return f"{ERASED_PREFIX}{employee_id}"


def is_erased_row(employee: Employee) -> bool:
    return employee.slack_id.startswith(ERASED_PREFIX)


def not_erased(slack_id: ColumnElement[str] | InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """SQL for "this row is not an erased person's", for lists that name people (the kudos
    an erased person received still count, but nobody is shown as "[erased]")."""
    return slack_id.not_like(f"{ERASED_PREFIX}%")


def _key(session: Session, team_id: str) -> bytes | None:
    row = session.get(ErasureKey, team_id)
    return bytes.fromhex(row.key) if row is not None else None


def _fingerprint(key: bytes, team_id: str, slack_id: str) -> str:
    return hmac.new(key, f"{team_id}:{slack_id}".encode(), hashlib.sha256).hexdigest()


def mark_erased(session: Session, team_id: str, slack_id: str, now: datetime) -> None:
    """Remember that this Slack id of the workspace was erased (idempotent)."""
    key = _key(session, team_id)
    if key is None:
        key = secrets.token_bytes(32)
        session.add(ErasureKey(team_id=team_id, key=key.hex(), created_at=now))
        session.flush()
    fingerprint = _fingerprint(key, team_id, slack_id)
    known = session.scalar(
        select(ErasedPerson.id).where(
            ErasedPerson.team_id == team_id, ErasedPerson.fingerprint == fingerprint
        )
    )
    if known is None:
        session.add(ErasedPerson(team_id=team_id, fingerprint=fingerprint, erased_at=now))
        session.flush()


def erased_matcher(session: Session, team_id: str) -> Marked:
    """A test for many Slack ids with two queries in all (the directory sync asks for each
    member of the workspace)."""
    key = _key(session, team_id)
    if key is None:
        return lambda _slack_id: False
    marks = set(
        session.scalars(select(ErasedPerson.fingerprint).where(ErasedPerson.team_id == team_id))
    )
    return lambda slack_id: _fingerprint(key, team_id, slack_id) in marks


def erased_at(session: Session, team_id: str, slack_id: str) -> datetime | None:
    """When this Slack id was erased, or None if it was not."""
    key = _key(session, team_id)
    if key is None:
        return None
    return session.scalar(
        select(ErasedPerson.erased_at).where(
            ErasedPerson.team_id == team_id,
            ErasedPerson.fingerprint == _fingerprint(key, team_id, slack_id),
        )
    )


def is_marked_erased(session: Session, team_id: str, slack_id: str) -> bool:
    return erased_at(session, team_id, slack_id) is not None


def unmark_erased(session: Session, team_id: str, slack_id: str) -> bool:
    """Forget the mark (the person may be added again); False when there was none."""
    key = _key(session, team_id)
    if key is None:
        return False
    removed = session.execute(
        delete(ErasedPerson).where(
            ErasedPerson.team_id == team_id,
            ErasedPerson.fingerprint == _fingerprint(key, team_id, slack_id),
        )
    )
    return bool(getattr(removed, "rowcount", 0))
