"""History lines: who did what to a record and when, the trail a cycle keeps of its records
(a goal's changes, a review's steps) for the people concerned, HR and audits.

Each cycle has its own table of lines (storage), with the same columns: the workspace, the
acting employee (none for the scheduler), when, what, and a JSON detail. Writing a line and
reading a trail follow the same rules everywhere, so they live here once: the detail is stored
as JSON (dates as ISO strings), and a trail reads oldest first, lines written in the same
instant in the order they were written.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.models import Employee


class HistoryLine(Protocol):
    """What every history table has (storage.goals.GoalEvent, storage.reviews.ReviewEvent)."""

    id: ClassVar[InstrumentedAttribute[int]]
    at: ClassVar[InstrumentedAttribute[datetime]]

    def __init__(self, **columns: Any) -> None: ...


Line = TypeVar("Line", bound=HistoryLine)


def json_safe(value: Any) -> Any:
    """`value` as JSON can store it: dates and times as ISO strings, tuples as lists."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    return value


def add_line(
    session: Session,
    table: type[Line],
    *,
    actor: Employee | None,
    action: StrEnum,
    at: datetime,
    detail: dict[str, Any],
    **about: Any,
) -> Line:
    """One line of `table`, about the record whose workspace and ids `about` names (the
    caller flushes first if that record has no id yet)."""
    line = table(
        actor_id=actor.id if actor is not None else None,
        at=at,
        action=action.value,
        detail=json_safe(detail),
        **about,
    )
    session.add(line)
    return line


def trail(session: Session, table: type[Line], *about: ColumnElement[bool]) -> list[Line]:
    """The lines of `table` that `about` selects, oldest first."""
    return list(session.scalars(select(table).where(*about).order_by(table.at, table.id)))
