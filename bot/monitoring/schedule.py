"""Check-in schedules as data: one per team, falling back to the organisation's, falling back
to the built-in default (weekly, Friday 15:00, every question)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.monitoring.errors import MonitoringValidationError
from bot.monitoring.periods import WORK_END, WORK_START, parse_local_time
from bot.permissions import Action, require
from storage.checkins import Cadence, CheckinSchedule
from storage.models import Employee, Team

# The questions a check-in can ask, in the order the modal shows them.
QUESTIONS: tuple[str, ...] = ("mood", "wins", "obstacles", "support", "plans")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ORG_SCOPE = "org"


@dataclass(frozen=True)
class ScheduleSpec:
    cadence: Cadence = Cadence.WEEKLY
    weekday: int = 4
    local_time: str = "15:00"
    questions: tuple[str, ...] = QUESTIONS
    # Where it comes from: "default" (built in), "org" or "team".
    source: str = "default"
    org_team_id: int | None = None

    @property
    def at(self) -> time:
        return parse_local_time(self.local_time)


DEFAULT = ScheduleSpec()


def _spec(row: CheckinSchedule) -> ScheduleSpec:
    questions = tuple(q for q in QUESTIONS if q in (row.questions or QUESTIONS))
    return ScheduleSpec(
        cadence=Cadence(row.cadence),
        weekday=row.weekday,
        local_time=row.local_time,
        questions=questions,
        source="team" if row.org_team_id is not None else "org",
        org_team_id=row.org_team_id,
    )


@dataclass(frozen=True)
class Schedules:
    """Every schedule of one workspace, loaded once per tick."""

    org: ScheduleSpec
    teams: dict[int, ScheduleSpec]

    def for_team(self, org_team_id: int | None) -> ScheduleSpec:
        if org_team_id is not None and org_team_id in self.teams:
            return self.teams[org_team_id]
        return self.org


def load_schedules(session: Session, team_id: str) -> Schedules:
    rows = session.scalars(select(CheckinSchedule).where(CheckinSchedule.team_id == team_id))
    org, teams = DEFAULT, {}
    for row in rows:
        if row.org_team_id is None:
            org = _spec(row)
        else:
            teams[row.org_team_id] = _spec(row)
    return Schedules(org, teams)


def schedule_for(session: Session, employee: Employee) -> ScheduleSpec:
    return load_schedules(session, employee.team_id).for_team(employee.org_team_id)


def validate_schedule(
    cadence: str, weekday: int | str, local_time: str, questions: list[str] | tuple[str, ...]
) -> ScheduleSpec:
    """A spec from untrusted input, or MonitoringValidationError naming each bad field.

    The time must lie in working hours (09:00–17:59): prompts are never sent outside them.
    """
    errors: dict[str, str] = {}
    try:
        chosen = Cadence(cadence)
    except ValueError:
        errors["cadence"] = "monitoring.error.cadence"
        chosen = Cadence.WEEKLY
    day = _weekday(weekday)
    if day is None:
        errors["weekday"] = "monitoring.error.weekday"
    try:
        at = parse_local_time(local_time)
        if not (WORK_START <= at < WORK_END):
            errors["local_time"] = "monitoring.error.time_outside_hours"
    except ValueError:
        errors["local_time"] = "monitoring.error.time"
    unknown = [q for q in questions if q not in QUESTIONS]
    if unknown:
        errors["questions"] = "monitoring.error.questions"
    if errors:
        raise MonitoringValidationError(errors)
    return ScheduleSpec(
        cadence=chosen,
        weekday=day or 0,
        local_time=at.strftime("%H:%M"),
        questions=tuple(q for q in QUESTIONS if q in questions),
    )


def _weekday(value: int | str) -> int | None:
    if isinstance(value, int):
        return value if 0 <= value <= 6 else None
    text = value.strip().lower()[:3]
    if text.isdigit():
        return _weekday(int(text))
    return WEEKDAYS.index(text) if text in WEEKDAYS else None


def save_schedule(
    session: Session,
    team_id: str,
    org_team_id: int | None,
    spec: ScheduleSpec,
    *,
    actor: str | None,
    now: datetime,
) -> ScheduleSpec:
    """Upsert without a permission check: for the CLI (the server's operator) and for
    `set_schedule`, which checks first."""
    if org_team_id is not None:
        team = session.get(Team, org_team_id)
        if team is None or team.team_id != team_id:
            raise MonitoringValidationError({"team": "monitoring.error.team"})
    scope = ORG_SCOPE if org_team_id is None else f"team:{org_team_id}"
    row = session.scalar(
        select(CheckinSchedule).where(
            CheckinSchedule.team_id == team_id, CheckinSchedule.scope == scope
        )
    )
    old = None if row is None else _spec(row)
    if row is None:
        row = CheckinSchedule(team_id=team_id, scope=scope, org_team_id=org_team_id)
        session.add(row)
    row.cadence = spec.cadence.value
    row.weekday = spec.weekday
    row.local_time = spec.local_time
    row.questions = list(spec.questions)
    row.updated_by = actor
    row.updated_at = now
    audit.record(
        session,
        team_id=team_id,
        actor=actor,
        action="checkin.schedule_changed",
        subject=scope,
        detail={"old": _describe(old), "new": _describe(spec)},
        at=now,
    )
    session.flush()
    return _spec(row)


def set_schedule(
    session: Session,
    actor: Employee,
    org_team_id: int | None,
    spec: ScheduleSpec,
    *,
    now: datetime,
) -> ScheduleSpec:
    require(actor, Action.CONFIGURE_SCHEDULE)
    return save_schedule(session, actor.team_id, org_team_id, spec, actor=actor.slack_id, now=now)


def reset_team_schedule(
    session: Session, actor: Employee, org_team_id: int, *, now: datetime
) -> bool:
    require(actor, Action.CONFIGURE_SCHEDULE)
    return clear_team_schedule(session, actor.team_id, org_team_id, actor=actor.slack_id, now=now)


def clear_team_schedule(
    session: Session, team_id: str, org_team_id: int, *, actor: str | None, now: datetime
) -> bool:
    """Let a team follow the organisation's schedule again; False when it already did."""
    row = session.scalar(
        select(CheckinSchedule).where(
            CheckinSchedule.team_id == team_id, CheckinSchedule.org_team_id == org_team_id
        )
    )
    if row is None:
        return False
    session.delete(row)
    audit.record(
        session,
        team_id=team_id,
        actor=actor,
        action="checkin.schedule_cleared",
        subject=f"team:{org_team_id}",
        detail={"old": _describe(_spec(row))},
        at=now,
    )
    return True


def _describe(spec: ScheduleSpec | None) -> dict[str, object] | None:
    if spec is None:
        return None
    return {
        "cadence": spec.cadence.value,
        "weekday": spec.weekday,
        "local_time": spec.local_time,
        "questions": list(spec.questions),
    }
