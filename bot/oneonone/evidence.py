"""What 1:1s add to a review's evidence: the action items completed in the review period.

The items of the employee's own 1:1 series (they are its report), whoever owned them — what
they did, and what their manager did for them — read by bot/review/evidence.py and shown in
the self-review and manager review modals, next to the goals and check-ins of the period.
Titles only: no talking point or note ever reaches a review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Employee
from storage.oneonones import ActionItemStatus, OneOnOneActionItem, OneOnOneSeries


@dataclass(frozen=True)
class ActionItemEvidence:
    title: str
    owner_slack_id: str
    done_on: date


def completed_action_items(
    session: Session, employee: Employee, since: datetime, until: datetime, zone: ZoneInfo
) -> list[ActionItemEvidence]:
    """Newest first; `zone` gives the day each was done on."""
    items = session.scalars(
        select(OneOnOneActionItem)
        .join(OneOnOneSeries, OneOnOneSeries.id == OneOnOneActionItem.series_id)
        .where(
            OneOnOneSeries.team_id == employee.team_id,
            OneOnOneSeries.employee_id == employee.id,
            OneOnOneActionItem.status == ActionItemStatus.DONE.value,
            OneOnOneActionItem.done_at >= since,
            OneOnOneActionItem.done_at < until,
        )
        .order_by(OneOnOneActionItem.done_at.desc(), OneOnOneActionItem.id.desc())
    )
    return [
        ActionItemEvidence(
            item.title, item.owner.slack_id, (item.done_at or until).astimezone(zone).date()
        )
        for item in items
    ]
