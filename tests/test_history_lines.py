"""History lines (bot/history.py): a goal's and a review's trail are written and read by the
same rules — detail stored as JSON with dates as ISO strings, read back oldest first, lines of
the same instant in the order they were written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.history import json_safe
from bot.planning.goals import create_goal
from bot.planning.history import events_of as goal_events
from bot.planning.history import record_event
from bot.review.history import events_of as review_events
from bot.review.history import record
from storage.db import Database
from storage.goals import GoalEvent, GoalEventAction
from storage.reviews import ReviewEvent, ReviewEventAction
from tests.planning_fixtures import goal_input
from tests.review_fixtures import make_org, review_of, sales_cycle


@pytest.fixture
def session(db: Database, workspace: str) -> Iterator[Session]:
    with db.session() as session:
        yield session


def test_json_safe_turns_dates_into_iso_strings_at_any_depth() -> None:
    value = {"until": date(2026, 12, 4), "days": (date(2026, 1, 1),), "n": 3, "who": None}
    assert json_safe(value) == {"until": "2026-12-04", "days": ["2026-01-01"], "n": 3, "who": None}


def test_a_review_trail_keeps_the_detail_and_the_order_of_one_instant(
    session: Session, clock: FixedClock
) -> None:
    now = clock.now()
    org = make_org(session, now)
    sales_cycle(session, org, now)
    review = review_of(session, org.eko)
    before = len(review_events(session, review))
    action = ReviewEventAction.REMINDED
    record(session, review.cycle, review, None, action, now, step="self", due=date(2026, 12, 4))
    record(session, review.cycle, review, org.hr, action, now, step="manager", seen=(now,))
    session.flush()
    lines = review_events(session, review)[before:]
    assert [(line.actor_id, line.detail) for line in lines] == [
        (None, {"step": "self", "due": "2026-12-04"}),
        (org.hr.id, {"step": "manager", "seen": [now.isoformat()]}),
    ]
    stored = session.scalars(select(ReviewEvent.detail).where(ReviewEvent.id == lines[0].id))
    assert stored.one() == {"step": "self", "due": "2026-12-04"}


def test_a_goal_trail_is_written_and_read_by_the_same_rules(
    session: Session, clock: FixedClock
) -> None:
    now = clock.now()
    org = make_org(session, now)
    goal = create_goal(session, org.eko, goal_input("Grow revenue"), now=now).goal
    before = len(goal_events(session, goal))
    record_event(session, goal, org.eko, GoalEventAction.EDITED, now, due=date(2026, 6, 30))
    record_event(session, goal, None, GoalEventAction.EDITED, now, fields=("title",))
    session.flush()
    lines = goal_events(session, goal)[before:]
    assert [(line.actor_id, line.detail) for line in lines] == [
        (org.eko.id, {"due": "2026-06-30"}),
        (None, {"fields": ["title"]}),
    ]
    stored = session.scalars(select(GoalEvent.detail).where(GoalEvent.id == lines[0].id))
    assert stored.one() == {"due": "2026-06-30"}
