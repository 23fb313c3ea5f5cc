"""Participation per team and period — who was prompted, who answered, who is late — in one
SQL query, for the HR digest and the manager's Home.

Who counts for a period: active people whose effective schedule (their team's, else the
organisation's, else weekly) has the period's cadence, plus anyone prompted for or checked in
for that period (so someone deactivated since still shows what they did).

Status of one person:
- ``answered``: checked in for the period (``answered_late`` when after the reminder was due);
- ``late``: prompted, not answered, and the reminder went out or its time has passed;
- ``waiting``: prompted, not answered, reminder not yet due;
- ``not_prompted``: no prompt yet — not due yet, away, or the prompt window was missed.

The query reads rows; it checks no permission. Callers show it to HR (aggregates) or to a
manager (their own team) and enforce that themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from bot.monitoring.periods import parse_period
from bot.monitoring.schedule import ORG_SCOPE
from storage.checkins import Cadence, Checkin, CheckinPrompt, CheckinSchedule
from storage.models import Employee, Team


@dataclass(frozen=True)
class PersonStatus:
    employee_id: int
    slack_id: str
    name: str
    status: str
    prompted_at: datetime | None
    reminded_at: datetime | None
    submitted_at: datetime | None
    answered_late: bool
    away_until: date | None


@dataclass(frozen=True)
class ParticipationRow:
    org_team_id: int | None
    team_name: str | None
    people: tuple[PersonStatus, ...]

    def _with(self, *statuses: str) -> list[PersonStatus]:
        return [p for p in self.people if p.status in statuses]

    @property
    def prompted(self) -> list[PersonStatus]:
        return [p for p in self.people if p.prompted_at is not None]

    @property
    def answered(self) -> list[PersonStatus]:
        return self._with("answered")

    @property
    def late(self) -> list[PersonStatus]:
        return self._with("late")

    @property
    def waiting(self) -> list[PersonStatus]:
        return self._with("waiting")

    @property
    def not_prompted(self) -> list[PersonStatus]:
        return self._with("not_prompted")


def participation(
    session: Session, team_id: str, period: str, *, now: datetime | None = None
) -> list[ParticipationRow]:
    """One row per organisation team by name, then (team None) the people in no team."""
    cadence = parse_period(period).cadence
    team_schedule = aliased(CheckinSchedule)
    org_schedule = aliased(CheckinSchedule)
    effective = func.coalesce(
        team_schedule.cadence, org_schedule.cadence, literal(Cadence.WEEKLY.value)
    )
    query = (
        select(
            Employee.id,
            Employee.slack_id,
            Employee.name,
            Employee.org_team_id,
            Team.name,
            Employee.away_until,
            CheckinPrompt.prompted_at,
            CheckinPrompt.reminder_due_at,
            CheckinPrompt.reminded_at,
            Checkin.submitted_at,
        )
        .select_from(Employee)
        .outerjoin(Team, Team.id == Employee.org_team_id)
        .outerjoin(
            team_schedule,
            and_(
                team_schedule.team_id == Employee.team_id,
                team_schedule.org_team_id == Employee.org_team_id,
            ),
        )
        .outerjoin(
            org_schedule,
            and_(org_schedule.team_id == Employee.team_id, org_schedule.scope == ORG_SCOPE),
        )
        .outerjoin(
            CheckinPrompt,
            and_(CheckinPrompt.employee_id == Employee.id, CheckinPrompt.period == period),
        )
        .outerjoin(Checkin, and_(Checkin.employee_id == Employee.id, Checkin.period == period))
        .where(
            Employee.team_id == team_id,
            or_(
                CheckinPrompt.id.is_not(None),
                Checkin.id.is_not(None),
                and_(Employee.active.is_(True), effective == cadence.value),
            ),
        )
        .order_by(Employee.org_team_id.is_(None), Team.name, Employee.name, Employee.id)
    )
    teams: dict[int | None, tuple[str | None, list[PersonStatus]]] = {}
    for row in session.execute(query):
        (emp_id, slack_id, name, org_team_id, team_name, away, prompted, reminder_due, reminded,
         submitted) = row  # fmt: skip
        late_reminder = reminded is not None or (
            now is not None and reminder_due is not None and reminder_due <= now
        )
        if submitted is not None:
            status = "answered"
        elif prompted is None:
            status = "not_prompted"
        else:
            status = "late" if late_reminder else "waiting"
        person = PersonStatus(
            employee_id=emp_id,
            slack_id=slack_id,
            name=name,
            status=status,
            prompted_at=prompted,
            reminded_at=reminded,
            submitted_at=submitted,
            answered_late=bool(
                submitted is not None and reminder_due is not None and submitted > reminder_due
            ),
            away_until=away,
        )
        teams.setdefault(org_team_id, (team_name, []))[1].append(person)
    return [
        ParticipationRow(org_team_id, name, tuple(people))
        for org_team_id, (name, people) in teams.items()
    ]
