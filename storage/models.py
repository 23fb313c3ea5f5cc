"""The tables every cycle stands on.

Every row carries `team_id`, the Slack workspace it belongs to, so one install can serve several
workspaces without data crossing between them. "Team" in this schema means a team of people in
the organisation (`teams`); the workspace is always `team_id`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Role(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR = "hr"
    ADMIN = "admin"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    bot_user_id: Mapped[str | None] = mapped_column(String(32))
    default_locale: Mapped[str | None] = mapped_column(String(8))
    default_tz: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]


class Employee(Base):
    __tablename__ = "employees"
    __table_args__ = (
        UniqueConstraint("team_id", "slack_id"),
        CheckConstraint("role IN ('employee', 'manager', 'hr', 'admin')", name="role"),
        Index("ix_employees_team_manager", "team_id", "manager_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    slack_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    tz: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(16), default=Role.EMPLOYEE.value)
    org_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    away_until: Mapped[date | None] = mapped_column(Date)
    # Last time Slack said this person opened their App Home (see bot/org/home_watch.py).
    home_opened_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    manager: Mapped[Employee | None] = relationship(remote_side=[id], lazy="joined")
    org_team: Mapped[Team | None] = relationship(lazy="joined")


class OutboxMessage(Base):
    """A Slack call caused by a state change, written in the same transaction as the change."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("team_id", "idempotency_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_lane_due", "status", "lane", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    # 0 interactive, 1 scheduled, 2 bulk (bot/outbox.py `Lane`): lower lanes are claimed first.
    lane: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The last try's outcome is unknown (timeout, 5xx, a worker that died holding the row): the
    # next try of a post looks for it in Slack first (bot/slack/delivery.py).
    needs_lookup: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None]


class SlackDm(Base):
    """A person's DM channel with the bot (D…), as Slack answered a post or conversations.open.

    Kept so a crash look-up after a restart reads the DM's history without a Tier 3
    `conversations.open` per person (bot/slack/sender.py). Slack gives one DM per person.
    """

    __tablename__ = "slack_dms"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))


class ProcessedEvent(Base):
    """Slack delivers an event up to four times; the first insert wins, the rest are dropped."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("team_id", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(index=True)


class HandledRequest(Base):
    """A signed slash command or interaction already handled, known by its signature (which
    covers its timestamp and body). The same request again while its timestamp still passes
    the 5-minute check is a replay: acknowledged, not run (handlers/middleware.py). The tick
    forgets rows once no such request could pass that check any more (bot/slack/replay.py)."""

    __tablename__ = "handled_requests"
    __table_args__ = (UniqueConstraint("team_id", "signature"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(64))  # hex HMAC-SHA256, without "v0="
    received_at: Mapped[datetime] = mapped_column(index=True)


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_team_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]


class JobRun(Base):
    """Claims one run of a periodic job per period, so restarts and parallel instances are safe."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("team_id", "job", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    job: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class WorkspaceSetting(Base):
    """Organisation settings an admin changes from Slack (channels, caps, values), as JSON."""

    __tablename__ = "workspace_settings"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]
