"""Tables of the Review cycle: review cycles, one review per participant, and their history.

A cycle's dates (period, opening day, due dates) are calendar days in the organisation's zone
at the time the cycle was created; the zone is stored with the cycle so that reminders and
"overdue" never shift when the deployment's default changes later.

A review keeps the outbox keys of the messages it caused (`conversation_key`, `live_key`),
because later messages are threaded under or update those messages, and the keys are not
derivable once a manager has been reassigned or a discussion round has happened.
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
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Employee


class CycleStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class ReviewStatus(StrEnum):
    NOT_STARTED = "not_started"
    SELF_SUBMITTED = "self_submitted"
    MANAGER_SUBMITTED = "manager_submitted"
    APPROVED = "approved"
    ACKNOWLEDGED = "acknowledged"


class ReviewEventAction(StrEnum):
    CYCLE_CREATED = "cycle_created"
    CYCLE_OPENED = "cycle_opened"
    CYCLE_CLOSED = "cycle_closed"
    DRAFT_SAVED = "draft_saved"
    SELF_SUBMITTED = "self_submitted"
    SELF_REOPENED = "self_reopened"
    MANAGER_SUBMITTED = "manager_submitted"
    APPROVED = "approved"
    ACKNOWLEDGED = "acknowledged"
    DISCUSSION_REQUESTED = "discussion_requested"
    MANAGER_REASSIGNED = "manager_reassigned"
    REMINDED = "reminded"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


class ReviewCycle(Base):
    __tablename__ = "review_cycles"
    __table_args__ = (
        CheckConstraint(_in("status", CycleStatus), name="status"),
        Index("ix_review_cycles_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    name: Mapped[str] = mapped_column(String(150))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    opens_on: Mapped[date] = mapped_column(Date)
    self_due: Mapped[date] = mapped_column(Date)
    manager_due: Mapped[date] = mapped_column(Date)
    tz: Mapped[str] = mapped_column(String(64))
    # [{"label_en": …, "label_id": …}] (migration 0014c turned the older plain strings into this)
    questions: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # [{"key": "teamwork", "label_en": "Teamwork", "label_id": "Kerja sama"}, …]
    competencies: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # [{"value": 1, "label_en": "…", "label_id": "…"}, …] from 1 upwards
    scale: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # True: everyone who has an active manager; False: the members of `team_ids` who do.
    everyone: Mapped[bool] = mapped_column(Boolean, default=True)
    team_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=CycleStatus.SCHEDULED.value)
    created_by: Mapped[str | None] = mapped_column(String(32))  # a Slack id, or "cli"
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("cycle_id", "employee_id"),
        CheckConstraint(_in("status", ReviewStatus), name="status"),
        CheckConstraint("manager_id IS NULL OR manager_id <> employee_id", name="not_own_manager"),
        Index("ix_reviews_team_status", "team_id", "status"),
        Index("ix_reviews_manager_id", "manager_id"),
        Index("ix_reviews_employee_id", "employee_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    # The manager of record when the cycle opened; HR may reassign (a manager who left).
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(24), default=ReviewStatus.NOT_STARTED.value)
    # {"q0": "…", "q1": "…"} by question position; ratings {"teamwork": 4, …}
    self_answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    self_ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    self_draft_saved_at: Mapped[datetime | None]
    self_submitted_at: Mapped[datetime | None]
    # {"q0": "…", …, "summary": "…"}
    manager_answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    manager_ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    overall_rating: Mapped[int | None] = mapped_column(Integer)
    manager_submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    discussion_count: Mapped[int] = mapped_column(Integer, default=0)
    self_reminded_at: Mapped[datetime | None]
    manager_reminded_at: Mapped[datetime | None]
    # Outbox keys: the group DM's first message, and the message whose buttons are live now.
    conversation_key: Mapped[str | None] = mapped_column(String(255))
    live_key: Mapped[str | None] = mapped_column(String(255))
    # Bumped on every change of state; buttons carry it so a stale click changes nothing.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    cycle: Mapped[ReviewCycle] = relationship(lazy="joined")
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="joined")
    manager: Mapped[Employee | None] = relationship(foreign_keys=[manager_id], lazy="joined")


class ReviewEvent(Base):
    """One line of history: who did what and when ("asks to discuss" keeps the comment)."""

    __tablename__ = "review_events"
    __table_args__ = (
        Index("ix_review_events_review_at", "review_id", "at"),
        Index("ix_review_events_cycle_id", "cycle_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
