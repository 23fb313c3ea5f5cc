"""The Slack messages check-ins cause, written to the outbox in the caller's transaction.

A manager gets one parent DM per period ("Check-ins for week 48"); each check-in of their
reports is a reply in that thread, so someone with twenty reports gets one conversation per
period, not twenty top-level DMs. The reply is updated in place (chat.update with a versioned
key) whenever its state changes — an edit, an acknowledgement, an obstacle taken on — so it
never offers a button that no longer makes sense. The employee hears back in their own DM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.blocks import monitoring as blocks
from bot.config import Settings
from bot.i18n import Translator, resolve_locale
from bot.monitoring.periods import parse_period
from bot.monitoring.summary import obstacle_line, summary_of
from storage.checkins import Checkin, CheckinReply, Obstacle
from storage.models import Employee, OutboxMessage, OutboxStatus


def translator(person: Employee | None, settings: Settings) -> Translator:
    """The person's Slack language, else the organisation default."""
    locale = person.locale if person is not None else None
    return Translator(resolve_locale(locale, settings.default_locale))


def thread_key(manager_id: int, period: str) -> str:
    return f"checkin:thread:{manager_id}:{period}"


def summary_key(checkin_id: int) -> str:
    return f"checkin:summary:{checkin_id}"


def _post(session: Session, team_id: str, key: str, payload: dict[str, Any], now: datetime) -> None:
    outbox.enqueue(
        session, team_id=team_id, key=key, method="chat.postMessage", payload=payload, now=now
    )


def _exists(session: Session, team_id: str, key: str) -> bool:
    return (
        session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.team_id == team_id, OutboxMessage.idempotency_key == key
            )
        )
        is not None
    )


def _reachable(person: Employee | None) -> Employee | None:
    return person if person is not None and person.active else None


def post_summary(session: Session, checkin: Checkin, settings: Settings, now: datetime) -> None:
    """First submission of the period: the manager's thread (once) and this check-in in it."""
    manager = _reachable(checkin.manager)
    if manager is None:
        return  # nobody to tell; open obstacles still escalate to HR
    tr = translator(manager, settings)
    parent = thread_key(manager.id, checkin.period)
    period = parse_period(checkin.period)
    _post(
        session,
        checkin.team_id,
        parent,
        {"channel": manager.slack_id, **blocks.thread_parent(tr, period)},
        now,
    )
    message = blocks.summary_message(tr, summary_of(session, checkin))
    payload = {"channel": manager.slack_id, "_thread_of": parent, **message}
    _post(session, checkin.team_id, summary_key(checkin.id), payload, now)


def refresh_summary(session: Session, checkin: Checkin, settings: Settings, now: datetime) -> None:
    """Re-render the manager's copy after a change; a no-op if it was never posted.

    Each update carries the whole message as it is now, so an older update still waiting in
    the outbox is dropped: the sender's workers may deliver two rows in either order, and an
    old render arriving last would bring back a button that no longer applies. (A row already
    being sent is left alone; the sender owns it.)
    """
    manager = _reachable(checkin.manager)
    original = summary_key(checkin.id)
    if manager is None or not _exists(session, checkin.team_id, original):
        return
    session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.team_id == checkin.team_id,
            OutboxMessage.idempotency_key.startswith(f"{original}:v", autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING.value,
        )
        .execution_options(synchronize_session=False)
    )
    checkin.summary_version += 1
    session.flush()
    message = blocks.summary_message(translator(manager, settings), summary_of(session, checkin))
    outbox.enqueue(
        session,
        team_id=checkin.team_id,
        key=f"{original}:v{checkin.summary_version}",
        method="chat.update",
        payload={"_update_of": original, **message},
        now=now,
    )


def acknowledged(session: Session, checkin: Checkin, settings: Settings, now: datetime) -> None:
    employee = _reachable(checkin.employee)
    if employee is None or checkin.manager is None:
        return
    tr = translator(employee, settings)
    message = blocks.ack_to_employee(tr, checkin.manager.slack_id, parse_period(checkin.period))
    _post(
        session,
        checkin.team_id,
        f"checkin:ack:{checkin.id}",
        {"channel": employee.slack_id, **message},
        now,
    )


def replied(
    session: Session, checkin: Checkin, reply: CheckinReply, settings: Settings, now: datetime
) -> None:
    """The reply lands in the manager's thread, and the employee gets it in their DM."""
    manager, employee = checkin.manager, checkin.employee
    if manager is not None:
        tr = translator(manager, settings)
        _post(
            session,
            checkin.team_id,
            f"checkin:reply:{reply.id}:thread",
            {
                "channel": manager.slack_id,
                "_thread_of": thread_key(manager.id, checkin.period),
                **blocks.reply_in_thread(tr, employee.slack_id, reply.text),
            },
            now,
        )
    if _reachable(employee) is not None and manager is not None:
        tr = translator(employee, settings)
        period = parse_period(checkin.period)
        _post(
            session,
            checkin.team_id,
            f"checkin:reply:{reply.id}:employee",
            {
                "channel": employee.slack_id,
                **blocks.reply_to_employee(tr, manager.slack_id, period, reply.text),
            },
            now,
        )


def obstacle_changed(
    session: Session, obstacle: Obstacle, actor: Employee, settings: Settings, now: datetime
) -> None:
    """Tell the employee when someone else took on or resolved their obstacle."""
    employee = _reachable(obstacle.employee)
    if employee is None or actor.id == employee.id:
        return
    tr = translator(employee, settings)
    message = blocks.obstacle_news(tr, actor.slack_id, obstacle_line(obstacle))
    _post(
        session,
        obstacle.team_id,
        f"obstacle:{obstacle.id}:{obstacle.status}",
        {"channel": employee.slack_id, **message},
        now,
    )


def remind_manager(
    session: Session, obstacle: Obstacle, manager: Employee, settings: Settings, now: datetime
) -> None:
    tr = translator(manager, settings)
    message = blocks.obstacle_reminder(tr, obstacle_line(obstacle), now)
    _post(
        session,
        obstacle.team_id,
        f"obstacle:{obstacle.id}:remind",
        {"channel": manager.slack_id, **message},
        now,
    )
