"""`/kinerja report`: the digest's figures on demand, within what the person may see.

HR and admins get the whole organisation (the HR digest's figures); a manager gets their own
direct reports (their digest's figures); anyone else is refused (PermissionDenied).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.permissions import Action, can, require
from bot.reporting.figures import DigestFigures, hr_figures
from bot.reporting.team import ManagerFigures, manager_figures
from storage.models import Employee


@dataclass(frozen=True)
class Report:
    organisation: DigestFigures | None = None  # set for HR and admins
    team: ManagerFigures | None = None  # set for a manager with direct reports

    @property
    def empty(self) -> bool:
        return self.organisation is None and self.team is None


def report_for(session: Session, actor: Employee, *, now: datetime, org_tz: str) -> Report:
    if can(actor, Action.VIEW_ORG_REPORT):
        return Report(organisation=hr_figures(session, actor.team_id, now=now, org_tz=org_tz))
    require(actor, Action.VIEW_TEAM_REPORT)
    figures = manager_figures(
        session, actor.team_id, now=now, org_tz=org_tz, manager_ids={actor.id}
    )
    return Report(team=figures.get(actor.id))
