"""`/kinerja away until D` and `/kinerja away cancel`: nobody is prompted while away.

`away until D` means away through D in the person's own zone (the tick task
`end_expired_leave` clears it the day after). D may be today (away for the rest of today) and at
most a year ahead; a date in the past is refused.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.clock import zone_of
from bot.config import Settings
from bot.monitoring.errors import MonitoringValidationError
from bot.permissions import Action, require
from bot.ticks import TickContext
from storage.models import Employee

MAX_AHEAD = timedelta(days=365)


def parse_away_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise MonitoringValidationError({"until": "monitoring.away.error_format"}) from None


def set_away(
    session: Session, actor: Employee, until: date, *, settings: Settings, now: datetime
) -> date:
    require(actor, Action.SET_AWAY)
    today = now.astimezone(zone_of(actor.tz, settings.default_tz)).date()
    if until < today:
        raise MonitoringValidationError({"until": "monitoring.away.error_past"})
    if until > today + MAX_AHEAD:
        raise MonitoringValidationError({"until": "monitoring.away.error_too_far"})
    actor.away_until = until
    actor.updated_at = now
    _audit(session, actor, "away.set", until, now)
    return until


def cancel_away(session: Session, actor: Employee, *, now: datetime) -> date | None:
    """Back early; returns the date that was set, or None when the person was not away."""
    require(actor, Action.SET_AWAY)
    was = actor.away_until
    if was is not None:
        actor.away_until = None
        actor.updated_at = now
        _audit(session, actor, "away.cancelled", was, now)
    return was


def _audit(session: Session, actor: Employee, action: str, until: date, now: datetime) -> None:
    audit.record(
        session,
        team_id=actor.team_id,
        actor=actor.slack_id,
        action=action,
        subject=actor.slack_id,
        detail={"until": until.isoformat()},
        at=now,
    )


def end_expired_leave(ctx: TickContext) -> int:
    """`away until D` means away through D; from the next local day the person is back."""
    people = ctx.session.scalars(
        select(Employee).where(
            Employee.team_id == ctx.workspace.team_id, Employee.away_until.is_not(None)
        )
    ).all()
    ended = 0
    for person in people:
        today = ctx.now.astimezone(zone_of(person.tz, ctx.settings.default_tz)).date()
        if person.away_until is not None and person.away_until < today:
            audit.record(
                ctx.session,
                team_id=person.team_id,
                actor=None,
                action="away.ended",
                subject=person.slack_id,
                detail={"until": person.away_until.isoformat()},
                at=ctx.now,
            )
            person.away_until = None
            person.updated_at = ctx.now
            ended += 1
    return ended
