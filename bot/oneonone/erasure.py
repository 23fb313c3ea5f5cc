"""What erasing a person (bot/reporting/erase.py) does to 1:1s.

A 1:1 is about its report, as a check-in is about its employee: erasing the report removes
every talking point, shared note, private note and action item title of their meetings,
whoever wrote it (as erasing someone removes the replies under their check-ins). What the
person wrote in anyone else's 1:1 — as a manager — is removed by erase.py's own pass over the
rows they author or own. What waited for them stops: their series end (no agenda, no
message), and the open action items they owned, or that belonged to their own 1:1s, are
cancelled. Meeting rows stay, so past counts of 1:1s held and skipped do not change.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.oneonone.schedule import cancel_planned
from storage.models import Employee
from storage.oneonones import (
    ActionItemStatus,
    OneOnOneActionItem,
    OneOnOneMeeting,
    OneOnOneNote,
    OneOnOnePrivateNote,
    OneOnOneSeries,
    OneOnOneTalkingPoint,
    SeriesStatus,
)


def erase_their_one_on_ones(
    session: Session, person: Employee, marker: str, changed: Counter[str]
) -> list[str]:
    """Replace the text of the 1:1s where `person` is the report; returns the originals (to
    recognise them in messages not yet purged)."""
    texts: list[str] = []
    meetings = select(OneOnOneMeeting.id).where(OneOnOneMeeting.employee_id == person.id)
    models: tuple[type[OneOnOneTalkingPoint | OneOnOneNote | OneOnOnePrivateNote], ...] = (
        OneOnOneTalkingPoint,
        OneOnOneNote,
        OneOnOnePrivateNote,
    )
    for model in models:
        rows: list[Any] = list(
            session.scalars(
                select(model).where(model.meeting_id.in_(meetings), model.text != marker)
            )
        )
        for row in rows:
            texts.append(row.text)
            row.text = marker
            changed[model.__tablename__] += 1
    series = select(OneOnOneSeries.id).where(OneOnOneSeries.employee_id == person.id)
    for item in session.scalars(
        select(OneOnOneActionItem).where(
            OneOnOneActionItem.series_id.in_(series), OneOnOneActionItem.title != marker
        )
    ):
        texts.append(item.title)
        item.title = marker
        changed[OneOnOneActionItem.__tablename__] += 1
    for pair in session.scalars(select(OneOnOneSeries).where(OneOnOneSeries.id.in_(series))):
        if pair.proposal_note:
            texts.append(pair.proposal_note)
            pair.proposal_note = ""
            changed[OneOnOneSeries.__tablename__] += 1
    session.flush()
    return texts


def end_their_one_on_ones(session: Session, person: Employee, now: datetime) -> dict[str, int]:
    """Their live series end without a word to anyone; open action items that waited for
    them are cancelled. Counts by kind, zeros left out."""
    live = session.scalars(
        select(OneOnOneSeries).where(
            or_(OneOnOneSeries.manager_id == person.id, OneOnOneSeries.employee_id == person.id),
            OneOnOneSeries.current.is_(True),
        )
    ).all()
    for series in live:
        series.status = SeriesStatus.ENDED.value
        series.current = None
        series.ended_at = now
        series.ended_reason = "erased"
        series.proposed_on, series.proposed_time = None, None
        series.updated_at = now
        cancel_planned(session, series, now)
    own_series = select(OneOnOneSeries.id).where(OneOnOneSeries.employee_id == person.id)
    cancelled = session.execute(
        update(OneOnOneActionItem)
        .where(
            OneOnOneActionItem.status == ActionItemStatus.OPEN.value,
            or_(
                OneOnOneActionItem.owner_id == person.id,
                OneOnOneActionItem.series_id.in_(own_series),
            ),
        )
        .values(status=ActionItemStatus.CANCELLED.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    ended = {
        "one_on_ones": len(live),
        "action_items": int(getattr(cancelled, "rowcount", 0) or 0),
    }
    session.flush()
    return {kind: count for kind, count in ended.items() if count}
