"""Shared fixtures: a migrated throw-away database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), a fixed clock, a workspace row, and the fake Slack Web API."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.clock import FixedClock
from storage.db import Database, make_engine
from storage.migrate import upgrade
from storage.models import Workspace
from storage.schema import metadata
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack

TEAM_ID = "T0001"
BOT_TOKEN = "xoxb-test"
SIGNING_SECRET = "test-signing-secret"
START = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Jakarta


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's real .env or Slack settings."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "KINERJA_")) or name in ("DATABASE_URL", "PORT"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def _template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per run; each test then gets a copy (SQLite) or emptied tables (PostgreSQL).

    On PostgreSQL the run creates its own database next to TEST_DATABASE_URL's and drops it at
    the end, so two runs on one server (CI, a developer, a benchmark) never see each other.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        from sqlalchemy.engine import make_url

        from bot.config import normalise_database_url

        server = make_url(normalise_database_url(url))
        name = f"kinerja_test_{os.getpid()}"
        admin = make_engine(
            server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        run_url = server.set(database=name).render_as_string(hide_password=False)
        engine = make_engine(run_url)
        upgrade(engine)
        engine.dispose()
        yield run_url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    yield str(path)


@pytest.fixture
def database_url(_template_database: str, tmp_path: Path) -> Iterator[str]:
    if _template_database.startswith("postgresql"):
        engine = make_engine(_template_database)
        tables = ", ".join(f'"{t.name}"' for t in reversed(metadata.sorted_tables))
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        yield _template_database
        return
    path = tmp_path / "kinerja.db"
    shutil.copy(_template_database, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def workspace(db: Database, clock: FixedClock) -> str:
    with db.session() as session:
        session.add(
            Workspace(team_id=TEAM_ID, name="Acme", bot_user_id="UBOT", created_at=clock.now())
        )
    return TEAM_ID


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    slack = FakeSlack(token=BOT_TOKEN, team_id=TEAM_ID, team_name="Acme", bot_user_id="UBOT")
    slack.start()
    yield slack
    slack.stop()


@pytest.fixture
def running_app(
    database_url: str, db: Database, clock: FixedClock, fake_slack: FakeSlack
) -> Iterator[RunningApp]:
    """The whole app over HTTP; Slack is the fake, the clock is fixed."""
    from tests.appserver import settings_for, start_app

    running = start_app(settings_for(database_url, fake_slack.api_url), db, clock)
    yield running
    running.stop()
