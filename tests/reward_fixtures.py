"""Helpers for the reward tests: people, settings, and reading what was queued or posted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.org.settings import set_setting
from bot.reward.settings import CHANNEL_KEY, DAILY_CAP_KEY, MONTHLY_SUMMARY_KEY
from bot.slack.sender import DrainStats, OutboxSender
from storage.db import Database
from storage.models import Employee, OutboxMessage
from tests.conftest import BOT_TOKEN, TEAM_ID
from tests.fakeslack import FakeSlack

CHANNEL = "C0KUDOS"


def person(
    session: Session,
    slack_id: str,
    now: datetime,
    *,
    tz: str | None = "Asia/Jakarta",
    locale: str | None = "en-US",
    role: str = "employee",
    active: bool = True,
    team_id: str = TEAM_ID,
) -> Employee:
    employee = Employee(
        team_id=team_id,
        slack_id=slack_id,
        name=slack_id.title(),
        tz=tz,
        locale=locale,
        role=role,
        active=active,
        created_at=now,
        updated_at=now,
    )
    session.add(employee)
    session.flush()
    return employee


def configure(
    session: Session,
    now: datetime,
    *,
    channel: str | None = CHANNEL,
    cap: int | None = None,
    monthly: bool | None = None,
    team_id: str = TEAM_ID,
) -> None:
    """Set recognition settings as an admin would (None leaves one at its default)."""
    if channel is not None:
        set_setting(session, team_id, CHANNEL_KEY, channel, actor="UADMIN", now=now)
    if cap is not None:
        set_setting(session, team_id, DAILY_CAP_KEY, cap, actor="UADMIN", now=now)
    if monthly is not None:
        set_setting(session, team_id, MONTHLY_SUMMARY_KEY, monthly, actor="UADMIN", now=now)


def outbox(session: Session, prefix: str = "kudos:") -> dict[str, OutboxMessage]:
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith(prefix))
    )
    return {row.idempotency_key: row for row in rows}


def drain(db: Database, fake_slack: FakeSlack, clock: FixedClock) -> DrainStats:
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    return OutboxSender(db, client, clock).drain()


def block_texts(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in a list of blocks, one per line, for assertions."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(out)
