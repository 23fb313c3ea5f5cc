"""The App Home's check-in section is loaded by the core (bot/monitoring/home.py) and drawn
from what it loaded alone (bot/blocks/monitoring_home.py): drawing it runs no SQL statement,
however much the section shows — a manager's team obstacles, who took one on, the check-ins
waiting, leave — and it is the section the running app puts on the Home."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.blocks import monitoring_home
from bot.blocks.monitoring_home import section_blocks
from bot.clock import FixedClock
from bot.config import Settings
from bot.i18n import Translator
from bot.monitoring import CheckinAnswers, set_obstacle_status, submit_checkin
from bot.monitoring.home import HOME_LIMIT, checkin_status
from handlers.home import HomeContext
from handlers.monitoring import CYCLE
from storage.checkins import Obstacle, ObstacleStatus
from storage.db import Database
from storage.models import Employee
from tests.appserver import settings_for
from tests.conftest import TEAM_ID
from tests.planning_fixtures import make_org
from tests.reward_fixtures import block_texts


@pytest.fixture
def app_settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _team_with_obstacles(db: Database, settings: Settings, now: datetime) -> dict[str, int]:
    """Maya's two reports checked in with eight open obstacles between them; she took one
    on; Eko resolved none; Maya is on leave next week."""
    with db.session() as session:
        org = make_org(session, TEAM_ID, now - timedelta(days=3))
        ids = {"maya": org.manager.id, "eko": org.employee.id}
        for person, lines in ((org.employee, "A\nB\nC\nD\nE"), (org.peer, "F\nG\nH")):
            answers = CheckinAnswers(period="", mood="3", obstacles=lines)
            submit_checkin(session, person, answers, settings=settings, now=now)
        obstacles = session.scalars(select(Obstacle).order_by(Obstacle.id)).all()
        for obstacle in obstacles:
            obstacle.opened_at = now - timedelta(days=2)
        first = obstacles[0]
        set_obstacle_status(
            session, org.manager, first.id, ObstacleStatus.HELPING, settings=settings, now=now
        )
        org.manager.away_until = date(2026, 12, 4)
    return ids


def test_drawing_the_section_runs_no_query(
    db: Database, workspace: str, clock: FixedClock, app_settings: Settings
) -> None:
    now = clock.now()
    ids = _team_with_obstacles(db, app_settings, now)
    tr = Translator("en")
    with db.session(read_only=True) as session:
        maya = session.get_one(Employee, ids["maya"])
        eko = session.get_one(Employee, ids["eko"])
        loaded = [
            checkin_status(session, person, settings=app_settings, now=now)
            for person in (maya, eko)
        ]
        with statements(db) as sent:
            drawn = [section_blocks(tr, status, now) for status in loaded]
        assert sent == []
    manager, employee = (block_texts(blocks) for blocks in drawn)
    assert "2 check-ins are waiting for your acknowledgement." in manager
    assert "<@UEMP>: A\n_being helped · opened 2 days ago_" in manager
    assert "<@UEMP>: E\n_open · opened 2 days ago_" in manager
    assert "More obstacles are not shown here." in manager and "<@UPEER>" not in manager
    assert ":palm_tree: You are away until 4 Dec; no prompts until then." in manager
    assert len(loaded[0].team_obstacles) == HOME_LIMIT + 1
    assert ":white_check_mark: Your check-in for *week of 23 Nov – 29 Nov* is in" in employee
    assert "*Your open obstacles*" in employee and "More obstacles" not in employee
    help_buttons = [
        b["accessory"]["action_id"] for b in drawn[0] if b.get("accessory", {}).get("value")
    ]
    assert help_buttons.count("monitoring_obstacle_resolve") == 1  # the one Maya took on
    assert help_buttons.count("monitoring_obstacle_help") == HOME_LIMIT - 1


def test_the_data_outlives_its_session(
    db: Database, workspace: str, clock: FixedClock, app_settings: Settings
) -> None:
    """What the core loads is plain values: the section draws the same once the session is
    closed, so nothing in it waits to be loaded later."""
    now = clock.now()
    ids = _team_with_obstacles(db, app_settings, now)
    tr = Translator("id")
    with db.session(read_only=True) as session:
        maya = session.get_one(Employee, ids["maya"])
        status = checkin_status(session, maya, settings=app_settings, now=now)
        inside = section_blocks(tr, status, now)
    assert section_blocks(tr, status, now) == inside
    assert "2 check-in menunggu" in block_texts(inside)


def test_the_cycle_home_is_the_loader_then_the_renderer(
    db: Database, workspace: str, clock: FixedClock, app_settings: Settings
) -> None:
    """The section on the Home (the cycle's `home`) is exactly the renderer's blocks for what
    the loader returns."""
    now = clock.now()
    ids = _team_with_obstacles(db, app_settings, now)
    tr = Translator("en")
    with db.session(read_only=True) as session:
        maya = session.get_one(Employee, ids["maya"])
        assert CYCLE.home is not None
        shown = CYCLE.home(HomeContext(session, maya, tr, now, app_settings))
        status = checkin_status(session, maya, settings=app_settings, now=now)
        assert shown == section_blocks(tr, status, now)


def test_the_renderer_imports_no_session_and_no_rows() -> None:
    """The renderer's module reaches neither SQLAlchemy nor the stored rows' classes: what it
    draws comes in as plain values."""
    tree = ast.parse(inspect.getsource(monitoring_home))
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not any(name.startswith("sqlalchemy") for name in imported)
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not names & {"Session", "HomeContext", "Obstacle", "Checkin", "Employee"}
    assert Session.__name__ not in inspect.getsource(monitoring_home)
