"""Whose App Home a change republishes: the core rules, without Slack."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.org.home_watch import (
    NOTE_EVERY,
    WATCH_FOR,
    note_home_opened,
    open_worth_noting,
    watching_home,
)
from storage.db import Database
from storage.models import Employee
from tests.monitoring_fixtures import person


def _eko(db: Database, clock: FixedClock) -> int:
    with db.session() as session:
        return person(session, "UEKO", now=clock.now()).id


def _opened(db: Database, employee_id: int) -> Employee:
    with db.session() as session:
        found = session.get(Employee, employee_id)
        assert found is not None
        return found


def test_nobody_is_watched_until_they_open_their_home(
    db: Database, clock: FixedClock, workspace: str
) -> None:
    eko = _opened(db, _eko(db, clock))
    assert eko.home_opened_at is None
    assert not watching_home(eko, clock.now())
    assert open_worth_noting(eko, clock.now())


def test_an_open_is_watched_for_an_hour(db: Database, clock: FixedClock, workspace: str) -> None:
    eko_id = _eko(db, clock)
    opened_at = clock.now()
    with db.session() as session:
        note_home_opened(session, eko_id, opened_at)
    eko = _opened(db, eko_id)
    assert eko.home_opened_at == opened_at
    assert watching_home(eko, opened_at + WATCH_FOR - timedelta(seconds=1))
    assert not watching_home(eko, opened_at + WATCH_FOR)


def test_opens_in_quick_succession_are_written_once(
    db: Database, clock: FixedClock, workspace: str
) -> None:
    eko_id = _eko(db, clock)
    first = clock.now()
    with db.session() as session:
        note_home_opened(session, eko_id, first)
    soon = first + NOTE_EVERY - timedelta(seconds=1)
    assert not open_worth_noting(_opened(db, eko_id), soon)
    with db.session() as session:
        note_home_opened(session, eko_id, soon)  # e.g. another web process
    assert _opened(db, eko_id).home_opened_at == first
    later = first + NOTE_EVERY
    assert open_worth_noting(_opened(db, eko_id), later)
    with db.session() as session:
        note_home_opened(session, eko_id, later)
    assert _opened(db, eko_id).home_opened_at == later
