"""The Review section of the App Home is read by the core (bot/review/home.py) and drawn by
bot/blocks/review_home.py, which runs no query: everything it shows, relationships included,
is loaded before drawing starts. Counted on a workspace with every kind of line in it: one's
own reviews, a manager's team (one to write, one approved to nominate), and HR's open cycle
with overdue reviews next to a scheduled one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.blocks.nominations import NOMINATE
from bot.blocks.review import WRITE_MANAGER
from bot.blocks.review_home import OPEN_CYCLE, review_list, review_section
from bot.clock import FixedClock
from bot.i18n import Translator
from bot.review import submit_self_review
from bot.review.home import load_review_home
from storage.db import Database
from tests.nomination_fixtures import approved
from tests.review_fixtures import Org, answers, make_org, review_of, sales_cycle
from tests.reward_fixtures import block_texts

AFTER_SELF_DUE = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)  # self-reviews were due Dec 4, 2026


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def org(session: Session, clock: FixedClock) -> Org:
    now = clock.now()
    org = make_org(session, now)
    sales_cycle(session, org, now)
    sales_cycle(
        session,
        org,
        now,
        name="2027 mid-year review",
        team_ids=[org.ops.id],
        period_start=date(2027, 1, 1),
        period_end=date(2027, 6, 30),
        opens_on=date(2027, 6, 1),
        self_due=date(2027, 6, 11),
        manager_due=date(2027, 6, 18),
    )
    approved(session, org.edi, org.manager, now)
    submit_self_review(session, org.eko, review_of(session, org.eko).id, answers(), now=now)
    session.flush()
    session.expire_all()  # what the loader needs, it loads: nothing is left over from setup
    return org


class Statements:
    """Counts the SQL statements sent to the database while it is on."""

    def __init__(self, db: Database) -> None:
        self.engine = db.engine
        self.sent: list[str] = []

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.sent.append(statement)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def _actions(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        elements = [block.get("accessory") or {}, *block.get("elements", [])]
        found += [str(e["action_id"]) for e in elements if e.get("action_id")]
    return found


@pytest.mark.parametrize("who", ["eko", "manager", "hr", "stranger"])
def test_drawing_the_review_section_runs_no_query(
    db: Database, session: Session, org: Org, who: str
) -> None:
    person = getattr(org, who)
    with Statements(db) as loading:
        home = load_review_home(session, person, AFTER_SELF_DUE)
    assert loading.sent  # the loader does read
    with Statements(db) as drawing:
        section = review_section(Translator("en"), home, AFTER_SELF_DUE)
        answer = review_list(Translator("id"), home, AFTER_SELF_DUE)
    assert drawing.sent == []
    assert answer["blocks"][1:] == review_section(Translator("id"), home, AFTER_SELF_DUE)[1:]
    assert len(section) > 1


def test_the_drawn_section_shows_what_the_loader_read(
    db: Database, session: Session, org: Org
) -> None:
    manager = load_review_home(session, org.manager, AFTER_SELF_DUE)
    hr = load_review_home(session, org.hr, AFTER_SELF_DUE)
    with Statements(db) as drawing:
        team = review_section(Translator("en"), manager, AFTER_SELF_DUE)
        cycles = review_section(Translator("en"), hr, AFTER_SELF_DUE)
    assert drawing.sent == []
    assert sorted(_actions(team)) == sorted([WRITE_MANAGER, NOMINATE])
    assert "<@UEKO> · 2026 year-end review" in block_texts(team)
    assert _actions(cycles) == [OPEN_CYCLE]
    text = block_texts(cycles)
    assert "2027 mid-year review" in text and "Jun 1, 2027" in text  # scheduled, not counted
    assert "<@UEVA>" in text and "Dec 4, 2026" in text  # overdue self-review, for HR
