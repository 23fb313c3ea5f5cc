"""The manager's side of a check-in: acknowledge it, reply to it.

Only the manager of record (the one the check-in was sent to) may do either; the check-in id
arrives in a button value or a modal's private_metadata, so it is re-checked here every time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.config import Settings
from bot.monitoring import notify
from bot.monitoring.errors import MonitoringValidationError, NotFound
from bot.monitoring.rules import require_manager_of_record
from bot.planning.forms import clean_text
from storage.checkins import Checkin, CheckinReply
from storage.models import Employee

REPLY_LIMIT = 2000


def checkin_for_manager(session: Session, actor: Employee, checkin_id: int) -> Checkin:
    checkin = session.scalar(
        select(Checkin).where(Checkin.id == checkin_id, Checkin.team_id == actor.team_id)
    )
    if checkin is None:
        raise NotFound(checkin_id)
    require_manager_of_record(actor, checkin)
    return checkin


def acknowledge_checkin(
    session: Session, actor: Employee, checkin_id: int, *, settings: Settings, now: datetime
) -> tuple[Checkin, bool]:
    """(check-in, changed); acknowledging twice changes and sends nothing."""
    checkin = checkin_for_manager(session, actor, checkin_id)
    if checkin.acknowledged_at is not None:
        return checkin, False
    checkin.acknowledged_at = now
    audit.record(
        session,
        team_id=checkin.team_id,
        actor=actor.slack_id,
        action="checkin.acknowledged",
        subject=str(checkin.id),
        at=now,
    )
    notify.acknowledged(session, checkin, settings, now)
    notify.refresh_summary(session, checkin, settings, now)
    return checkin, True


def reply_to_checkin(
    session: Session,
    actor: Employee,
    checkin_id: int,
    text: str,
    *,
    settings: Settings,
    now: datetime,
) -> CheckinReply:
    checkin = checkin_for_manager(session, actor, checkin_id)
    text = clean_text(text)
    if not text:
        raise MonitoringValidationError({"reply": "monitoring.error.reply_empty"})
    if len(text) > REPLY_LIMIT:
        raise MonitoringValidationError({"reply": "monitoring.error.too_long"}, limit=REPLY_LIMIT)
    reply = CheckinReply(
        team_id=checkin.team_id,
        checkin_id=checkin.id,
        author_id=actor.id,
        text=text,
        created_at=now,
    )
    session.add(reply)
    session.flush()
    audit.record(
        session,
        team_id=checkin.team_id,
        actor=actor.slack_id,
        action="checkin.replied",
        subject=str(checkin.id),
        detail={"reply_id": reply.id},
        at=now,
    )
    notify.replied(session, checkin, reply, settings, now)
    return reply
