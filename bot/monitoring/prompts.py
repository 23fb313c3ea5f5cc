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

A large fan-out starts early so that it is centred on the prompt moment (bot/monitoring/spread.py):
N prompts due at T take N / rate seconds at the workspace's budget, so they are sent from
T - N / (2 * rate) on (never more than 30 minutes early, never before 09:00 local), each row
with its own slot as `next_attempt_at`; the window above opens a tick before the first slot
instead of at T. Fewer than a minute's lead — 600 people at 5/s — is no lead: they are
enqueued at T as always.

Cost: the tick reads which zones and teams have a window open (bot/monitoring/due.py) and only
then their people, all at once; prompt rows, outbox rows and reminder claims are written in
set-based statements (bot/monitoring/bulk.py), so a due minute is a handful of statements
whether 50 people are due or 10,000.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.monitoring import prompt_message
from bot.config import Settings
from bot.i18n import Translator, translators
from bot.monitoring.bulk import OutboxRow, claim_reminders, enqueue_many, insert_prompts
from bot.monitoring.due import DuePerson, due_people, open_windows
from bot.monitoring.notify import prompt_key, reminder_key
from bot.monitoring.rules import Reader
from bot.ticks import TickContext
from storage.models import Employee, Role


def is_away(person: Employee, today: date) -> bool:
    """`away until D` means away through D in the person's own zone."""
    return person.away_until is not None and today <= person.away_until


def send_due_prompts(session: Session, team_id: str, settings: Settings, now: datetime) -> int:
    """Prompt and remind everyone due now; how many messages were stored."""
    windows = open_windows(session, team_id, settings, now)
    if not windows:
        return 0
    due = due_people(session, team_id, windows, now)
    if not due:
        return 0
    readers = _Readers(session, team_id, due)
    messages = _Messages(settings, readers)
    prompts = [person for person in due if person.window.kind == "prompt"]
    reminders = [person for person in due if person.window.kind == "reminder"]
    return _prompt(session, team_id, prompts, messages, now) + _remind(
        session, team_id, reminders, messages, now
    )


def _prompt(
    session: Session, team_id: str, due: list[DuePerson], messages: _Messages, now: datetime
) -> int:
    """Prompt rows first: only the people whose row this transaction stored get a message."""
    slots: dict[tuple[int, str], datetime] = {}
    order: dict[tuple[datetime, datetime], int] = {}
    for person in due:  # by id: the i-th person of a spread gets its i-th slot
        spread = person.window.spread
        if spread is not None:
            group = (person.window.at.prompt_due, spread.start)
            index = order[group] = order.get(group, -1) + 1
            slots[(person.id, person.window.at.period.key)] = spread.slot(index)
    stored = insert_prompts(
        session,
        [
            {
                "team_id": team_id,
                "employee_id": person.id,
                "period": person.window.at.period.key,
                "due_at": person.window.at.prompt_due,
                "prompted_at": max(now, slots.get((person.id, person.window.at.period.key), now)),
                "reminder_due_at": person.window.at.reminder_due,
                "reminded_at": None,
            }
            for person in due
        ],
    )
    rows = [
        OutboxRow(
            prompt_key(person.id, person.window.at.period.key),
            messages.payload(person, reminder=False),
            slots.get((person.id, person.window.at.period.key)),
        )
        for person in due
        if (person.id, person.window.at.period.key) in stored
    ]
    enqueue_many(session, team_id=team_id, method="chat.postMessage", rows=rows, now=now)
    return len(rows)


def _remind(
    session: Session, team_id: str, due: list[DuePerson], messages: _Messages, now: datetime
) -> int:
    """One set-based claim of the prompts' `reminded_at`; a reminder for each claimed one."""
    claimed = claim_reminders(session, [p.prompt_id for p in due if p.prompt_id is not None], now)
    rows = [
        OutboxRow(
            reminder_key(person.id, person.window.at.period.key),
            messages.payload(person, reminder=True),
        )
        for person in due
        if person.prompt_id in claimed
    ]
    enqueue_many(session, team_id=team_id, method="chat.postMessage", rows=rows, now=now)
    return len(rows)


class _Readers:
    """Who reads each due person's check-in (bot/monitoring/rules.py `reader_for`): the manager
    of record when active and not themselves, else the first active HR person by name, then
    the first admin, never the person. The stand-ins are read once for everyone."""

    def __init__(self, session: Session, team_id: str, due: list[DuePerson]) -> None:
        self._stand_ins: list[tuple[int, str, str]] = []
        if any(not _has_manager(person) for person in due):
            self._stand_ins = [
                (row.id, row.slack_id, row.role)
                for row in session.execute(
                    select(Employee.id, Employee.slack_id, Employee.role)
                    .where(
                        Employee.team_id == team_id,
                        Employee.role.in_((Role.HR.value, Role.ADMIN.value)),
                        Employee.active.is_(True),
                    )
                    .order_by(Employee.name, Employee.id)
                )
            ]
        self._people: dict[tuple[int, str], Employee] = {}

    def of(self, person: DuePerson) -> Reader:
        if _has_manager(person):
            assert person.manager_id is not None and person.manager_slack_id is not None
            return Reader(self._person(person.manager_id, person.manager_slack_id), False)
        for role in (Role.HR.value, Role.ADMIN.value):
            for id_, slack_id, their_role in self._stand_ins:
                if their_role == role and id_ != person.id:
                    return Reader(self._person(id_, slack_id), True)
        return Reader(None, True)

    def _person(self, id_: int, slack_id: str) -> Employee:
        """A detached stand-in for the reader: the prompt names them by id and Slack id."""
        key = (id_, slack_id)
        if key not in self._people:
            self._people[key] = Employee(id=id_, slack_id=slack_id, active=True)
        return self._people[key]


def _has_manager(person: DuePerson) -> bool:
    """A manager who left the workspace is no manager (bot/planning/rules.py `has_manager`)."""
    return bool(
        person.manager_id is not None and person.manager_active and person.manager_id != person.id
    )


class _Messages:
    """Prompt payloads, rendered once per (language, period, reader, kind) and shared."""

    def __init__(self, settings: Settings, readers: _Readers) -> None:
        self._translator = translators(settings.default_locale)
        self._readers = readers
        self._translators: dict[str | None, Translator] = {}
        self._rendered: dict[tuple[str, str, str | None, bool, bool], dict[str, Any]] = {}

    def payload(self, person: DuePerson, *, reminder: bool) -> dict[str, Any]:
        if person.locale not in self._translators:
            self._translators[person.locale] = self._translator(person)
        tr = self._translators[person.locale]
        reader = self._readers.of(person)
        period = person.window.at.period
        key = (tr.locale, period.key, reader.slack_id, reader.stand_in, reminder)
        if key not in self._rendered:
            self._rendered[key] = prompt_message(tr, period, reader, reminder=reminder)
        return {"channel": person.slack_id, **self._rendered[key]}


def checkin_prompts_task(ctx: TickContext) -> int:
    return send_due_prompts(ctx.session, ctx.workspace.team_id, ctx.settings, ctx.now)
