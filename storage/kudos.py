"""Recognition tables: the organisation's values, kudos and who received them.

Kudos are kept forever (they are evidence in reviews), so values are deactivated, never
deleted: an old kudos keeps pointing at the value it was given for. The Slack channel and ts of
the posted kudos are not stored here; the outbox row (`kudos:{id}:channel`) holds them.
Reward nominations (after an approved review) have their own table: storage/nominations.py.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Employee


class KudosSource(StrEnum):
    COMMAND = "command"
    SHORTCUT = "shortcut"
    MODAL = "modal"


class CompanyValue(Base):
    """One of the organisation's values, named in both languages; `key` is what `#key` types."""

    __tablename__ = "company_values"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    key: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(60))
    name_id: Mapped[str] = mapped_column(String(60))
    emoji: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Kudos(Base):
    __tablename__ = "kudos"
    __table_args__ = (
        CheckConstraint("source IN ('command', 'shortcut', 'modal')", name="source"),
        # The daily cap counts a giver's kudos since local midnight.
        Index("ix_kudos_team_giver_created", "team_id", "giver_id", "created_at"),
        # The monthly summary and the digest count a workspace's kudos over a period.
        Index("ix_kudos_team_created", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    giver_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    value_id: Mapped[int | None] = mapped_column(
        ForeignKey("company_values.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]

    giver: Mapped[Employee] = relationship()
    value: Mapped[CompanyValue | None] = relationship()
    recipients: Mapped[list[KudosRecipient]] = relationship(
        back_populates="kudos",
        cascade="all, delete-orphan",
        order_by="KudosRecipient.id",
        lazy="selectin",
    )


class KudosRecipient(Base):
    __tablename__ = "kudos_recipients"
    __table_args__ = (
        UniqueConstraint("kudos_id", "employee_id"),
        # "Kudos I received" on the App Home and in review evidence.
        Index("ix_kudos_recipients_employee", "employee_id", "kudos_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))

    kudos: Mapped[Kudos] = relationship(back_populates="recipients")
    employee: Mapped[Employee] = relationship()
