"""Saving a check-in, without Slack: the corner the flows through Slack cannot reach."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.config import Settings
from bot.monitoring import CheckinAnswers, submit_checkin
from bot.monitoring import checkins as checkins_module
from storage.checkins import Checkin
from storage.db import Database
from storage.models import Employee
from tests.appserver import settings_for
from tests.conftest import TEAM_ID
from tests.planning_fixtures import make_org


@pytest.fixture
def app_settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


def test_a_double_submit_that_loses_the_race_edits_the_winners_checkin(
    db: Database,
    workspace: str,
    clock: FixedClock,
    app_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two submissions of one form at once (a double click): both looked, found no check-in
    and inserted one; the second insert breaks the unique key. It must become an edit of the
    first one, with the second one's answers, and not an error shown to the person."""
    now = clock.now()
    with db.session() as session:
        employee_id = make_org(session, TEAM_ID, now).employee.id
    first = CheckinAnswers(period="2026-W48", mood="2", wins="first click")
    second = CheckinAnswers(period="2026-W48", mood="4", wins="second click")
    with db.session() as session:
        employee = session.get_one(Employee, employee_id)
        submit_checkin(session, employee, first, settings=app_settings, now=now)

    looked = 0
    real_find = checkins_module.find_checkin

    def find_nothing_at_first(*args: Any) -> Checkin | None:
        nonlocal looked
        looked += 1
        return None if looked == 1 else real_find(*args)

    monkeypatch.setattr(checkins_module, "find_checkin", find_nothing_at_first)
    with db.session() as session:
        employee = session.get_one(Employee, employee_id)
        result = submit_checkin(session, employee, second, settings=app_settings, now=now)
        assert not result.created
    with db.session() as session:
        rows = session.scalars(select(Checkin).where(Checkin.employee_id == employee_id)).all()
        assert [(c.mood, c.wins, c.edits) for c in rows] == [(4, "second click", 1)]
        assert session.scalar(select(func.count()).select_from(Checkin)) == 1
