"""Reward nominations: after a review is approved its manager proposes a reward, HR decides.

A nomination is HR's and the nominating manager's business until HR approves it and the
manager announces it; the employee learns of it only then (bot/reward/nominations.py). The
reward type is a key of the workspace's configured types (`reward.types`), kept as written so a
type renamed or retired later does not change what was decided. The Slack messages are found
through their outbox keys (`nomination:{id}:…`), so no channel or ts is stored here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Employee
from storage.reviews import Review


class NominationStatus(StrEnum):
    PENDING = "pending"  # waiting for HR
    APPROVED = "approved"
    DECLINED = "declined"
    ANNOUNCED = "announced"  # approved, and the manager told the employee


class Nomination(Base):
    __tablename__ = "nominations"
    __table_args__ = (
        # A manager nominates once per review and reward type.
        UniqueConstraint("review_id", "reward_type"),
        CheckConstraint(
            "status IN ('pending', 'approved', 'declined', 'announced')", name="status"
        ),
        CheckConstraint("manager_id <> employee_id", name="not_self"),
        # "Reward nominations waiting for HR" in the digest.
        Index("ix_nominations_team_status", "team_id", "status"),
        Index("ix_nominations_employee_id", "employee_id"),
        Index("ix_nominations_manager_id", "manager_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))  # who nominated
    reward_type: Mapped[str] = mapped_column(String(32))
    justification: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=NominationStatus.PENDING.value)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    announced_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Bumped on every change; the buttons carry it so a stale click changes nothing.
    version: Mapped[int] = mapped_column(Integer, default=1)

    review: Mapped[Review] = relationship()
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="joined")
    manager: Mapped[Employee] = relationship(foreign_keys=[manager_id], lazy="joined")
    decided_by: Mapped[Employee | None] = relationship(foreign_keys=[decided_by_id])
