"""A manager's 1:1 series with a report: set up, changed, paused, resumed, ended; the report's
proposal of another time and the manager's answer; skipping the next meeting.

The time is in the manager's zone (kept on the series, so a meeting does not move when Slack
reports a new zone) and must lie in working hours, as check-in prompts do; the first meeting
is today or later, at most a year ahead. Every change is audited, and the pair is told in
their group DM (bot/oneonone/notify.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import audit
from bot.config import Settings
from bot.monitoring.periods import within_working_hours
from bot.oneonone import notify
from bot.oneonone.agenda import series_view
from bot.oneonone.cadence import Plan, local_day, parse_time, zone
from bot.oneonone.errors import Invalid, NotFound, Refused
from bot.oneonone.rules import (
    Side,
    require_can_set_up,
    require_manager_side,
    require_participant,
    require_report_side,
)
from bot.oneonone.schedule import cancel_planned, plan_next, skip, upcoming, zone_name
from bot.oneonone.views import Proposal, SeriesForm
from bot.permissions import Action, require
from bot.sanitize import clean_text
from storage.checkins import Cadence
from storage.models import Employee
from storage.oneonones import OneOnOneMeeting, OneOnOneSeries, SeriesStatus

MAX_AHEAD = timedelta(days=366)
NOTE_LIMIT = 500


@dataclass(frozen=True)
class SeriesInput:
    """What the set-up or proposal modal sent, untrusted: ISO date, "HH:MM", a cadence."""

    cadence: str
    starts_on: str
    local_time: str


def validate(raw: SeriesInput, tz: str, now: datetime) -> Plan:
    """A plan from untrusted input, or Invalid naming each bad field."""
    errors: dict[str, str] = {}
    try:
        cadence = Cadence(raw.cadence).value
    except ValueError:
        errors["cadence"] = "oneonone.error.cadence"
        cadence = Cadence.WEEKLY.value
    today = local_day(now, tz)
    starts_on: date | None
    try:
        starts_on = date.fromisoformat(raw.starts_on.strip())
    except ValueError:
        starts_on = None
        errors["starts_on"] = "oneonone.error.date"
    else:
        if starts_on < today:
            errors["starts_on"] = "oneonone.error.date_past"
        elif starts_on > today + MAX_AHEAD:
            errors["starts_on"] = "oneonone.error.date_far"
    try:
        at = parse_time(raw.local_time)
    except ValueError:
        errors["local_time"] = "oneonone.error.time"
    else:
        if not within_working_hours(at):
            errors["local_time"] = "oneonone.error.time_hours"
        elif starts_on == today and datetime.combine(today, at, tzinfo=zone(tz)) <= now:
            errors["local_time"] = "oneonone.error.time_past"
    if errors or starts_on is None:
        raise Invalid(errors)
    return Plan(cadence, starts_on, at.strftime("%H:%M"), tz)


def series_between(session: Session, manager_id: int, employee_id: int) -> OneOnOneSeries | None:
    """The pair's live series (active or paused), if any."""
    return session.scalar(
        select(OneOnOneSeries).where(
            OneOnOneSeries.manager_id == manager_id,
            OneOnOneSeries.employee_id == employee_id,
            OneOnOneSeries.current.is_(True),
        )
    )


def get_series(session: Session, actor: Employee, series_id: int) -> tuple[OneOnOneSeries, Side]:
    series = session.get(OneOnOneSeries, series_id)
    if series is None or series.team_id != actor.team_id:
        raise NotFound(series_id)
    return series, require_participant(actor, series)


def report_of(session: Session, actor: Employee, employee_id: int) -> Employee:
    report = session.get(Employee, employee_id)
    if report is None or report.team_id != actor.team_id:
        raise NotFound(employee_id)
    return report


def series_form(
    session: Session, actor: Employee, report: Employee, settings: Settings, now: datetime
) -> SeriesForm:
    """The set-up modal for the actor's report: new, or the series they have."""
    require_can_set_up(actor, report)
    series = series_between(session, actor.id, report.id)
    tz = series.tz if series is not None else zone_name(actor, settings)
    return SeriesForm(
        report_id=report.id,
        report_slack_id=report.slack_id,
        tz=tz,
        today=local_day(now, tz),
        series=series_view(session, series) if series is not None else None,
    )


def _apply(series: OneOnOneSeries, plan: Plan, now: datetime) -> None:
    series.cadence = plan.cadence
    series.starts_on = plan.starts_on
    series.local_time = plan.local_time
    series.tz = plan.tz
    series.version += 1
    series.updated_at = now


def _describe(series: OneOnOneSeries) -> dict[str, object]:
    return {
        "cadence": series.cadence,
        "starts_on": series.starts_on.isoformat(),
        "local_time": series.local_time,
        "tz": series.tz,
        "status": series.status,
    }


def _audit(
    session: Session, series: OneOnOneSeries, actor: Employee | None, action: str, now: datetime,
    **detail: object,
) -> None:  # fmt: skip
    audit.record(
        session,
        team_id=series.team_id,
        actor=actor.slack_id if actor is not None else None,
        action=f"oneonone.{action}",
        subject=f"series:{series.id}",
        detail={**_describe(series), **detail},
        at=now,
    )


def _drop_proposal(
    session: Session, series: OneOnOneSeries, outcome: str, settings: Settings, now: datetime
) -> None:
    if series.proposed_on is None or series.proposed_time is None:
        return
    proposal = Proposal(
        series.proposals, series.proposed_on, series.proposed_time, series.proposal_note
    )
    series.proposed_on, series.proposed_time, series.proposal_note = None, None, ""
    notify.proposal_closed(session, series, proposal, outcome, settings, now)


def set_up(
    session: Session,
    actor: Employee,
    report_id: int,
    raw: SeriesInput,
    *,
    settings: Settings,
    now: datetime,
) -> OneOnOneSeries:
    """Start the pair's series, or change the one they have (the planned meeting moves, with
    its talking points; an open agenda stays as it is)."""
    report = report_of(session, actor, report_id)
    require_can_set_up(actor, report)
    series = series_between(session, actor.id, report.id)
    plan = validate(raw, series.tz if series is not None else zone_name(actor, settings), now)
    if series is None:
        series = OneOnOneSeries(
            team_id=actor.team_id,
            manager_id=actor.id,
            employee_id=report.id,
            cadence=plan.cadence,
            starts_on=plan.starts_on,
            local_time=plan.local_time,
            tz=plan.tz,
            status=SeriesStatus.ACTIVE.value,
            current=True,
            version=1,
            proposal_note="",
            proposals=0,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(series)
        except IntegrityError:
            raise Refused("oneonone.error.already") from None
        plan_next(session, series, settings, now)
        _audit(session, series, actor, "series_started", now)
        notify.series_started(session, series, settings, now)
        return series
    _apply(series, plan, now)
    plan_next(session, series, settings, now)
    _audit(session, series, actor, "series_changed", now)
    _drop_proposal(session, series, "superseded", settings, now)
    notify.series_changed(session, series, "changed", actor, settings, now)
    return series


def pause(
    session: Session, actor: Employee, series_id: int, *, settings: Settings, now: datetime
) -> bool:
    """No agenda opens while paused; the planned meeting keeps its talking points."""
    series, _ = get_series(session, actor, series_id)
    require_manager_side(actor, series)
    if series.status != SeriesStatus.ACTIVE.value:
        return False
    series.status = SeriesStatus.PAUSED.value
    series.version += 1
    series.updated_at = now
    _audit(session, series, actor, "series_paused", now)
    notify.series_changed(session, series, "paused", actor, settings, now)
    return True


def resume(
    session: Session, actor: Employee, series_id: int, *, settings: Settings, now: datetime
) -> bool:
    series, _ = get_series(session, actor, series_id)
    require_manager_side(actor, series)
    if series.status != SeriesStatus.PAUSED.value:
        return False
    series.status = SeriesStatus.ACTIVE.value
    series.version += 1
    series.updated_at = now
    plan_next(session, series, settings, now)
    _audit(session, series, actor, "series_resumed", now)
    notify.series_changed(session, series, "resumed", actor, settings, now)
    return True


def finish(
    session: Session,
    series: OneOnOneSeries,
    *,
    actor: Employee | None,
    reason: str,
    settings: Settings,
    now: datetime,
    tell: bool = True,
) -> None:
    """End a series (the manager ended it, or the pair no longer holds): its planned meeting
    is cancelled; open action items stay with their owners until done."""
    series.status = SeriesStatus.ENDED.value
    series.current = None
    series.ended_at = now
    series.ended_reason = reason
    series.version += 1
    series.updated_at = now
    cancel_planned(session, series, now)
    session.flush()
    _audit(session, series, actor, "series_ended", now, reason=reason)
    if tell:
        _drop_proposal(session, series, "superseded", settings, now)
        kind = "ended" if reason == "ended" else "pair_changed"
        notify.series_changed(session, series, kind, actor, settings, now)


def end(
    session: Session, actor: Employee, series_id: int, *, settings: Settings, now: datetime
) -> bool:
    series, side = get_series(session, actor, series_id)
    if side is not Side.MANAGER:
        raise Refused("oneonone.error.manager_only")
    if series.status == SeriesStatus.ENDED.value:
        return False
    finish(session, series, actor=actor, reason="ended", settings=settings, now=now)
    return True


def skip_next(
    session: Session, actor: Employee, series_id: int, *, settings: Settings, now: datetime
) -> OneOnOneMeeting:
    """Either of them skips the planned meeting (one whose agenda is open is skipped from
    the agenda itself); its talking points move on to the one after."""
    series, _ = get_series(session, actor, series_id)
    if series.status != SeriesStatus.ACTIVE.value:
        raise Refused(f"oneonone.error.series_{series.status}")
    meeting = upcoming(session, series)
    if meeting is None:
        raise Refused("oneonone.error.nothing_planned")
    following = skip(session, meeting, settings, now, by=actor, reason="asked")
    audit.record(
        session, team_id=series.team_id, actor=actor.slack_id, action="oneonone.meeting_skipped",
        subject=f"meeting:{meeting.id}", detail={"occurs_on": meeting.occurs_on.isoformat()},
        at=now,
    )  # fmt: skip
    notify.skipped(session, meeting, following, [], settings, now)
    notify.series_changed_quietly(session, series, settings, now)
    return meeting


def propose(
    session: Session,
    actor: Employee,
    series_id: int,
    raw: SeriesInput,
    note: str,
    *,
    settings: Settings,
    now: datetime,
) -> Proposal:
    """The report proposes another day and time (the cadence stays); the manager answers."""
    require(actor, Action.HOLD_ONE_ON_ONE)
    series, _ = get_series(session, actor, series_id)
    require_report_side(actor, series)
    if series.status == SeriesStatus.ENDED.value:
        raise Refused("oneonone.error.series_ended")
    plan = validate(SeriesInput(series.cadence, raw.starts_on, raw.local_time), series.tz, now)
    text = clean_text(note)
    if len(text) > NOTE_LIMIT:
        raise Invalid({"note": "oneonone.error.too_long"}, max=NOTE_LIMIT)
    _drop_proposal(session, series, "superseded", settings, now)
    series.proposals += 1
    series.proposed_on, series.proposed_time, series.proposal_note = (
        plan.starts_on, plan.local_time, text
    )  # fmt: skip
    series.updated_at = now
    session.flush()
    _audit(session, series, actor, "time_proposed", now, proposed=plan.starts_on.isoformat())
    notify.proposal_posted(session, series, settings, now)
    return Proposal(series.proposals, plan.starts_on, plan.local_time, text)


def answer_proposal(
    session: Session,
    actor: Employee,
    series_id: int,
    number: int | None,
    *,
    accept: bool,
    settings: Settings,
    now: datetime,
) -> bool:
    """The manager accepts the proposal (the series moves to it) or keeps the current time.
    An answer to a proposal that is no longer the current one changes nothing."""
    series, _ = get_series(session, actor, series_id)
    require_manager_side(actor, series)
    if series.proposed_on is None or series.proposed_time is None or number != series.proposals:
        raise Refused("oneonone.error.proposal_gone")
    proposal = Proposal(
        series.proposals, series.proposed_on, series.proposed_time, series.proposal_note
    )
    if accept:
        raw = SeriesInput(series.cadence, proposal.starts_on.isoformat(), proposal.local_time)
        try:
            plan = validate(raw, series.tz, now)
        except Invalid:
            raise Refused("oneonone.error.proposal_stale") from None
        _apply(series, plan, now)
        plan_next(session, series, settings, now)
    series.proposed_on, series.proposed_time, series.proposal_note = None, None, ""
    series.updated_at = now
    session.flush()
    outcome = "accepted" if accept else "declined"
    _audit(session, series, actor, f"proposal_{outcome}", now)
    notify.proposal_closed(session, series, proposal, outcome, settings, now)
    if accept:
        notify.series_changed_quietly(session, series, settings, now)
    return accept
