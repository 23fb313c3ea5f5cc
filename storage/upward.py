"""Tables of anonymous upward feedback: rounds HR opens about managers, who was invited (and
whether they answered, for the one reminder), and the answers.

The answers are kept apart from everything that names a person: `upward_answers` has no
author, no time and no id that grows with time. Its ids are random, and every new answer of a
manager's round rewrites that manager's answers with fresh random ids in the order of those
ids (bot/feedback/upward.py), so neither an id, nor the order rows are stored in, nor (on
PostgreSQL) the transaction that wrote a row tells which answer came when. On SQLite the table
has no hidden rowid (WITHOUT ROWID), which would otherwise count the inserts.

`upward_invitations` is the only place that knows who answered ("has answered", for the
reminder); nothing in it points at an answer, and nothing in an answer points at it.
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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Employee


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class UpwardRound(Base):
    __tablename__ = "upward_rounds"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("min_answers >= 3", name="min_answers"),
        Index("ix_upward_rounds_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    name: Mapped[str] = mapped_column(String(150))
    # [{"label_en": …, "label_id": …}], each answered on a 1–5 scale
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # A manager's results are shown only when at least this many of their reports answered.
    min_answers: Mapped[int] = mapped_column(Integer)
    closes_on: Mapped[date] = mapped_column(Date)  # the last day to answer, in `tz`
    tz: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=RoundStatus.OPEN.value)
    created_by: Mapped[str | None] = mapped_column(String(32))  # a Slack id
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class UpwardInvitation(Base):
    """A report asked about their manager of record when the round opened; `answered` only."""

    __tablename__ = "upward_invitations"
    __table_args__ = (
        UniqueConstraint("round_id", "employee_id"),
        Index("ix_upward_invitations_employee_id", "employee_id"),
        Index("ix_upward_invitations_round_manager", "round_id", "manager_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("upward_rounds.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    round: Mapped[UpwardRound] = relationship(lazy="joined")
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="joined")
    manager: Mapped[Employee] = relationship(foreign_keys=[manager_id], lazy="joined")


class UpwardAnswer(Base):
    """One anonymous answer about a manager: scores by question position and a comment."""

    __tablename__ = "upward_answers"
    __table_args__ = (
        Index("ix_upward_answers_round_manager", "round_id", "manager_id"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, rewritten (above)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("upward_rounds.id", ondelete="CASCADE"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"q0": 4, …}
    comment: Mapped[str] = mapped_column(Text, default="")
