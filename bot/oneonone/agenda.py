"""What a meeting's agenda, its summary and its series' message show, read from Kinerja's own
data: the pair should not have to collect what the check-ins already say.

The agenda of a meeting shows, since the pair's last 1:1 (for the first one, the last
LOOKBACK_DAYS days):

- the report's open obstacles, with their age (all still open, however old);
- the support they asked for in their check-ins;
- their goals rated at risk or off track in their latest check-in, with progress;
- the series' open action items (carried over until done), overdue ones marked;
- the kudos they received;
- the talking points either of them added.

Check-in answers (obstacles, support, confidence) are the report's and their manager of
record's (DESIGN.md principle 4), so only check-ins and obstacles whose manager of record is
the series' manager are read: a new manager does not read what was written for the last one.
The group DM the agenda goes to holds exactly those two people. The agenda is rendered from
the data each time it changes, so an obstacle resolved since it opened shows as it is now.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.monitoring.obstacles import open_obstacles_of
from bot.oneonone.cadence import local_day
from bot.oneonone.schedule import last_held, upcoming
from bot.oneonone.views import (
    AgendaView,
    GoalLine,
    ItemLine,
    KudosLine,
    NoteLine,
    ObstacleLine,
    PointLine,
    Proposal,
    SeriesView,
    SummaryView,
    SupportLine,
)
from bot.planning import goal_progress
from bot.reward.kudos import kudos_received
from storage.checkins import Checkin, CheckinGoalUpdate, Confidence, ObstacleStatus
from storage.goals import Goal, GoalStatus
from storage.models import Employee
from storage.oneonones import (
    ActionItemStatus,
    OneOnOneActionItem,
    OneOnOneMeeting,
    OneOnOneNote,
    OneOnOneSeries,
    OneOnOneTalkingPoint,
)

LOOKBACK_DAYS = 28
SHOWN = {"obstacles": 5, "support": 3, "goals": 5, "items": 10, "kudos": 3}
POINTS_MAX = 30  # talking points one meeting may hold
LOW_CONFIDENCE = (Confidence.AT_RISK.value, Confidence.OFF_TRACK.value)


def series_view(session: Session, series: OneOnOneSeries) -> SeriesView:
    planned = upcoming(session, series)
    proposal = None
    if series.proposed_on is not None and series.proposed_time is not None:
        proposal = Proposal(
            series.proposals, series.proposed_on, series.proposed_time, series.proposal_note
        )
    return SeriesView(
        series_id=series.id,
        status=series.status,
        cadence=series.cadence,
        starts_on=series.starts_on,
        local_time=series.local_time,
        tz=series.tz,
        manager_slack_id=series.manager.slack_id,
        employee_slack_id=series.employee.slack_id,
        next_at=planned.scheduled_at if planned is not None else None,
        proposal=proposal,
    )


def points_of(session: Session, meeting_id: int) -> list[OneOnOneTalkingPoint]:
    return list(
        session.scalars(
            select(OneOnOneTalkingPoint)
            .where(OneOnOneTalkingPoint.meeting_id == meeting_id)
            .order_by(OneOnOneTalkingPoint.created_at, OneOnOneTalkingPoint.id)
        )
    )


def open_items(session: Session, series_id: int) -> list[OneOnOneActionItem]:
    return list(
        session.scalars(
            select(OneOnOneActionItem)
            .where(
                OneOnOneActionItem.series_id == series_id,
                OneOnOneActionItem.status == ActionItemStatus.OPEN.value,
            )
            .order_by(OneOnOneActionItem.due_on, OneOnOneActionItem.id)
        )
    )


def item_line(item: OneOnOneActionItem, now: datetime, tz: str) -> ItemLine:
    return ItemLine(
        item.id,
        item.title,
        item.owner.slack_id,
        item.due_on,
        overdue=item.status == ActionItemStatus.OPEN.value and item.due_on < local_day(now, tz),
        done=item.status == ActionItemStatus.DONE.value,
    )


def _support(
    session: Session, series: OneOnOneSeries, since: datetime, until: datetime
) -> list[SupportLine]:
    checkins = session.scalars(
        select(Checkin)
        .where(
            Checkin.employee_id == series.employee_id,
            Checkin.manager_id == series.manager_id,
            Checkin.submitted_at >= since,
            Checkin.submitted_at < until,
            Checkin.support != "",
        )
        .order_by(Checkin.submitted_at.desc(), Checkin.id.desc())
    ).unique()
    return [SupportLine(c.period, c.support.strip()) for c in checkins if c.support.strip()]


def _goals(session: Session, series: OneOnOneSeries, since: datetime) -> list[GoalLine]:
    """The report's active goals whose latest rating since `since` was at risk or off track."""
    rows = session.execute(
        select(CheckinGoalUpdate.goal_id, CheckinGoalUpdate.confidence)
        .join(Checkin, Checkin.id == CheckinGoalUpdate.checkin_id)
        .where(
            Checkin.employee_id == series.employee_id,
            Checkin.manager_id == series.manager_id,
            Checkin.submitted_at >= since,
        )
        .order_by(Checkin.period.desc(), Checkin.updated_at.desc(), CheckinGoalUpdate.id.desc())
    ).all()
    latest: dict[int, str] = {}
    for goal_id, confidence in rows:
        latest.setdefault(goal_id, confidence)
    wanted = [goal_id for goal_id, confidence in latest.items() if confidence in LOW_CONFIDENCE]
    if not wanted:
        return []
    goals = session.scalars(
        select(Goal)
        .where(
            Goal.id.in_(wanted),
            Goal.owner_id == series.employee_id,
            Goal.status == GoalStatus.ACTIVE.value,
        )
        .order_by(Goal.due_date, Goal.id)
    )
    return [GoalLine(g.title, latest[g.id], goal_progress(g)) for g in goals]


def _kudos(
    session: Session, employee: Employee, since: datetime, until: datetime
) -> list[KudosLine]:
    lines = []
    for kudos in kudos_received(session, employee, since, until):
        value = kudos.value
        lines.append(
            KudosLine(
                kudos.giver.slack_id,
                value.name_en if value is not None else None,
                value.name_id if value is not None else None,
                value.emoji if value is not None else "",
                kudos.message,
            )
        )
    return lines


def agenda_view(
    session: Session, meeting: OneOnOneMeeting, now: datetime, next_at: datetime | None = None
) -> AgendaView:
    series = meeting.series
    previous = last_held(session, series.id, meeting.occurs_on)
    since = previous.scheduled_at if previous is not None else None
    start = since or (meeting.opened_at or now) - timedelta(days=LOOKBACK_DAYS)
    until = max(now, meeting.opened_at or now)
    obstacles = [
        ObstacleLine(o.text, max(0, (now - o.opened_at).days), o.status == ObstacleStatus.HELPING)
        for o in open_obstacles_of(session, series.employee)
        if o.manager_id == series.manager_id
    ]
    support = _support(session, series, start, until)
    goals = _goals(session, series, start)
    items = [item_line(i, now, series.tz) for i in open_items(session, series.id)]
    kudos = _kudos(session, series.employee, start, until)
    points = [PointLine(p.author.slack_id if p.author else "", p.text) for p in points_of(
        session, meeting.id)]  # fmt: skip
    counts = {
        "obstacles": len(obstacles),
        "support": len(support),
        "goals": len(goals),
        "items": len(items),
        "kudos": len(kudos),
    }
    done_by = session.get(Employee, meeting.done_by_id) if meeting.done_by_id else None
    skipped_by = session.get(Employee, meeting.skipped_by_id) if meeting.skipped_by_id else None
    return AgendaView(
        meeting_id=meeting.id,
        series_id=series.id,
        status=meeting.status,
        scheduled_at=meeting.scheduled_at,
        tz=series.tz,
        manager_slack_id=series.manager.slack_id,
        employee_slack_id=series.employee.slack_id,
        since=since,
        obstacles=tuple(obstacles[: SHOWN["obstacles"]]),
        support=tuple(support[: SHOWN["support"]]),
        goals=tuple(goals[: SHOWN["goals"]]),
        items=tuple(items[: SHOWN["items"]]),
        kudos=tuple(kudos[: SHOWN["kudos"]]),
        points=tuple(points),
        counts=counts,
        done_by_slack_id=done_by.slack_id if done_by is not None else None,
        skipped_by_slack_id=skipped_by.slack_id if skipped_by is not None else None,
        skip_reason=meeting.skip_reason,
        next_at=next_at,
    )


def shared_notes(session: Session, meeting_id: int) -> list[OneOnOneNote]:
    return list(
        session.scalars(
            select(OneOnOneNote)
            .where(OneOnOneNote.meeting_id == meeting_id)
            .order_by(OneOnOneNote.created_at, OneOnOneNote.id)
        )
    )


def summary_view(
    session: Session, meeting: OneOnOneMeeting, now: datetime, next_at: datetime | None
) -> SummaryView:
    """What Done posts: the talking points, both shared notes, the action items agreed in
    this meeting and those done since the last one. Private notes are not read here."""
    series = meeting.series
    previous = last_held(session, series.id, meeting.occurs_on)
    done_since = previous.done_at if previous is not None and previous.done_at else None
    new_items = session.scalars(
        select(OneOnOneActionItem)
        .where(OneOnOneActionItem.meeting_id == meeting.id)
        .order_by(OneOnOneActionItem.due_on, OneOnOneActionItem.id)
    )
    completed = select(OneOnOneActionItem).where(
        OneOnOneActionItem.series_id == series.id,
        OneOnOneActionItem.status == ActionItemStatus.DONE.value,
        OneOnOneActionItem.meeting_id.is_distinct_from(meeting.id),
    )
    if done_since is not None:
        completed = completed.where(OneOnOneActionItem.done_at >= done_since)
    done_by = session.get(Employee, meeting.done_by_id) if meeting.done_by_id else None
    return SummaryView(
        meeting_id=meeting.id,
        scheduled_at=meeting.scheduled_at,
        tz=series.tz,
        done_by_slack_id=done_by.slack_id if done_by is not None else "",
        points=tuple(
            PointLine(p.author.slack_id if p.author else "", p.text)
            for p in points_of(session, meeting.id)
        ),
        notes=tuple(
            NoteLine(n.author.slack_id if n.author else "", n.text)
            for n in shared_notes(session, meeting.id)
            if n.text.strip()
        ),
        new_items=tuple(item_line(i, now, series.tz) for i in new_items),
        completed_items=tuple(
            item_line(i, now, series.tz)
            for i in session.scalars(completed.order_by(OneOnOneActionItem.done_at))
        ),
        next_at=next_at,
    )
