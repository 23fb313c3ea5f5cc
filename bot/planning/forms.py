"""What a person typed into the goal modal, and its validation into clean values.

Input arrives as strings (a modal has no numbers), so "a non-number" is caught here with the
person's own words in mind: "12,5" is twelve and a half, as an Indonesian writes it. Every
problem is collected, not just the first, so the modal shows all its inline errors at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.permissions import role_of
from bot.planning.errors import ValidationError
from bot.planning.rules import GoalAction, allowed, can_write_level
from bot.sanitize import clean_text as clean_text  # re-exported: monitoring uses it
from storage.goals import Goal, GoalKind, GoalLevel, GoalStatus, KeyResultKind
from storage.models import Employee, Role, Team

TITLE_MAX = 150
DESCRIPTION_MAX = 3000
UNIT_MAX = 32
REASON_MAX = 2000
MAX_KEY_RESULTS = 5
# Which levels a goal of each level may contribute to.
PARENT_LEVELS: dict[str, tuple[str, ...]] = {
    GoalLevel.PERSONAL: (GoalLevel.TEAM, GoalLevel.COMPANY),
    GoalLevel.TEAM: (GoalLevel.COMPANY,),
    GoalLevel.COMPANY: (GoalLevel.COMPANY,),
}

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


@dataclass
class KeyResultInput:
    title: str = ""
    kind: str = KeyResultKind.METRIC.value
    start: str = ""
    target: str = ""
    unit: str = ""
    id: int | None = None  # the existing key result this row edits

    def is_empty(self) -> bool:
        return not (self.title.strip() or self.start.strip() or self.target.strip())


@dataclass
class GoalInput:
    title: str = ""
    description: str = ""
    level: str = GoalLevel.PERSONAL.value
    kind: str = GoalKind.PERFORMANCE.value
    due_date: date | None = None
    parent_id: int | None = None
    org_team_id: int | None = None
    weight: str = ""
    key_results: list[KeyResultInput] = field(default_factory=list)


@dataclass(frozen=True)
class CleanKeyResult:
    title: str
    kind: str
    start: float | None
    target: float | None
    unit: str
    id: int | None


@dataclass(frozen=True)
class CleanGoal:
    title: str
    description: str
    level: str
    kind: str
    due_date: date
    parent: Goal | None
    org_team_id: int | None
    weight: float
    key_results: tuple[CleanKeyResult, ...]


def parse_number(text: str) -> float | None:
    """A number as people type it: "12", "3.5", "3,5", "1.000.000", "1,000.5"; else None."""
    raw = text.strip().replace(" ", "").replace("_", "").replace("\u00a0", "")
    if not raw:
        return None
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        raw = raw.replace(thousands, "")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")
    elif raw.count(",") > 1:
        raw = raw.replace(",", "")
    if not _NUMBER.match(raw):
        return None
    value = float(raw.replace(",", "."))
    return value if value == value and abs(value) < 1e15 else None


def local_today(actor: Employee, now: datetime) -> date:
    """ "In the past" means before today where the person is, not in UTC."""
    try:
        zone = ZoneInfo(actor.tz) if actor.tz else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    return now.astimezone(zone).date() if zone else now.date()


def validate_goal(
    session: Session,
    actor: Employee,
    data: GoalInput,
    *,
    now: datetime,
    goal: Goal | None = None,
) -> CleanGoal:
    """Check everything the issue lists; raise ValidationError with every problem found."""
    errors: dict[str, str] = {}
    title = clean_text(data.title)
    if not title:
        errors["title"] = "planning.error.title_required"
    elif len(title) > TITLE_MAX:
        errors["title"] = "planning.error.title_too_long"
    description = clean_text(data.description)
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = "planning.error.description_too_long"
    level = goal.level if goal is not None else data.level
    org_team_id = goal.org_team_id if goal is not None else _team_of(actor, data)
    if level not in set(GoalLevel):
        errors["level"] = "planning.error.level_forbidden"
    elif goal is None and level == GoalLevel.TEAM and org_team_id is None:
        errors["team" if _picks_team(actor) else "level"] = "planning.error.no_team"
    elif goal is None and level == GoalLevel.TEAM and not _team_exists(session, actor, org_team_id):
        errors["team"] = "planning.error.no_team"  # a forged id, or another workspace's team
    elif goal is None and not can_write_level(actor, level, org_team_id):
        errors["level"] = "planning.error.level_forbidden"
    kind = data.kind if data.kind in set(GoalKind) else GoalKind.PERFORMANCE.value
    if data.due_date is None:
        errors["due_date"] = "planning.error.due_required"
    elif data.due_date < local_today(actor, now) and (
        goal is None or data.due_date != goal.due_date
    ):
        errors["due_date"] = "planning.error.due_past"
    weight = 1.0
    if data.weight.strip():
        parsed = parse_number(data.weight)
        if parsed is None:
            errors["weight"] = "planning.error.number"
        elif parsed <= 0:
            errors["weight"] = "planning.error.weight_positive"
        else:
            weight = parsed
    parent = _check_parent(session, actor, data.parent_id, level, goal, errors)
    key_results = _check_key_results(data.key_results, errors)
    if errors:
        raise ValidationError(errors)
    assert data.due_date is not None
    return CleanGoal(
        title=title,
        description=description,
        level=level,
        kind=kind,
        due_date=data.due_date,
        parent=parent,
        org_team_id=org_team_id if level == GoalLevel.TEAM else None,
        weight=weight,
        key_results=tuple(key_results),
    )


def _picks_team(actor: Employee) -> bool:
    """HR and admins choose the team of a team goal; a manager writes for their own team."""
    return role_of(actor) in (Role.HR, Role.ADMIN)


def _team_exists(session: Session, actor: Employee, team_id: int | None) -> bool:
    return (
        session.scalar(select(Team.id).where(Team.id == team_id, Team.team_id == actor.team_id))
        is not None
    )


def _team_of(actor: Employee, data: GoalInput) -> int | None:
    if data.level != GoalLevel.TEAM:
        return None
    if data.org_team_id is not None and _picks_team(actor):
        return data.org_team_id
    return actor.org_team_id


def _check_parent(
    session: Session,
    actor: Employee,
    parent_id: int | None,
    level: str,
    goal: Goal | None,
    errors: dict[str, str],
) -> Goal | None:
    if parent_id is None:
        return None
    parent = session.scalar(select(Goal).where(Goal.id == parent_id, Goal.team_id == actor.team_id))
    if parent is None or not allowed(actor, GoalAction.VIEW, parent):
        errors["parent"] = "planning.error.parent_hidden"
        return None
    if parent.level not in PARENT_LEVELS.get(level, ()):
        errors["parent"] = f"planning.error.parent_level_{level}"
    elif parent.status == GoalStatus.ABANDONED:
        errors["parent"] = "planning.error.parent_abandoned"
    elif goal is not None and creates_cycle(goal, parent):
        errors["parent"] = "planning.error.parent_cycle"
    return parent


def creates_cycle(goal: Goal, parent: Goal) -> bool:
    """True when `parent` is the goal itself or one of its descendants."""
    seen: set[int] = set()
    cursor: Goal | None = parent
    while cursor is not None and cursor.id not in seen:
        if cursor.id == goal.id:
            return True
        seen.add(cursor.id)
        cursor = cursor.parent
    return False


def _check_key_results(rows: list[KeyResultInput], errors: dict[str, str]) -> list[CleanKeyResult]:
    """Rows keep their index in the modal (empty rows are skipped, not renumbered), so an
    error lands on the row the person is looking at."""
    clean: list[CleanKeyResult] = []
    used = [(index, row) for index, row in enumerate(rows) if not row.is_empty()]
    if len(used) > MAX_KEY_RESULTS:
        errors["key_results"] = "planning.error.too_many_krs"
        return clean
    for index, row in used:
        prefix = f"kr.{index}."
        title = clean_text(row.title)
        if not title:
            errors[prefix + "title"] = "planning.error.kr_title_required"
        elif len(title) > TITLE_MAX:
            errors[prefix + "title"] = "planning.error.title_too_long"
        unit = clean_text(row.unit)
        if len(unit) > UNIT_MAX:
            errors[prefix + "unit"] = "planning.error.unit_too_long"
        if row.kind == KeyResultKind.CHECK:
            clean.append(CleanKeyResult(title, KeyResultKind.CHECK.value, None, None, "", row.id))
            continue
        start = 0.0 if not row.start.strip() else parse_number(row.start)
        target = parse_number(row.target) if row.target.strip() else None
        if start is None:
            errors[prefix + "start"] = "planning.error.number"
        if not row.target.strip():
            errors[prefix + "target"] = "planning.error.target_required"
        elif target is None:
            errors[prefix + "target"] = "planning.error.number"
        elif start is not None and target == start:
            errors[prefix + "target"] = "planning.error.target_equals_start"
        clean.append(CleanKeyResult(title, KeyResultKind.METRIC.value, start, target, unit, row.id))
    return clean


def validate_reason(reason: str) -> str:
    text = clean_text(reason)
    if not text:
        raise ValidationError({"reason": "planning.error.reason_required"})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": "planning.error.reason_too_long"})
    return text
