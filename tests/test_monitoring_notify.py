"""The outbox rows a check-in's life writes, without Slack: every key, method and address.

The sender, the crash look-ups and the idempotency of every message rest on these keys, and
the pair's conversation on these addresses: the summary goes to the group DM of the employee,
the reader and the bot; what follows is a reply in its thread; the prompt and the summary are
updated in place, an older update still waiting being dropped; without a conversation (a
summary that failed) the person is written to directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.config import Settings
from bot.monitoring import (
    CheckinAnswers,
    acknowledge_checkin,
    escalate_obstacles,
    reply_to_checkin,
    send_due_prompts,
    set_obstacle_status,
    submit_checkin,
)
from storage.checkins import Obstacle, ObstacleStatus
from storage.db import Database
from storage.models import Employee, OutboxMessage, OutboxStatus
from tests.appserver import settings_for
from tests.conftest import TEAM_ID
from tests.planning_fixtures import make_org

FRIDAY_1500_JAKARTA = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
ADDRESSES = ("channel", "_open_users", "_thread_of", "_update_of")


@pytest.fixture
def app_settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


def _get(session: Session, slack_id: str) -> Employee:
    found = session.scalar(select(Employee).where(Employee.slack_id == slack_id))
    assert found is not None
    return found


def _rows(session: Session, after: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, method, address) of the rows written since row `after`, oldest first."""
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > after).order_by(OutboxMessage.id)
    ).all()
    return [
        (
            row.idempotency_key,
            row.method,
            {k: row.payload[k] for k in ADDRESSES if k in row.payload},
        )
        for row in rows
    ]


def _last_id(session: Session) -> int:
    return max(session.scalars(select(OutboxMessage.id)).all(), default=0)


def _obstacle_ids(session: Session, employee: Employee) -> list[int]:
    return list(
        session.scalars(
            select(Obstacle.id).where(Obstacle.employee_id == employee.id).order_by(Obstacle.id)
        )
    )


def test_a_checkins_messages_keys_and_addresses(
    db: Database, workspace: str, clock: FixedClock, app_settings: Settings
) -> None:
    now = FRIDAY_1500_JAKARTA
    with db.session() as session:
        make_org(session, TEAM_ID, now - timedelta(days=10))
        assert send_due_prompts(session, TEAM_ID, app_settings, now) > 0
        start = _last_id(session)
    with db.session() as session:
        eko, maya = _get(session, "UEMP"), _get(session, "UMGR")
        answers = CheckinAnswers(period="2026-W48", mood="3", obstacles="Need CRM\nBudget")
        checkin = submit_checkin(session, eko, answers, settings=app_settings, now=now).checkin
        c, e, summary = checkin.id, eko.id, f"checkin:summary:{checkin.id}"
        prompt = f"checkin:prompt:{e}:2026-W48"
        assert _rows(session, start) == [
            (summary, "chat.postMessage", {"_open_users": ["UEMP", "UMGR"]}),
            (f"{prompt}:done:v0", "chat.update", {"_update_of": prompt}),
        ]
        mark = _last_id(session)
        answers.wins = "An edit"
        submit_checkin(session, eko, answers, settings=app_settings, now=now)
        acknowledge_checkin(session, maya, c, settings=app_settings, now=now)
        reply = reply_to_checkin(session, maya, c, "Thanks", settings=app_settings, now=now)
        first, second = _obstacle_ids(session, eko)
        set_obstacle_status(
            session, maya, first, ObstacleStatus.HELPING, settings=app_settings, now=now
        )
        thread = {"_thread_of": summary}
        # Updates still waiting are dropped by the next one: the last says it all.
        assert _rows(session, mark) == [
            (f"{prompt}:done:v1", "chat.update", {"_update_of": prompt}),
            (f"checkin:ack:{c}", "chat.postMessage", thread),
            (f"checkin:reply:{reply.id}:thread", "chat.postMessage", thread),
            (f"obstacle:{first}:helping", "chat.postMessage", thread),
            (f"{summary}:v3", "chat.update", {"_update_of": summary}),
        ]
        mark = _last_id(session)
    week_later = now + timedelta(days=7, hours=1)  # 16:00 in Jakarta, a Friday
    with db.session() as session:
        assert escalate_obstacles(session, TEAM_ID, app_settings, week_later) == 1
        assert _rows(session, mark) == [(f"obstacle:{second}:remind", "chat.postMessage", thread)]
        mark = _last_id(session)
        # Without its conversation (the summary could not be posted), Eko is told directly.
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == summary))
        assert row is not None
        row.status = OutboxStatus.FAILED.value
        maya = _get(session, "UMGR")
        set_obstacle_status(
            session, maya, second, ObstacleStatus.RESOLVED, settings=app_settings, now=week_later
        )
        assert _rows(session, mark) == [
            (f"obstacle:{second}:resolved", "chat.postMessage", {"channel": "UEMP"}),
            (f"{summary}:v4", "chat.update", {"_update_of": summary}),
        ]
