"""How many 1:1s were held and skipped, per manager: what the digests and `/kinerja report`
show about 1:1s, to the manager (their own) and to HR (every manager's). Counts only — no
talking point, note or action item is read here, so nothing rendered from these can leak one.

A meeting counts in the window its planned moment falls in: held (Done was clicked),
skipped (by one of the pair, or because one of them was away) or not marked done (its next
agenda opened first). Meetings still ahead, and those of a series that ended before them,
are not counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from storage.models import Employee
from storage.oneonones import MeetingStatus, OneOnOneMeeting, OneOnOneSeries

COUNTED = (MeetingStatus.HELD.value, MeetingStatus.SKIPPED.value, MeetingStatus.LAPSED.value)


@dataclass(frozen=True)
class MeetingCounts:
    held: int = 0
    skipped: int = 0
    lapsed: int = 0


@dataclass(frozen=True)
class ManagerOneOnOnes:
    manager_id: int
    slack_id: str
    name: str
    reports: int  # active direct reports
    with_series: int  # of them, those with a 1:1 series with this manager
    counts: MeetingCounts


def meeting_counts(
    session: Session,
    team_id: str,
    since: datetime,
    until: datetime,
    manager_ids: Collection[int] | None = None,
) -> dict[int, MeetingCounts]:
    query = (
        select(OneOnOneMeeting.manager_id, OneOnOneMeeting.status, func.count())
        .where(
            OneOnOneMeeting.team_id == team_id,
            OneOnOneMeeting.status.in_(COUNTED),
            OneOnOneMeeting.scheduled_at >= since,
            OneOnOneMeeting.scheduled_at < until,
        )
        .group_by(OneOnOneMeeting.manager_id, OneOnOneMeeting.status)
    )
    if manager_ids is not None:
        query = query.where(OneOnOneMeeting.manager_id.in_(list(manager_ids)))
    cells: dict[int, dict[str, int]] = {}
    for manager_id, status, count in session.execute(query):
        cells.setdefault(manager_id, {})[status] = int(count)
    return {
        manager_id: MeetingCounts(
            held=found.get(MeetingStatus.HELD.value, 0),
            skipped=found.get(MeetingStatus.SKIPPED.value, 0),
            lapsed=found.get(MeetingStatus.LAPSED.value, 0),
        )
        for manager_id, found in cells.items()
    }


def live_pairs(
    session: Session, team_id: str, manager_ids: Collection[int] | None = None
) -> set[tuple[int, int]]:
    """(manager id, report id) of every series not ended (paused ones included)."""
    query = select(OneOnOneSeries.manager_id, OneOnOneSeries.employee_id).where(
        OneOnOneSeries.team_id == team_id, OneOnOneSeries.current.is_(True)
    )
    if manager_ids is not None:
        query = query.where(OneOnOneSeries.manager_id.in_(list(manager_ids)))
    return {(m, e) for m, e in session.execute(query)}


def per_manager(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[ManagerOneOnOnes]:
    """Every active manager with an active report: their counts, how many of their reports
    have a series. Those with the fewest 1:1s held come first (what HR looks for)."""
    manager = aliased(Employee)
    rows = session.execute(
        select(manager.id, manager.slack_id, manager.name, Employee.id)
        .join(manager, manager.id == Employee.manager_id)
        .where(
            Employee.team_id == team_id,
            Employee.active.is_(True),
            manager.active.is_(True),
            Employee.id != manager.id,
        )
    ).all()
    pairs = live_pairs(session, team_id)
    counts = meeting_counts(session, team_id, since, until)
    names: dict[int, tuple[str, str]] = {}
    reports: Counter[int] = Counter()
    covered: Counter[int] = Counter()
    for manager_id, slack_id, name, report_id in rows:
        names[manager_id] = (slack_id, name)
        reports[manager_id] += 1
        if (manager_id, report_id) in pairs:
            covered[manager_id] += 1
    result = [
        ManagerOneOnOnes(
            mid, slack, name, reports[mid], covered[mid], counts.get(mid, MeetingCounts())
        )
        for mid, (slack, name) in names.items()
    ]
    result.sort(key=lambda m: (m.counts.held, -m.counts.skipped, m.name.casefold(), m.manager_id))
    return result
