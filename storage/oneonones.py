"""Tables of the 1:1 cycle: a manager's series with a report, its meetings, what the two of
them bring to a meeting (talking points, notes) and what they agree to do (action items).

A series is the pair's standing arrangement (cadence, weekday, time, in the manager's zone);
each occurrence is a meeting row, created one ahead, so talking points can be added before
the agenda opens. Who took part is kept on the meeting too (`manager_id`, `employee_id`):
reports count a manager's meetings from it, and the personal-data export and erasure find a
person's meetings by it.

Private notes have their own table, marked `writer_only`: only the row's author ever reads
it, so the personal-data export leaves other people's private notes out even where a
foreign key would otherwise bring them in (bot/reporting/personal_data.py).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
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

from storage.checkins import Cadence
from storage.models import Base, Employee


class SeriesStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"  # the next one; its agenda is not posted yet
    OPEN = "open"  # its agenda is in the pair's group DM
    HELD = "held"  # someone clicked Done
    SKIPPED = "skipped"  # skipped by one of them, or because one of them was away
    LAPSED = "lapsed"  # the next agenda opened and nobody had said it was held
    CANCELLED = "cancelled"  # the series ended before it


class ActionItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"  # nobody will do it any more (the person was erased)


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


class OneOnOneSeries(Base):
    """`current` is True while the series is not ended and NULL once it is: the unique
    constraint on (manager, employee, current) then allows one live series per pair (NULLs
    are distinct), however many ended ones came before."""

    __tablename__ = "oneonone_series"
    __table_args__ = (
        UniqueConstraint("manager_id", "employee_id", "current"),
        CheckConstraint(_in("cadence", Cadence), name="cadence"),
        CheckConstraint(_in("status", SeriesStatus), name="status"),
        Index("ix_oneonone_series_team_status", "team_id", "status"),
        Index("ix_oneonone_series_employee", "employee_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    cadence: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)  # the first meeting's day: its weekday counts
    local_time: Mapped[str] = mapped_column(String(5))
    tz: Mapped[str] = mapped_column(String(64))  # the manager's zone when the time was set
    status: Mapped[str] = mapped_column(String(16), default=SeriesStatus.ACTIVE.value)
    current: Mapped[bool | None] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The report's proposal of another time, until the manager answers it.
    proposed_on: Mapped[date | None] = mapped_column(Date)
    proposed_time: Mapped[str | None] = mapped_column(String(5))
    proposal_note: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(32))

    manager: Mapped[Employee] = relationship(foreign_keys=[manager_id], lazy="joined")
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="joined")


class OneOnOneMeeting(Base):
    """One occurrence: `occurs_on` is the day the cadence names, `scheduled_at` the moment it
    is held (moved past weekends and holidays), `agenda_at` when its agenda is due."""

    __tablename__ = "oneonone_meetings"
    __table_args__ = (
        UniqueConstraint("series_id", "occurs_on"),
        CheckConstraint(_in("status", MeetingStatus), name="status"),
        Index("ix_oneonone_meetings_due", "team_id", "status", "agenda_at"),
        Index("ix_oneonone_meetings_manager", "manager_id", "scheduled_at"),
        Index("ix_oneonone_meetings_employee", "employee_id", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    series_id: Mapped[int] = mapped_column(
        ForeignKey("oneonone_series.id", ondelete="CASCADE"), index=True
    )
    manager_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    occurs_on: Mapped[date] = mapped_column(Date)
    scheduled_at: Mapped[datetime]
    agenda_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=MeetingStatus.SCHEDULED.value)
    # Bumped on every change to the agenda message; part of its update's outbox key.
    version: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    skipped_at: Mapped[datetime | None]
    skipped_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )
    skip_reason: Mapped[str | None] = mapped_column(String(16))  # asked, away
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    series: Mapped[OneOnOneSeries] = relationship(lazy="joined")


class OneOnOneTalkingPoint(Base):
    __tablename__ = "oneonone_talking_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("oneonone_meetings.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    author: Mapped[Employee | None] = relationship(lazy="joined")


class OneOnOneNote(Base):
    """A participant's shared notes of one meeting: both of them read them."""

    __tablename__ = "oneonone_notes"
    __table_args__ = (UniqueConstraint("meeting_id", "author_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("oneonone_meetings.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    author: Mapped[Employee | None] = relationship(lazy="joined")


class OneOnOnePrivateNote(Base):
    """A participant's private notes of one meeting: only their author ever reads them — not
    the other participant, not HR, not any export but the author's own personal-data
    export."""

    __tablename__ = "oneonone_private_notes"
    __table_args__ = (
        UniqueConstraint("meeting_id", "author_id"),
        {"info": {"writer_only": "author_id"}},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("oneonone_meetings.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OneOnOneActionItem(Base):
    """What one of the pair agreed to do, by when. It belongs to the series: it is carried
    into every agenda until it is done."""

    __tablename__ = "oneonone_action_items"
    __table_args__ = (
        CheckConstraint(_in("status", ActionItemStatus), name="status"),
        Index("ix_oneonone_action_items_owner", "owner_id", "status"),
        Index("ix_oneonone_action_items_series", "series_id", "status"),
        Index("ix_oneonone_action_items_due", "team_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    series_id: Mapped[int] = mapped_column(ForeignKey("oneonone_series.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("oneonone_meetings.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ActionItemStatus.OPEN.value)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    owner: Mapped[Employee] = relationship(foreign_keys=[owner_id], lazy="joined")
    series: Mapped[OneOnOneSeries] = relationship()
