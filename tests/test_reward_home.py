"""The Recognition section of the App Home: read once by the core (bot/reward/home.py), then
rendered (bot/blocks/reward_home.py) without a single query, on a realistic year of kudos.

Why: the Home is rebuilt for every person who opens it; a renderer that reaches the database
(a lazy relationship, a count) multiplies queries by every kudos shown and holds the session
while it does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from bot.blocks.reward_home import reward_section
from bot.i18n import Translator
from bot.reward.home import RECENT, recognition_home
from bot.reward.kudos import give_kudos
from storage.db import Database
from storage.kudos import KudosSource
from storage.models import Employee
from tests.reward_fixtures import block_texts, configure, person

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # Tuesday 10:00 in Jakarta
VALUES = ("integrity", "collaboration", None, "innovation", "collaboration", "ownership")


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement the engine runs inside the block."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def colleagues(db: Database) -> None:
    """Budi (reading in Indonesian), Citra, and three colleagues who recognise them; one
    kudos for Budi from last year, which this year's counts leave out."""
    with db.session() as session:
        configure(session, NOW)
        budi = person(session, "UBUDI", NOW, locale="id-ID")
        for slack_id in ("UCITRA", "UANI", "UDEWI", "UEKO"):
            person(session, slack_id, NOW)
        ani = session.scalars(select(Employee).where(Employee.slack_id == "UANI")).one()
        last_year = datetime(2025, 12, 30, 3, 0, tzinfo=UTC)
        give_kudos(session, ani, [budi], "Last year's", None, KudosSource.COMMAND, last_year)


def recognise(db: Database, kudos: int, *, first: int = 0) -> None:
    """`kudos` more for Budi this year, one a day going back from `first` days ago, with and
    without a value, every third shared with Citra."""
    with db.session() as session:
        everyone = {e.slack_id: e for e in session.scalars(select(Employee))}
        givers = [everyone[slack_id] for slack_id in ("UANI", "UDEWI", "UEKO")]
        for n in range(first, first + kudos):
            people = [everyone["UBUDI"], everyone["UCITRA"]] if n % 3 == 0 else [everyone["UBUDI"]]
            give_kudos(
                session,
                givers[n % len(givers)],
                people,
                f"Thanks <b>#{n}</b> & more",
                VALUES[n % len(VALUES)],
                KudosSource.MODAL,
                NOW - timedelta(days=n),
            )


def budi(session: Any) -> Employee:
    return session.scalars(select(Employee).where(Employee.slack_id == "UBUDI")).one()


def test_the_section_is_rendered_without_a_query(db: Database, workspace: str) -> None:
    colleagues(db)
    recognise(db, 9)
    with db.session(read_only=True) as session:
        home = recognition_home(session, budi(session), NOW)
        with statements(db) as seen:
            blocks = reward_section(Translator("id"), home)
    assert seen == []
    shown = block_texts(blocks)
    assert "*9 apresiasi diterima pada 2026*" in shown  # last year's kudos not counted
    assert ":handshake: Kolaborasi *3*" in shown
    assert "Tanpa nilai *2*" in shown
    assert shown.count("&lt;b&gt;#") == RECENT and "<b>" not in shown
    assert "<@UANI> · :gem: Integritas · <!date^" in shown
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == ["reward_give_open"]


def test_reading_the_section_takes_the_same_queries_however_many_kudos(
    db: Database, workspace: str
) -> None:
    colleagues(db)
    counts = []
    for kudos, first in ((2, 0), (12, 2)):
        recognise(db, kudos, first=first)
        with db.session(read_only=True) as session:
            reader = budi(session)
            with statements(db) as seen:
                home = recognition_home(session, reader, NOW)
        counts.append((len(home.recent), home.total, len(seen)))  # recent: last year's too
    assert [(recent, total) for recent, total, _ in counts] == [(3, 2), (RECENT, 14)]
    assert 0 < counts[0][2] == counts[1][2]


def test_nobody_recognised_yet_is_shown_how_to_start(db: Database, workspace: str) -> None:
    with db.session() as session:
        person(session, "UBUDI", NOW)
    with db.session(read_only=True) as session:
        home = recognition_home(session, budi(session), NOW)
    assert (home.recent, home.by_value) == ([], [])
    shown = block_texts(reward_section(Translator("en"), home))
    assert "No recognition received yet." in shown
