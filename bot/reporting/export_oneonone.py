"""The 1:1 files of the CSV export (bot/reporting/export.py): meetings and action items.

HR's export holds who met whom, when, and whether the meeting was held or skipped — the
figures HR sees in the digest, row by row — and the action items' owners, due dates and
states; no talking point, note or action item title. The operator's export of everything
stored adds the talking points, the shared notes and the titles. Private notes are in no
export at all, not even the operator's: only their writer reads them (their own
`kinerja person export` holds them).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.reporting.export_rows import stream
from bot.reporting.export_scope import ExportScope
from storage.models import Employee
from storage.oneonones import (
    OneOnOneActionItem,
    OneOnOneMeeting,
    OneOnOneNote,
    OneOnOneSeries,
    OneOnOneTalkingPoint,
)

# Columns only the operator's export of everything stored has.
MEETING_TEXT = ("talking_points_text", "shared_notes")
ITEM_TEXT = ("title",)



def _texts(session: Session, model: Any, team_id: str) -> dict[int, list[dict[str, str]]]:
    """meeting id → [{"by": Slack id, "text": …}], oldest first."""
    author = aliased(Employee)
    found: dict[int, list[dict[str, str]]] = defaultdict(list)
    rows = session.execute(
        select(model.meeting_id, author.slack_id, model.text)
        .outerjoin(author, author.id == model.author_id)
        .where(model.team_id == team_id)
        .order_by(model.meeting_id, model.created_at, model.id)
    )
    for meeting_id, slack_id, text in rows:
        found[meeting_id].append({"by": slack_id or "", "text": text})
    return found


def one_on_ones(session: Session, scope: ExportScope) -> Iterable[list[Any]]:
    team_id = scope.team_id
    manager, employee = aliased(Employee), aliased(Employee)
    points = (
        select(func.count())
        .where(OneOnOneTalkingPoint.meeting_id == OneOnOneMeeting.id)
        .correlate(OneOnOneMeeting)
        .scalar_subquery()
    )
    query = (
        select(
            OneOnOneMeeting.id,
            OneOnOneMeeting.series_id,
            manager.slack_id,
            manager.name,
            employee.slack_id,
            employee.name,
            OneOnOneSeries.cadence,
            OneOnOneMeeting.occurs_on,
            OneOnOneMeeting.scheduled_at,
            OneOnOneMeeting.status,
            OneOnOneMeeting.skip_reason,
            OneOnOneMeeting.opened_at,
            OneOnOneMeeting.done_at,
            points,
        )
        .join(OneOnOneSeries, OneOnOneSeries.id == OneOnOneMeeting.series_id)
        .join(manager, manager.id == OneOnOneMeeting.manager_id)
        .join(employee, employee.id == OneOnOneMeeting.employee_id)
        .where(OneOnOneMeeting.team_id == team_id)
        .order_by(OneOnOneMeeting.id)
    )
    if not scope.private_text:
        yield from (list(row) for row in stream(session, query))
        return
    said = _texts(session, OneOnOneTalkingPoint, team_id)
    noted = _texts(session, OneOnOneNote, team_id)
    for row in stream(session, query):
        texts = [json.dumps(said.get(row[0], []), ensure_ascii=False),
                 json.dumps(noted.get(row[0], []), ensure_ascii=False)]  # fmt: skip
        yield [*row, *texts]


ONE_ON_ONES = [
    "id", "series_id", "manager_slack_id", "manager_name", "employee_slack_id", "employee_name",
    "cadence", "occurs_on", "scheduled_at", "status", "skip_reason", "opened_at", "done_at",
    "talking_points", "talking_points_text", "shared_notes",
]  # fmt: skip


def action_items(session: Session, scope: ExportScope) -> Iterable[Any]:
    owner, creator = aliased(Employee), aliased(Employee)
    return stream(
        session,
        select(
            OneOnOneActionItem.id,
            OneOnOneActionItem.series_id,
            OneOnOneActionItem.meeting_id,
            owner.slack_id,
            owner.name,
            creator.slack_id,
            *([OneOnOneActionItem.title] if scope.private_text else []),
            OneOnOneActionItem.due_on,
            OneOnOneActionItem.status,
            OneOnOneActionItem.created_at,
            OneOnOneActionItem.done_at,
            OneOnOneActionItem.reminded_at,
        )
        .join(owner, owner.id == OneOnOneActionItem.owner_id)
        .outerjoin(creator, creator.id == OneOnOneActionItem.created_by_id)
        .where(OneOnOneActionItem.team_id == scope.team_id)
        .order_by(OneOnOneActionItem.id),
    )


ACTION_ITEMS = [
    "id", "series_id", "meeting_id", "owner_slack_id", "owner_name", "created_by_slack_id",
    "title", "due_on", "status", "created_at", "done_at", "reminded_at",
]  # fmt: skip
