"""The 1:1 cycle's scheduled work: opening agendas, and one reminder per action item.

Agendas (`oneonone_agendas`), each tick: a planned meeting whose agenda is due (a working day
before it, bot/oneonone/cadence.py) is handled at the first tick in the manager's working
hours, before the meeting's working day ends:

- the pair no longer holds (the report has another manager, one of them left): the series
  ends and the pair is told;
- either of them is away on the meeting's day (`/kinerja away`): the meeting is skipped, its
  talking points move to the next one, and the pair is told in their group DM;
- otherwise its agenda is posted in their group DM, the meeting before it that nobody marked
  done is closed as lapsed, and the meeting after it is planned.

A meeting whose day ends before any of that could happen (the bot was down) lapses unposted.
The status change is a conditional update and every message has its own outbox key, so two
instances or a repeated tick post nothing twice.

Reminders (`oneonone_reminders`): an open action item is reminded once, on the last working
day before it is due (its owner's zone, in their working hours), if it was created before
that day and its owner is not away; `reminded_at` and the outbox key cap it at one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import zone_of
from bot.config import Settings
from bot.monitoring.prompts import is_away
from bot.oneonone import notify
from bot.oneonone.cadence import (
    in_working_hours,
    local_day,
    meeting_day_over,
    previous_working_day,
)
from bot.oneonone.rules import pair_holds
from bot.oneonone.schedule import plan_next, skip
from bot.oneonone.series import finish
from bot.ticks import TickContext, TickTask
from storage.models import Employee
from storage.oneonones import (
    ActionItemStatus,
    MeetingStatus,
    OneOnOneActionItem,
    OneOnOneMeeting,
    OneOnOneSeries,
    SeriesStatus,
)

REMIND_WINDOW = timedelta(days=15)  # the longest run of non-working days before a due date


def _claim(session: Session, meeting: OneOnOneMeeting, status: MeetingStatus) -> bool:
    done = session.execute(
        update(OneOnOneMeeting)
        .where(
            OneOnOneMeeting.id == meeting.id,
            OneOnOneMeeting.status == MeetingStatus.SCHEDULED.value,
        )
        .values(status=status.value)
        .execution_options(synchronize_session=False)
    )
    if getattr(done, "rowcount", 0) != 1:
        return False
    meeting.status = status.value
    return True


def _away(meeting: OneOnOneMeeting, settings: Settings) -> list[Employee]:
    series = meeting.series
    found = []
    for person in (series.manager, series.employee):
        day = local_day(meeting.scheduled_at, zone_of(person.tz, settings.default_tz).key)
        if is_away(person, day):
            found.append(person)
    return found


def _lapse_earlier(session: Session, meeting: OneOnOneMeeting, settings: Settings) -> None:
    """An earlier agenda nobody marked done: it is closed (its buttons go)."""
    earlier = session.scalars(
        select(OneOnOneMeeting).where(
            OneOnOneMeeting.series_id == meeting.series_id,
            OneOnOneMeeting.status == MeetingStatus.OPEN.value,
            OneOnOneMeeting.id != meeting.id,
        )
    ).all()
    for old in earlier:
        old.status = MeetingStatus.LAPSED.value
        old.updated_at = meeting.updated_at
        notify.refresh_agenda(session, old, settings, meeting.updated_at)


def open_agendas(ctx: TickContext) -> int:
    session, settings, now = ctx.session, ctx.settings, ctx.now
    due = session.scalars(
        select(OneOnOneMeeting)
        .join(OneOnOneSeries, OneOnOneSeries.id == OneOnOneMeeting.series_id)
        .where(
            OneOnOneMeeting.team_id == ctx.workspace.team_id,
            OneOnOneMeeting.status == MeetingStatus.SCHEDULED.value,
            OneOnOneMeeting.agenda_at <= now,
            OneOnOneSeries.status == SeriesStatus.ACTIVE.value,
        )
        .order_by(OneOnOneMeeting.agenda_at, OneOnOneMeeting.id)
    ).all()
    done = 0
    for meeting in due:
        series = meeting.series
        if not pair_holds(series):
            finish(session, series, actor=None, reason="pair_changed", settings=settings, now=now)
            done += 1
            continue
        if meeting_day_over(meeting.scheduled_at, now, series.tz):
            if _claim(session, meeting, MeetingStatus.LAPSED):
                meeting.updated_at = now
                plan_next(session, series, settings, now)
                done += 1
            continue
        if not in_working_hours(now, series.tz, settings.holiday_country):
            continue
        away = _away(meeting, settings)
        if away:
            following = skip(session, meeting, settings, now, by=None, reason="away")
            notify.skipped(session, meeting, following, away, settings, now)
            notify.series_changed_quietly(session, series, settings, now)
            done += 1
            continue
        if not _claim(session, meeting, MeetingStatus.OPEN):
            continue
        meeting.opened_at = now
        meeting.updated_at = now
        session.flush()
        _lapse_earlier(session, meeting, settings)
        plan_next(session, series, settings, now)
        notify.post_agenda(session, meeting, settings, now)
        notify.series_changed_quietly(session, series, settings, now)
        done += 1
    return done


def remind_action_items(ctx: TickContext) -> int:
    session, settings, now = ctx.session, ctx.settings, ctx.now
    today = now.date()
    items = session.scalars(
        select(OneOnOneActionItem).where(
            OneOnOneActionItem.team_id == ctx.workspace.team_id,
            OneOnOneActionItem.status == ActionItemStatus.OPEN.value,
            OneOnOneActionItem.reminded_at.is_(None),
            OneOnOneActionItem.due_on > today - timedelta(days=1),
            OneOnOneActionItem.due_on <= today + REMIND_WINDOW,
        )
    ).all()
    sent = 0
    for item in items:
        owner = item.owner
        tz = zone_of(owner.tz, settings.default_tz).key
        local = local_day(now, tz)
        day = previous_working_day(item.due_on, settings.holiday_country)
        if not owner.active or local != day or local_day(item.created_at, tz) >= day:
            continue
        if not in_working_hours(now, tz, settings.holiday_country) or is_away(owner, local):
            continue
        claimed = session.execute(
            update(OneOnOneActionItem)
            .where(OneOnOneActionItem.id == item.id, OneOnOneActionItem.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            continue
        item.reminded_at = now
        notify.remind(session, item, settings, now)
        sent += 1
    return sent


TICK_TASKS = (
    TickTask("oneonone_agendas", open_agendas),
    TickTask("oneonone_reminders", remind_action_items),
)
