"""The Feedback cycle's scheduled work, declared in handlers/feedback's CYCLE.

- `feedback_requests`: requests past their time expire (pending asks lose their buttons, the
  requester hears how the request ended); each pending ask gets one reminder, once half of its
  time has passed (two working days before the end at the latest), during the asked person's
  working hours and not while they are away.
- `feedback_peers`: reviews of open cycles with peer feedback get their employee's invitation
  to propose peers (bot/feedback/peers.py).
- `feedback_upward`: rounds whose last day has ended close (each manager hears their results
  or why there are none); each report who has not answered gets one reminder two working
  days before the last day, during their working hours.

Every reminder is capped at one by its `reminded_at` and its outbox key, however often the
tick runs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.feedback import notify, upward_notify
from bot.feedback.notify import TranslatorFor
from bot.feedback.peers import invite_proposers
from bot.feedback.requests import expire_requests
from bot.feedback.timing import local_day, within_working_hours, working_days_before
from bot.feedback.upward import close_due_rounds
from bot.i18n import translators
from bot.ticks import TickContext, TickTask
from storage.feedback import AskStatus, FeedbackAsk, FeedbackRequest, RequestStatus
from storage.models import Employee
from storage.upward import RoundStatus, UpwardInvitation, UpwardRound

REMINDER_WORKING_DAYS = 2


def _reachable(person: Employee, now: datetime, settings: Settings) -> bool:
    """Here, not away, and within their working hours."""
    if not person.active:
        return False
    today = local_day(now, person.tz, settings.default_tz)
    if person.away_until is not None and today <= person.away_until:
        return False
    return within_working_hours(now, person.tz, settings.default_tz, settings.holiday_country)


def remind_asks(
    session: Session, team_id: str, now: datetime, settings: Settings, tr_for: TranslatorFor
) -> int:
    asks = session.scalars(
        select(FeedbackAsk)
        .join(FeedbackRequest, FeedbackRequest.id == FeedbackAsk.request_id)
        .where(
            FeedbackAsk.team_id == team_id,
            FeedbackAsk.status == AskStatus.PENDING.value,
            FeedbackAsk.reminded_at.is_(None),
            FeedbackRequest.status == RequestStatus.OPEN.value,
            FeedbackRequest.expires_at > now,
        )
        .order_by(FeedbackAsk.id)
    ).unique()
    sent = 0
    for ask in asks:
        request = ask.request
        halfway = request.created_at + (request.expires_at - request.created_at) / 2
        last_day = local_day(request.expires_at, ask.asked.tz, settings.default_tz)
        latest = working_days_before(last_day, REMINDER_WORKING_DAYS, settings.holiday_country)
        today = local_day(now, ask.asked.tz, settings.default_tz)
        if now < halfway and today < latest:
            continue
        if not _reachable(ask.asked, now, settings):
            continue
        notify.remind(session, ask, now, tr_for, settings.default_tz)
        ask.reminded_at = now
        sent += 1
    return sent


def remind_upward(
    session: Session, team_id: str, now: datetime, settings: Settings, tr_for: TranslatorFor
) -> int:
    invitations = session.scalars(
        select(UpwardInvitation)
        .join(UpwardRound, UpwardRound.id == UpwardInvitation.round_id)
        .where(
            UpwardInvitation.team_id == team_id,
            UpwardInvitation.answered.is_(False),
            UpwardInvitation.reminded_at.is_(None),
            UpwardRound.status == RoundStatus.OPEN.value,
        )
        .order_by(UpwardInvitation.id)
    ).unique()
    sent = 0
    for invitation in invitations:
        round_ = invitation.round
        remind_on = working_days_before(
            round_.closes_on, REMINDER_WORKING_DAYS, settings.holiday_country
        )
        today = local_day(now, invitation.employee.tz, settings.default_tz)
        if not remind_on <= today <= round_.closes_on:
            continue
        if local_day(invitation.created_at, None, round_.tz) >= remind_on:
            continue  # invited that late: the invitation itself names the last day
        if not _reachable(invitation.employee, now, settings):
            continue
        upward_notify.remind(session, invitation, now, tr_for, settings.default_tz)
        invitation.reminded_at = now
        sent += 1
    return sent


def requests_task(ctx: TickContext) -> int:
    tr_for = translators(ctx.settings.default_locale)
    team_id, now = ctx.workspace.team_id, ctx.now
    done = expire_requests(ctx.session, team_id, now, tr_for, ctx.settings.default_tz)
    return done + remind_asks(ctx.session, team_id, now, ctx.settings, tr_for)


def peers_task(ctx: TickContext) -> int:
    tr_for = translators(ctx.settings.default_locale)
    return invite_proposers(
        ctx.session, ctx.workspace.team_id, ctx.now, tr_for, ctx.settings.default_tz
    )


def upward_task(ctx: TickContext) -> int:
    tr_for = translators(ctx.settings.default_locale)
    team_id, now = ctx.workspace.team_id, ctx.now
    done = close_due_rounds(ctx.session, team_id, now, tr_for, ctx.settings.default_tz)
    return done + remind_upward(ctx.session, team_id, now, ctx.settings, tr_for)


TICK_TASKS = (
    TickTask("feedback_requests", requests_task),
    TickTask("feedback_peers", peers_task),
    TickTask("feedback_upward", upward_task),
)
