"""Tables of the Planning cycle: goals, their key results, and the history of every change.

Progress is never stored: it is computed from the key results (and, for a parent, from its
children), so a check-in that moves one key result is immediately reflected up the whole
alignment chain without a second write that could go stale.
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
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Employee, Team


class GoalLevel(StrEnum):
    COMPANY = "company"
    TEAM = "team"
    PERSONAL = "personal"


class GoalKind(StrEnum):
    PERFORMANCE = "performance"
    DEVELOPMENT = "development"


class GoalStatus(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    ACTIVE = "active"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class KeyResultKind(StrEnum):
    METRIC = "metric"
    CHECK = "check"


class GoalEventAction(StrEnum):
    CREATED = "created"
    EDITED = "edited"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    PROGRESS = "progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    REOPENED = "reopened"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


class Goal(Base):
    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint(_in("level", GoalLevel), name="level"),
        CheckConstraint(_in("kind", GoalKind), name="kind"),
        CheckConstraint(_in("status", GoalStatus), name="status"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint(
            "manual_progress IS NULL OR (manual_progress >= 0 AND manual_progress <= 1)",
            name="manual_progress_range",
        ),
        # A person's goals, and a person's goals in one state (migration 0002b).
        Index("ix_goals_team_owner_status", "team_id", "owner_id", "status"),
        # The company's or the teams' goals in some states, shown on every Home (0002b).
        Index("ix_goals_team_level_status", "team_id", "level", "status"),
        Index("ix_goals_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    level: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default=GoalKind.PERFORMANCE.value)
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    # 0..1, set by the owner of a goal without key results (migration 0014c_goal_progress);
    # ignored while the goal has key results or live goals aligned below it.
    manual_progress: Mapped[float | None] = mapped_column(Float)
    due_date: Mapped[date] = mapped_column(Date)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("goals.id", ondelete="SET NULL"), index=True
    )
    org_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(24), default=GoalStatus.DRAFT.value)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    approval_key: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    key_results: Mapped[list[KeyResult]] = relationship(
        back_populates="goal",
        order_by="KeyResult.position",
        cascade="all, delete-orphan",
    )
    parent: Mapped[Goal | None] = relationship(
        remote_side=[id], back_populates="children", foreign_keys=[parent_id]
    )
    children: Mapped[list[Goal]] = relationship(
        back_populates="parent", foreign_keys=[parent_id], order_by="Goal.id"
    )
    owner: Mapped[Employee] = relationship(foreign_keys=[owner_id], lazy="joined")
    approver: Mapped[Employee | None] = relationship(foreign_keys=[approver_id])
    org_team: Mapped[Team | None] = relationship(foreign_keys=[org_team_id])


class KeyResult(Base):
    __tablename__ = "key_results"
    __table_args__ = (CheckConstraint(_in("kind", KeyResultKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(16), default=KeyResultKind.METRIC.value)
    start_value: Mapped[float | None] = mapped_column(Float)
    target_value: Mapped[float | None] = mapped_column(Float)
    current_value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32), default="")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]

    goal: Mapped[Goal] = relationship(back_populates="key_results")


class GoalEvent(Base):
    """One line of a goal's history: who did what, when, and the values before and after."""

    __tablename__ = "goal_events"
    __table_args__ = (Index("ix_goal_events_goal_at", "goal_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
