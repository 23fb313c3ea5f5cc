"""Tables of the Monitoring cycle: schedules, prompts, check-ins, obstacles and replies.

A prompt row per (person, period) is the record of who was asked and reminded when; together
with `checkins` it answers "who was prompted, who answered, who is late" in one query. Goal
values themselves live in the Planning tables; a check-in keeps only what it changed (before and
after), so a manager's summary can show the movement of the period.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Employee


class Cadence(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class Confidence(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class ObstacleStatus(StrEnum):
    OPEN = "open"
    HELPING = "helping"
    RESOLVED = "resolved"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


class CheckinSchedule(Base):
    """When and what to ask. `scope` is "org" for the organisation default, "team:<id>" for a
    team's own; it exists because a unique constraint treats NULL org_team_ids as distinct."""

    __tablename__ = "checkin_schedules"
    __table_args__ = (
        UniqueConstraint("team_id", "scope"),
        CheckConstraint(_in("cadence", Cadence), name="cadence"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    scope: Mapped[str] = mapped_column(String(32))
    org_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    cadence: Mapped[str] = mapped_column(String(16), default=Cadence.WEEKLY.value)
    weekday: Mapped[int] = mapped_column(Integer, default=4)
    local_time: Mapped[str] = mapped_column(String(5), default="15:00")
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class CheckinPrompt(Base):
    """One person asked for one period: when it was due, sent, and (at most once) reminded."""

    __tablename__ = "checkin_prompts"
    __table_args__ = (
        UniqueConstraint("employee_id", "period"),
        Index("ix_checkin_prompts_team_period", "team_id", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    prompted_at: Mapped[datetime]
    reminder_due_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]


class Checkin(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("employee_id", "period"),
        Index("ix_checkins_team_period", "team_id", "period"),
        CheckConstraint("mood IS NULL OR mood BETWEEN 1 AND 5", name="mood"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    # Who reads and answers it, fixed when it was first submitted: the manager of record, or
    # for someone without an active manager the HR person standing in (as for their goals).
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), index=True
    )
    period: Mapped[str] = mapped_column(String(16))
    mood: Mapped[int | None] = mapped_column(Integer)
    wins: Mapped[str] = mapped_column(Text, default="")
    support: Mapped[str] = mapped_column(Text, default="")
    plans: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    edits: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[datetime | None]
    # Bumped on every change to the manager's summary message; part of its outbox key.
    summary_version: Mapped[int] = mapped_column(Integer, default=0)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="joined")
    manager: Mapped[Employee | None] = relationship(foreign_keys=[manager_id])
    goal_updates: Mapped[list[CheckinGoalUpdate]] = relationship(
        back_populates="checkin", cascade="all, delete-orphan", order_by="CheckinGoalUpdate.id"
    )
    kr_updates: Mapped[list[CheckinKeyResultUpdate]] = relationship(
        cascade="all, delete-orphan", order_by="CheckinKeyResultUpdate.id"
    )
    obstacles: Mapped[list[Obstacle]] = relationship(
        back_populates="checkin", order_by="Obstacle.id"
    )


class CheckinGoalUpdate(Base):
    """A goal as the check-in saw it: confidence, and progress before (first submission of the
    period) and after (latest submission)."""

    __tablename__ = "checkin_goal_updates"
    __table_args__ = (
        UniqueConstraint("checkin_id", "goal_id"),
        CheckConstraint(_in("confidence", Confidence), name="confidence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    confidence: Mapped[str] = mapped_column(String(16), default=Confidence.ON_TRACK.value)
    progress_before: Mapped[float] = mapped_column(Float, default=0.0)
    progress_after: Mapped[float] = mapped_column(Float, default=0.0)

    checkin: Mapped[Checkin] = relationship(back_populates="goal_updates")


class CheckinKeyResultUpdate(Base):
    __tablename__ = "checkin_kr_updates"
    __table_args__ = (UniqueConstraint("checkin_id", "key_result_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    key_result_id: Mapped[int] = mapped_column(
        ForeignKey("key_results.id", ondelete="CASCADE"), index=True
    )
    value_before: Mapped[float | None] = mapped_column(Float)
    value_after: Mapped[float | None] = mapped_column(Float)
    done_before: Mapped[bool] = mapped_column(Boolean, default=False)
    done_after: Mapped[bool] = mapped_column(Boolean, default=False)


class Obstacle(Base):
    """A *hambatan*: raised by `employee`, answered by the manager of record (`manager`), who
    may take it on (`helper`). The owner of an open obstacle is the helper, else the manager."""

    __tablename__ = "obstacles"
    __table_args__ = (
        CheckConstraint(_in("status", ObstacleStatus), name="status"),
        Index("ix_obstacles_team_status", "team_id", "status"),
        Index("ix_obstacles_manager_status", "manager_id", "status"),
        Index("ix_obstacles_employee_status", "employee_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ObstacleStatus.OPEN.value)
    opened_at: Mapped[datetime]
    helping_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    manager_reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="joined")
    manager: Mapped[Employee | None] = relationship(foreign_keys=[manager_id])
    helper: Mapped[Employee | None] = relationship(foreign_keys=[helper_id])
    checkin: Mapped[Checkin | None] = relationship(back_populates="obstacles")

    @property
    def owner_id(self) -> int | None:
        return self.helper_id or self.manager_id


class CheckinReply(Base):
    """A manager's answer to a check-in, posted in their thread and sent to the employee."""

    __tablename__ = "checkin_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    checkin_id: Mapped[int] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
