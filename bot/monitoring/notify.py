"""The Slack messages check-ins cause, written to the outbox in the caller's transaction.

A check-in is a conversation between two people, so it is held where both of them are
(DESIGN.md principle 4): its summary is posted to the group DM of the employee, the person who
reads it (their manager, or HR standing in) and the bot (`_open_users`, as goal approvals
are), and everything after it — the acknowledgement, a reply sent with **Reply**, an obstacle
taken on or resolved, the reminder about an obstacle nobody took — is a reply in the summary's
thread (`_thread_of`). Whatever either of them types in that thread, the other one reads. The
summary is updated in place (chat.update with a versioned key) whenever its state changes, so
it never offers a button that no longer makes sense.

Check-ins summarised before this design (a thread per manager and period in the manager's own
DM) keep their old conversation: their later messages still go where they went before.

The prompt in the employee's DM is updated to "done" (with **Edit**) when the check-in is in,
however the modal was opened (the prompt, the Home, `/kinerja checkin`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.blocks import monitoring as blocks
from bot.clock import zone_of
from bot.config import Settings
from bot.i18n import Translator, translators
from bot.monitoring.periods import parse_period
from bot.monitoring.rules import Reader, reader_for
from bot.monitoring.summary import obstacle_line, summary_of
from storage.checkins import Checkin, CheckinReply, Obstacle
from storage.models import Employee, OutboxMessage, OutboxStatus


def translator(person: Employee, settings: Settings) -> Translator:
    """The recipient's language (bot/i18n.py `translators`), for a message written for them."""
    return translators(settings.default_locale)(person)


def summary_key(checkin_id: int) -> str:
    return f"checkin:summary:{checkin_id}"


def prompt_key(employee_id: int, period: str) -> str:
    return f"checkin:prompt:{employee_id}:{period}"


def reminder_key(employee_id: int, period: str) -> str:
    return f"checkin:reminder:{employee_id}:{period}"


def _row(session: Session, team_id: str, key: str) -> OutboxMessage | None:
    return session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.team_id == team_id, OutboxMessage.idempotency_key == key
        )
    )


def _reachable(person: Employee | None) -> Employee | None:
    return person if person is not None and person.active else None


def _conversation(session: Session, checkin: Checkin | None) -> str | None:
    """The summary's key when it went to the pair's group DM (its thread is the conversation);
    None when there is none (nobody reads it) or it is an older summary in a manager's DM."""
    if checkin is None:
        return None
    row = _row(session, checkin.team_id, summary_key(checkin.id))
    if row is None or row.status == OutboxStatus.FAILED.value:
        return None
    return row.idempotency_key if (row.payload or {}).get("_open_users") else None


def _summary(
    session: Session, checkin: Checkin, reader: Employee, settings: Settings
) -> dict[str, Any]:
    """The summary as it is now, in the reader's language (the buttons on it are theirs)."""
    stand_in = reader.id != checkin.employee.manager_id
    tr = translator(reader, settings)
    return blocks.summary_message(tr, summary_of(session, checkin), reader.slack_id, stand_in)


def _update(
    session: Session,
    team_id: str,
    original: str,
    versions: str,
    version: int,
    message: dict[str, Any],
    now: datetime,
) -> None:
    """`original` rewritten as `message`: a chat.update keyed `{versions}{version}`. An older
    update of it still waiting in the outbox is dropped first: the sender's workers may deliver
    two rows in either order, and an old render arriving last would bring back a button that
    no longer applies. (A row already being sent is left alone; the sender owns it.)"""
    session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.idempotency_key.startswith(versions, autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING.value,
        )
        .execution_options(synchronize_session=False)
    )
    outbox.enqueue(
        session,
        team_id=team_id,
        key=f"{versions}{version}",
        method="chat.update",
        payload={"_update_of": original, **message},
        now=now,
    )


def post_summary(session: Session, checkin: Checkin, settings: Settings, now: datetime) -> None:
    """First submission of the period: the summary in the pair's group DM, in the reader's
    language (the buttons on it are theirs)."""
    reader = _reachable(checkin.manager)
    if reader is None:
        return  # nobody reads it (the prompt said so); open obstacles still escalate to HR
    outbox.post_message(
        session,
        team_id=checkin.team_id,
        key=summary_key(checkin.id),
        message=_summary(session, checkin, reader, settings),
        now=now,
        open_users=[checkin.employee.slack_id, reader.slack_id],
    )


def refresh_summary(session: Session, checkin: Checkin, settings: Settings, now: datetime) -> None:
    """Re-render the summary after a change; a no-op if it was never posted. Each update
    carries the whole message as it is now, so an older one still waiting can go."""
    reader = _reachable(checkin.manager)
    original = summary_key(checkin.id)
    if reader is None or _row(session, checkin.team_id, original) is None:
        return
    checkin.summary_version += 1
    session.flush()
    message = _summary(session, checkin, reader, settings)
    _update(
        session, checkin.team_id, original, f"{original}:v", checkin.summary_version, message, now
    )


def _tell(
    session: Session,
    checkin: Checkin | None,
    person: Employee,
    key: str,
    message: dict[str, Any],
    now: datetime,
) -> None:
    """In the check-in's thread when there is one (both of the pair read it), else in the
    person's DM."""
    conversation = _conversation(session, checkin)
    where: dict[str, Any] = (
        {"thread_of": conversation} if conversation else {"channel": person.slack_id}
    )
    outbox.post_message(session, team_id=person.team_id, key=key, message=message, now=now, **where)


def acknowledged(session: Session, checkin: Checkin, settings: Settings, now: datetime) -> None:
    employee = _reachable(checkin.employee)
    if employee is None or checkin.manager is None:
        return
    tr = translator(employee, settings)
    message = blocks.ack_to_employee(
        tr, employee.slack_id, checkin.manager.slack_id, parse_period(checkin.period)
    )
    _tell(session, checkin, employee, f"checkin:ack:{checkin.id}", message, now)


def replied(
    session: Session, checkin: Checkin, reply: CheckinReply, settings: Settings, now: datetime
) -> None:
    """A reply sent from the Reply modal lands in the check-in's thread, where the employee
    reads it (mentioned, so they are notified) and where either of them answers."""
    manager, employee = checkin.manager, checkin.employee
    if manager is None:
        return
    tr = translator(employee, settings)
    message = blocks.reply_in_thread(
        tr, employee.slack_id, manager.slack_id, parse_period(checkin.period), reply.text
    )
    _tell(session, checkin, employee, f"checkin:reply:{reply.id}:thread", message, now)


def obstacle_changed(
    session: Session, obstacle: Obstacle, actor: Employee, settings: Settings, now: datetime
) -> None:
    """Tell the employee when someone else took on or resolved their obstacle."""
    employee = _reachable(obstacle.employee)
    if employee is None or actor.id == employee.id:
        return
    tr = translator(employee, settings)
    message = blocks.obstacle_news(tr, employee.slack_id, actor.slack_id, obstacle_line(obstacle))
    key = f"obstacle:{obstacle.id}:{obstacle.status}"
    _tell(session, obstacle.checkin, employee, key, message, now)


def remind_manager(
    session: Session, obstacle: Obstacle, manager: Employee, settings: Settings, now: datetime
) -> None:
    """The reminder about an obstacle nobody took on goes to the check-in's thread (the
    employee sees that it was not forgotten), naming the manager; else to their DM."""
    tr = translator(manager, settings)
    message = blocks.obstacle_reminder(tr, obstacle_line(obstacle), now, manager.slack_id)
    _tell(session, obstacle.checkin, manager, f"obstacle:{obstacle.id}:remind", message, now)


def prompt_done(session: Session, checkin: Checkin, settings: Settings, now: datetime) -> None:
    """The prompt (and the reminder, if one went out) for this period now says the check-in
    is in, with **Edit**, in the employee's language. Versioned by the number of edits, so an
    edit shows its new time; an older update still waiting is dropped, as for the summary."""
    employee = checkin.employee
    tr = translator(employee, settings)
    reader = Reader(_reachable(checkin.manager), checkin.manager_id != employee.manager_id)
    zone = zone_of(employee.tz, settings.default_tz)
    message = blocks.prompt_done(tr, parse_period(checkin.period), checkin.updated_at, zone, reader)
    for target in (
        prompt_key(employee.id, checkin.period),
        reminder_key(employee.id, checkin.period),
    ):
        row = _row(session, checkin.team_id, target)
        if row is None or row.status == OutboxStatus.FAILED.value:
            continue
        versions = f"{target}:done:v"
        _update(session, checkin.team_id, target, versions, checkin.edits, message, now)


def prompt_reader(session: Session, person: Employee) -> Reader:
    """Who the prompt says reads the check-in; `submit_checkin` sends it to the same one."""
    reader = reader_for(session, person)
    return Reader(_reachable(reader.person), reader.stand_in)
