"""The scheduled side of check-ins: a prompt per person per period, and at most one reminder.

Rule (DESIGN.md principles 3 and 9): on each tick, a person is prompted for a period when

- they are active and not away on their local date,
- the period's prompt moment (see bot/monitoring/periods.py: the schedule's weekday and local
  time in the person's own zone, moved past weekends and public holidays) has come, and it is
  still within its window: at most 12 hours late and never after 18:00 local that day, so a
  missed tick or a restart is caught up the same working day, and a person is never asked in
  the evening. A window missed entirely (the process was down all afternoon) is not made up
  the next day: the person still finds "Start check-in" on the Home tab and in `/kinerja
  checkin`, and participation shows them as not prompted.
- they have not been prompted for it yet (a `checkin_prompts` row) and have not checked in.

A prompted person who has not checked in by the same local time on the next working day gets
one reminder (same window rule); `reminded_at` and the outbox key cap it at one per period.
Only the current and the previous period are considered: older ones are closed.

The prompt says who reads the check-in (`prompt_reader`: the manager, HR standing in for
someone without one, or nobody), the same person `submit_checkin` then sends it to.

Every message is an outbox row keyed `checkin:prompt|reminder:{employee_id}:{period}`, written in
the same transaction as the prompt row, so ticking the same minute twice — in one process, after
a restart or on two instances — sends nothing new.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import outbox
from bot.blocks.monitoring import prompt_message
from bot.clock import zone_of
from bot.config import Settings
from bot.monitoring.notify import prompt_key, prompt_reader, reminder_key, translator
from bot.monitoring.periods import Moments, moments, open_periods, within_working_hours
from bot.monitoring.schedule import load_schedules
from bot.ticks import TickContext
from storage.checkins import Checkin, CheckinPrompt
from storage.models import Employee


def is_away(person: Employee, today: date) -> bool:
    """`away until D` means away through D in the person's own zone."""
    return person.away_until is not None and today <= person.away_until


def due_now(
    session: Session, team_id: str, settings: Settings, now: datetime
) -> list[tuple[str, Employee, Moments]]:
    """(kind, person, moments) for every prompt or reminder whose window contains `now`,
    before looking at what was already sent."""
    schedules = load_schedules(session, team_id)
    people = session.scalars(
        select(Employee).where(Employee.team_id == team_id, Employee.active.is_(True))
    ).all()
    due: list[tuple[str, Employee, Moments]] = []
    for person in people:
        zone = zone_of(person.tz, settings.default_tz)
        local = now.astimezone(zone)
        if not within_working_hours(local.time()) or is_away(person, local.date()):
            continue
        spec = schedules.for_team(person.org_team_id)
        for period in reversed(open_periods(spec.cadence, local.date())):
            at = moments(period, spec.weekday, spec.at, zone, settings.holiday_country)
            if at.prompt_due <= now < at.prompt_until:
                due.append(("prompt", person, at))
            elif at.reminder_due <= now < at.reminder_until:
                due.append(("reminder", person, at))
    return due


def send_due_prompts(session: Session, team_id: str, settings: Settings, now: datetime) -> int:
    due = due_now(session, team_id, settings, now)
    if not due:
        return 0
    ids = {person.id for _, person, _ in due}
    keys = {at.period.key for _, _, at in due}
    prompted = {
        (row.employee_id, row.period): row
        for row in session.scalars(
            select(CheckinPrompt).where(
                CheckinPrompt.employee_id.in_(ids), CheckinPrompt.period.in_(keys)
            )
        )
    }
    answered = set(
        session.execute(
            select(Checkin.employee_id, Checkin.period).where(
                Checkin.employee_id.in_(ids), Checkin.period.in_(keys)
            )
        ).all()
    )
    sent = 0
    for kind, person, at in due:
        pair = (person.id, at.period.key)
        if pair in answered:
            continue
        row = prompted.get(pair)
        if kind == "prompt" and row is None:
            sent += _prompt(session, person, at, settings, now)
        elif kind == "reminder" and row is not None and row.reminded_at is None:
            sent += _remind(session, person, row, at, settings, now)
    return sent


def _prompt(
    session: Session, person: Employee, at: Moments, settings: Settings, now: datetime
) -> int:
    row = CheckinPrompt(
        team_id=person.team_id,
        employee_id=person.id,
        period=at.period.key,
        due_at=at.prompt_due,
        prompted_at=now,
        reminder_due_at=at.reminder_due,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return 0  # another instance prompted this person for this period a moment ago
    tr = translator(person, settings)
    outbox.enqueue(
        session,
        team_id=person.team_id,
        key=prompt_key(person.id, at.period.key),
        method="chat.postMessage",
        payload={
            "channel": person.slack_id,
            **prompt_message(tr, at.period, prompt_reader(session, person), reminder=False),
        },
        now=now,
    )
    return 1


def _remind(
    session: Session,
    person: Employee,
    row: CheckinPrompt,
    at: Moments,
    settings: Settings,
    now: datetime,
) -> int:
    claimed = session.execute(
        update(CheckinPrompt)
        .where(CheckinPrompt.id == row.id, CheckinPrompt.reminded_at.is_(None))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return 0
    tr = translator(person, settings)
    outbox.enqueue(
        session,
        team_id=person.team_id,
        key=reminder_key(person.id, at.period.key),
        method="chat.postMessage",
        payload={
            "channel": person.slack_id,
            **prompt_message(tr, at.period, prompt_reader(session, person), reminder=True),
        },
        now=now,
    )
    return 1


def checkin_prompts_task(ctx: TickContext) -> int:
    return send_due_prompts(ctx.session, ctx.workspace.team_id, ctx.settings, ctx.now)
