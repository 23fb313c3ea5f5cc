"""The App Home's 1:1 section: what it shows is loaded here, in a few queries, and rendered by
bot/blocks/oneonone_home.py, which reads nothing itself.

Shown to the person only: the series they are in (either side), a manager's reports who have
no series yet, and their own open action items. Never a note of any kind.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import zone_of
from bot.config import Settings
from bot.oneonone.cadence import local_day
from bot.oneonone.views import HomeItem, HomeReport, HomeSeries, OneOnOneHome
from storage.models import Employee
from storage.oneonones import (
    ActionItemStatus,
    MeetingStatus,
    OneOnOneActionItem,
    OneOnOneMeeting,
    OneOnOneSeries,
)

ITEMS_LOADED = 5
REPORTS_LOADED = 20


def load_home(session: Session, employee: Employee, settings: Settings, now: Any) -> OneOnOneHome:
    series_rows = session.scalars(
        select(OneOnOneSeries)
        .where(
            OneOnOneSeries.team_id == employee.team_id,
            OneOnOneSeries.current.is_(True),
            (OneOnOneSeries.manager_id == employee.id)
            | (OneOnOneSeries.employee_id == employee.id),
        )
        .order_by(OneOnOneSeries.id)
    ).all()
    ids = [s.id for s in series_rows]
    planned = dict(
        session.execute(
            select(OneOnOneMeeting.series_id, func.min(OneOnOneMeeting.scheduled_at))
            .where(
                OneOnOneMeeting.series_id.in_(ids),
                OneOnOneMeeting.status.in_(
                    (MeetingStatus.SCHEDULED.value, MeetingStatus.OPEN.value)
                ),
                OneOnOneMeeting.scheduled_at > now,
            )
            .group_by(OneOnOneMeeting.series_id)
        ).all()
    ) if ids else {}  # fmt: skip
    series = []
    for row in series_rows:
        manager_side = row.manager_id == employee.id
        other = row.employee if manager_side else row.manager
        series.append(
            HomeSeries(
                series_id=row.id,
                side="manager" if manager_side else "report",
                other_slack_id=other.slack_id,
                cadence=row.cadence,
                starts_on=row.starts_on,
                local_time=row.local_time,
                tz=row.tz,
                status=row.status,
                next_at=planned.get(row.id),
                proposal=row.proposed_on is not None,
            )
        )
    with_series = {s.employee_id for s in series_rows if s.manager_id == employee.id}
    reports = session.execute(
        select(Employee.id, Employee.slack_id)
        .where(
            Employee.team_id == employee.team_id,
            Employee.manager_id == employee.id,
            Employee.active.is_(True),
            Employee.id != employee.id,
        )
        .order_by(Employee.name, Employee.id)
        .limit(REPORTS_LOADED + len(with_series))
    ).all()
    without = [HomeReport(rid, slack) for rid, slack in reports if rid not in with_series]
    today = local_day(now, zone_of(employee.tz, settings.default_tz).key)
    open_items = (
        select(OneOnOneActionItem)
        .where(
            OneOnOneActionItem.owner_id == employee.id,
            OneOnOneActionItem.status == ActionItemStatus.OPEN.value,
        )
        .order_by(OneOnOneActionItem.due_on, OneOnOneActionItem.id)
    )
    items = []
    for item in session.scalars(open_items.limit(ITEMS_LOADED)):
        pair = item.series
        other = pair.employee if item.owner_id == pair.manager_id else pair.manager
        items.append(
            HomeItem(item.id, item.title, other.slack_id, item.due_on, item.due_on < today)
        )
    total = session.scalar(select(func.count()).select_from(open_items.subquery())) or 0
    return OneOnOneHome(
        series=tuple(series),
        without_series=tuple(without[:REPORTS_LOADED]),
        items=tuple(items),
        more_items=max(0, total - len(items)),
        has_manager=employee.manager_id is not None,
    )
