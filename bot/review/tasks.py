"""The Review cycle's scheduled work, registered in bot.ticks.TICK_TASKS on import
(bot/scheduler_tasks.py imports this module).

- `review_cycles`: a scheduled cycle opens on its day from 09:00 in the organisation's zone
  (bot/review/cycles.py), inviting every participant by DM.
- `review_reminders`: one reminder before each due date — the employee's self-review, then the
  manager's review — on the working day two working days before it, during the recipient's
  working hours (09:00–18:00 local, weekdays that are not public holidays), not while they are
  away. A reminder is skipped when its step only began on or after that day (a fresh
  invitation already names the due date). `*_reminded_at` and the outbox keys
  `review:{id}:remind:self|manager` cap each at one, however often the tick runs.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select

from bot.i18n import translators
from bot.review import notify
from bot.review.cycles import open_due_cycles
from bot.review.dates import (
    REMINDER_WORKING_DAYS,
    local_today,
    within_working_hours,
    working_days_before,
)
from bot.review.history import record
from bot.ticks import TickContext, TickTask
from storage.models import Employee
from storage.reviews import CycleStatus, Review, ReviewCycle, ReviewEventAction, ReviewStatus


def review_cycles_task(ctx: TickContext) -> int:
    tr_for = translators(ctx.settings.default_locale)
    return open_due_cycles(ctx.session, ctx.workspace.team_id, ctx.now, tr_for)


def _due(person: Employee | None, due_day: date, began: datetime | None, ctx: TickContext) -> bool:
    """Whether `person` should get the reminder for a step due on `due_day` now."""
    if person is None or not person.active or began is None:
        return False
    fallback, country = ctx.settings.default_tz, ctx.settings.holiday_country
    remind_day = working_days_before(due_day, REMINDER_WORKING_DAYS, country)
    today = local_today(ctx.now, person.tz, fallback)
    if not remind_day <= today <= due_day:
        return False
    if local_today(began, person.tz, fallback) >= remind_day:
        return False
    if person.away_until is not None and today <= person.away_until:
        return False
    return within_working_hours(ctx.now, person.tz, fallback, country)


def review_reminders_task(ctx: TickContext) -> int:
    tr_for = translators(ctx.settings.default_locale)
    candidates = ctx.session.scalars(
        select(Review)
        .join(ReviewCycle, ReviewCycle.id == Review.cycle_id)
        .where(
            Review.team_id == ctx.workspace.team_id,
            ReviewCycle.status == CycleStatus.OPEN.value,
            or_(
                (Review.status == ReviewStatus.NOT_STARTED.value)
                & Review.self_reminded_at.is_(None),
                (Review.status == ReviewStatus.SELF_SUBMITTED.value)
                & Review.manager_reminded_at.is_(None),
            ),
        )
        .order_by(Review.id)
    ).unique()
    sent = 0
    for review in candidates:
        cycle = review.cycle
        person: Employee | None
        if review.status == ReviewStatus.NOT_STARTED:
            step, person, due, began = "self", review.employee, cycle.self_due, cycle.opened_at
        else:
            step, person, due = "manager", review.manager, cycle.manager_due
            began = review.self_submitted_at
        if person is None or not _due(person, due, began, ctx):
            continue
        notify.remind(ctx.session, review, person, step, ctx.now, tr_for)
        if step == "self":
            review.self_reminded_at = ctx.now
        else:
            review.manager_reminded_at = ctx.now
        record(ctx.session, cycle, review, None, ReviewEventAction.REMINDED, ctx.now, step=step)
        sent += 1
    return sent


TICK_TASKS = (
    TickTask("review_cycles", review_cycles_task),
    TickTask("review_reminders", review_reminders_task),
)
