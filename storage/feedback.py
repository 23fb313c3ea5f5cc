"""Tables of the Feedback cycle: feedback given, requests for feedback and the people asked,
and peer feedback (360) in review cycles. The anonymous upward rounds are in
storage/upward.py, apart, because their answers must not sit next to anything with a name.

A feedback row names its giver and the person it is about (`subject_id`); who else may read
it is its `visibility` (bot/feedback/rules.py): the person only, the person and the manager it
was shared with (`shared_with_id`, the manager of record when it was given), the manager who
asked for it about a report, or a review's readers (peer feedback).
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

from storage.goals import Goal
from storage.models import Base, Employee


class Visibility(StrEnum):
    PERSON = "person"  # the person it is about (and the giver)
    PERSON_MANAGER = "person_manager"  # …and the manager it was shared with
    REQUESTER = "requester"  # a manager's request about a report: that manager (and the giver)
    REVIEW = "review"  # peer feedback: the review's manager, the employee if the cycle says so


class FeedbackSource(StrEnum):
    COMMAND = "command"
    SHORTCUT = "shortcut"
    HOME = "home"
    REQUEST = "request"  # an answer to a request


class RequestKind(StrEnum):
    SELF = "self"  # about the person asking
    REPORT = "report"  # a manager asks about a direct report
    PEER = "peer"  # peer feedback for a review (360)


class RequestStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # everyone answered or declined, or it expired


class AskStatus(StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    DECLINED = "declined"
    EXPIRED = "expired"


class PeerSetStatus(StrEnum):
    INVITED = "invited"  # the employee was asked to propose peers
    PROPOSED = "proposed"  # waiting for the manager
    APPROVED = "approved"  # the peers were asked


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


class FeedbackRequest(Base):
    __tablename__ = "feedback_requests"
    __table_args__ = (
        CheckConstraint(_in("kind", RequestKind), name="kind"),
        CheckConstraint(_in("status", RequestStatus), name="status"),
        Index("ix_feedback_requests_team_status", "team_id", "status"),
        Index("ix_feedback_requests_requester_id", "requester_id"),
        Index("ix_feedback_requests_subject_id", "subject_id"),
        Index("ix_feedback_requests_review_id", "review_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    kind: Mapped[str] = mapped_column(String(16))
    requester_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.OPEN.value)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    requester: Mapped[Employee] = relationship(foreign_keys=[requester_id], lazy="joined")
    subject: Mapped[Employee] = relationship(foreign_keys=[subject_id], lazy="joined")
    asks: Mapped[list[FeedbackAsk]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="FeedbackAsk.id",
        lazy="selectin",
    )


class FeedbackAsk(Base):
    """One person asked in a request: their DM carries **Give feedback** and **Decline**."""

    __tablename__ = "feedback_asks"
    __table_args__ = (
        UniqueConstraint("request_id", "asked_id"),
        CheckConstraint(_in("status", AskStatus), name="status"),
        Index("ix_feedback_asks_asked_status", "asked_id", "status"),
        Index("ix_feedback_asks_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    request_id: Mapped[int] = mapped_column(ForeignKey("feedback_requests.id", ondelete="CASCADE"))
    asked_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    status: Mapped[str] = mapped_column(String(16), default=AskStatus.PENDING.value)
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id", ondelete="SET NULL"))
    reminded_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    request: Mapped[FeedbackRequest] = relationship(back_populates="asks", lazy="joined")
    asked: Mapped[Employee] = relationship(foreign_keys=[asked_id], lazy="joined")


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(_in("visibility", Visibility), name="visibility"),
        CheckConstraint(_in("source", FeedbackSource), name="source"),
        CheckConstraint("giver_id <> subject_id", name="not_self"),
        # "Feedback I received" (App Home), and the digest's counts over a period.
        Index("ix_feedback_team_subject_created", "team_id", "subject_id", "created_at"),
        Index("ix_feedback_team_giver_created", "team_id", "giver_id", "created_at"),
        Index("ix_feedback_request_id", "request_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    giver_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    went_well: Mapped[str] = mapped_column(Text, default="")
    could_be_better: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_requests.id", ondelete="CASCADE")
    )
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]

    giver: Mapped[Employee] = relationship(foreign_keys=[giver_id], lazy="joined")
    subject: Mapped[Employee] = relationship(foreign_keys=[subject_id], lazy="joined")
    shared_with: Mapped[Employee | None] = relationship(
        foreign_keys=[shared_with_id], lazy="joined"
    )
    request: Mapped[FeedbackRequest | None] = relationship(lazy="joined")
    goal: Mapped[Goal | None] = relationship(lazy="joined")


class PeerSetup(Base):
    """Peer feedback (360) for one review cycle, as HR set it when opening the cycle."""

    __tablename__ = "review_peer_setups"
    __table_args__ = (UniqueConstraint("cycle_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    peers: Mapped[int] = mapped_column(Integer)  # how many peers each person is asked for
    due: Mapped[date] = mapped_column(Date)  # by when peers answer (a day in the cycle's zone)
    share_with_employee: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class PeerSet(Base):
    """The peers of one review: proposed by the employee, approved or changed by the manager
    in the pair's group DM (the thread under `thread_key`), then asked (`request_id`)."""

    __tablename__ = "review_peer_sets"
    __table_args__ = (
        UniqueConstraint("review_id"),
        CheckConstraint(_in("status", PeerSetStatus), name="status"),
        Index("ix_review_peer_sets_team_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=PeerSetStatus.INVITED.value)
    # employee ids, in the order proposed (then as approved)
    proposed: Mapped[list[Any]] = mapped_column(JSON, default=list)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_requests.id", ondelete="SET NULL")
    )
    thread_key: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, default=1)
    invited_at: Mapped[datetime]
    proposed_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
