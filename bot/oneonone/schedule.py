"""A series' meetings as rows: the next one planned ahead, found, moved, skipped.

A live series always has its next meeting as a row (status `scheduled`), so either of the pair
can add talking points long before its agenda opens. When the agenda opens (the tick), the
meeting becomes `open` and the one after it is planned; when the series changes, the planned
row moves (its talking points with it); when it is skipped, its talking points move on to the
next one, which is planned at once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.clock import zone_of
from bot.config import Settings
from bot.oneonone.cadence import local_day, next_slot
from storage.models import Employee
from storage.oneonones import (
    MeetingStatus,
    OneOnOneMeeting,
    OneOnOneSeries,
    OneOnOneTalkingPoint,
    SeriesStatus,
)


def zone_name(person: Employee, settings: Settings) -> str:
    """The IANA name of the person's zone (the organisation's when Slack gave none)."""
    return zone_of(person.tz, settings.default_tz).key


def upcoming(session: Session, series: OneOnOneSeries) -> OneOnOneMeeting | None:
    return session.scalar(
        select(OneOnOneMeeting)
        .where(
            OneOnOneMeeting.series_id == series.id,
            OneOnOneMeeting.status == MeetingStatus.SCHEDULED.value,
        )
        .order_by(OneOnOneMeeting.occurs_on)
        .limit(1)
    )


def latest_open(session: Session, series_id: int) -> OneOnOneMeeting | None:
    return session.scalar(
        select(OneOnOneMeeting)
        .where(
            OneOnOneMeeting.series_id == series_id,
            OneOnOneMeeting.status == MeetingStatus.OPEN.value,
        )
        .order_by(OneOnOneMeeting.occurs_on.desc())
        .limit(1)
    )


def current_meeting(session: Session, series: OneOnOneSeries) -> OneOnOneMeeting | None:
    """Where a talking point added "to the next 1:1" goes: the meeting whose agenda is open
    (it is about to happen, or happening), else the one planned next."""
    return latest_open(session, series.id) or upcoming(session, series)


def last_held(session: Session, series_id: int, before: date) -> OneOnOneMeeting | None:
    return session.scalar(
        select(OneOnOneMeeting)
        .where(
            OneOnOneMeeting.series_id == series_id,
            OneOnOneMeeting.status == MeetingStatus.HELD.value,
            OneOnOneMeeting.occurs_on < before,
        )
        .order_by(OneOnOneMeeting.occurs_on.desc())
        .limit(1)
    )


def _last_day(session: Session, series_id: int) -> date | None:
    """The latest occurrence that is not the planned one: the next must come after it."""
    return session.scalar(
        select(func.max(OneOnOneMeeting.occurs_on)).where(
            OneOnOneMeeting.series_id == series_id,
            OneOnOneMeeting.status != MeetingStatus.SCHEDULED.value,
        )
    )


def plan_next(
    session: Session, series: OneOnOneSeries, settings: Settings, now: datetime
) -> OneOnOneMeeting | None:
    """The series' next meeting, planned from its cadence: the existing planned row moved to
    the right slot, or a new row. The slot is the first one after the last meeting that was
    opened, skipped or held, and still ahead of `now`. None when the series is not active
    (a paused series keeps its planned row, with its talking points, until resumed)."""
    meeting = upcoming(session, series)
    if series.status != SeriesStatus.ACTIVE.value:
        return meeting
    last = _last_day(session, series.id)
    after = local_day(now, series.tz)
    if last is not None and last >= after:
        after = last + timedelta(days=1)
    slot = next_slot(series, after, settings.holiday_country)
    while slot is not None and slot.scheduled_at <= now:
        slot = next_slot(series, slot.occurs_on + timedelta(days=1), settings.holiday_country)
    if slot is None:
        return meeting
    if meeting is None:
        meeting = OneOnOneMeeting(
            team_id=series.team_id,
            series_id=series.id,
            manager_id=series.manager_id,
            employee_id=series.employee_id,
            status=MeetingStatus.SCHEDULED.value,
            version=0,
            created_at=now,
        )
        session.add(meeting)
    meeting.occurs_on = slot.occurs_on
    meeting.scheduled_at = slot.scheduled_at
    meeting.agenda_at = slot.agenda_at
    meeting.updated_at = now
    session.flush()
    return meeting


def move_points(session: Session, source: OneOnOneMeeting, target: OneOnOneMeeting) -> int:
    """A skipped meeting's talking points go on to the next one."""
    moved = session.execute(
        update(OneOnOneTalkingPoint)
        .where(OneOnOneTalkingPoint.meeting_id == source.id)
        .values(meeting_id=target.id)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(moved, "rowcount", 0) or 0)


def skip(
    session: Session,
    meeting: OneOnOneMeeting,
    settings: Settings,
    now: datetime,
    *,
    by: Employee | None,
    reason: str,
) -> OneOnOneMeeting | None:
    """Skip a planned or open meeting; returns the next one, which takes its talking points."""
    meeting.status = MeetingStatus.SKIPPED.value
    meeting.skipped_at = now
    meeting.skipped_by_id = by.id if by is not None else None
    meeting.skip_reason = reason
    meeting.updated_at = now
    session.flush()
    following = plan_next(session, meeting.series, settings, now)
    if following is not None and following.id != meeting.id:
        move_points(session, meeting, following)
    return following


def cancel_planned(session: Session, series: OneOnOneSeries, now: datetime) -> None:
    """The series ended: its planned meeting will not happen."""
    session.execute(
        update(OneOnOneMeeting)
        .where(
            OneOnOneMeeting.series_id == series.id,
            OneOnOneMeeting.status == MeetingStatus.SCHEDULED.value,
        )
        .values(status=MeetingStatus.CANCELLED.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
