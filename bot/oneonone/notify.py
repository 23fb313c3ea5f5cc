"""The Slack messages 1:1s cause, written to the outbox in the caller's transaction.

A 1:1 is a conversation between two people, so it is held where both of them are (DESIGN.md
principle 4): the pair's group DM with the bot, opened by the sender (`open_users`). There:

- the series' message, posted when the manager sets it up (the report is told) and updated
  in place whenever it changes; changes, pauses, a proposal of another time and its answer
  are replies in its thread;
- each meeting's agenda, posted a working day before it and updated in place (chat.update,
  a versioned key; an older update still waiting is dropped) when either of them adds a
  talking point or an action item, or when it is held or skipped; Done's summary is a
  reply in its thread;
- a note when a meeting will not be held because one of them is away.

An action item's reminder goes to its owner's DM. Messages for both of them are in the
manager's language (the series is theirs); a reply addressed to one of them is in theirs.
Private notes never reach any of these messages: nothing here reads them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.blocks import oneonone as blocks
from bot.blocks.oneonone_agenda import agenda_message, summary_message
from bot.config import Settings
from bot.i18n import Translator, translators
from bot.oneonone.agenda import agenda_view as build_agenda
from bot.oneonone.agenda import item_line, series_view, summary_view
from bot.oneonone.schedule import upcoming
from bot.oneonone.views import Proposal
from bot.outbox import enqueue, post_message
from storage.models import Employee, OutboxMessage, OutboxStatus
from storage.oneonones import OneOnOneActionItem, OneOnOneMeeting, OneOnOneSeries


def series_key(series_id: int) -> str:
    return f"1on1:series:{series_id}"


def agenda_key(meeting_id: int) -> str:
    return f"1on1:agenda:{meeting_id}"


def _tr(person: Employee, settings: Settings) -> Translator:
    return translators(settings.default_locale)(person)


def _row(session: Session, team_id: str, key: str) -> OutboxMessage | None:
    return session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.team_id == team_id, OutboxMessage.idempotency_key == key
        )
    )


def _posted(session: Session, team_id: str, key: str) -> bool:
    """A message exists (or will) that later rows may thread under or update."""
    row = _row(session, team_id, key)
    return row is not None and row.status != OutboxStatus.FAILED.value


def _reachable(series: OneOnOneSeries) -> bool:
    """Both are active: a group DM with someone deactivated would not open."""
    return series.manager.active and series.employee.active


def _pair(series: OneOnOneSeries) -> list[str]:
    return [series.manager.slack_id, series.employee.slack_id]


def _update(
    session: Session, team_id: str, original: str, version: int, message: dict[str, Any],
    now: datetime,
) -> None:  # fmt: skip
    """Replace `original` with `message`; an older replacement still waiting is dropped (the
    sender may deliver two rows in either order, and the newest state must win)."""
    session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.idempotency_key.startswith(f"{original}:v", autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING.value,
        )
        .execution_options(synchronize_session=False)
    )
    enqueue(
        session,
        team_id=team_id,
        key=f"{original}:v{version}",
        method="chat.update",
        payload={"_update_of": original, **message},
        now=now,
    )


# ------------------------------------------------------------------------------ the series


def series_started(
    session: Session, series: OneOnOneSeries, settings: Settings, now: datetime
) -> None:
    if not _reachable(series):
        return
    message = blocks.series_message(_tr(series.manager, settings), series_view(session, series))
    post_message(
        session,
        team_id=series.team_id,
        key=series_key(series.id),
        message=message,
        now=now,
        open_users=_pair(series),
    )


def series_changed(
    session: Session,
    series: OneOnOneSeries,
    kind: str,
    actor: Employee | None,
    settings: Settings,
    now: datetime,
) -> None:
    """The series' message shows its new state, and its thread says what changed (`kind`:
    changed, paused, resumed, ended, pair_changed). A series whose message was never posted
    (set up before a failure) gets it now."""
    key = series_key(series.id)
    if not _reachable(series):
        return
    if not _posted(session, series.team_id, key):
        if series.status != "ended":
            series_started(session, series, settings, now)
        return
    tr = _tr(series.manager, settings)
    view = series_view(session, series)
    _update(session, series.team_id, key, series.version, blocks.series_message(tr, view), now)
    post_message(
        session,
        team_id=series.team_id,
        key=f"{key}:note:{series.version}:{kind}",
        message=blocks.series_note(tr, kind, view, actor.slack_id if actor else None),
        now=now,
        thread_of=key,
    )


def series_changed_quietly(
    session: Session, series: OneOnOneSeries, settings: Settings, now: datetime
) -> None:
    """The series' message shows its next meeting again (after a skip, or an accepted
    proposal whose answer already says what changed)."""
    key = series_key(series.id)
    if not _posted(session, series.team_id, key):
        return
    series.version += 1
    session.flush()
    message = blocks.series_message(_tr(series.manager, settings), series_view(session, series))
    _update(session, series.team_id, key, series.version, message, now)


def proposal_posted(
    session: Session, series: OneOnOneSeries, settings: Settings, now: datetime
) -> None:
    """The report's proposal, in the series' thread, for the manager (in their language)."""
    view = series_view(session, series)
    if view.proposal is None or not _posted(session, series.team_id, series_key(series.id)):
        return
    message = blocks.proposal_message(_tr(series.manager, settings), view, view.proposal)
    post_message(
        session,
        team_id=series.team_id,
        key=f"{series_key(series.id)}:proposal:{view.proposal.number}",
        message=message,
        now=now,
        thread_of=series_key(series.id),
    )


def proposal_closed(
    session: Session,
    series: OneOnOneSeries,
    proposal: Proposal,
    outcome: str,
    settings: Settings,
    now: datetime,
) -> None:
    """The proposal shows its answer instead of its buttons (accepted, declined, or
    superseded by the manager's own change or a newer proposal)."""
    key = f"{series_key(series.id)}:proposal:{proposal.number}"
    if not _posted(session, series.team_id, key):
        return
    tr = _tr(series.manager, settings)
    message = blocks.proposal_message(tr, series_view(session, series), proposal, outcome=outcome)
    enqueue(
        session,
        team_id=series.team_id,
        key=f"{key}:{outcome}",
        method="chat.update",
        payload={"_update_of": key, **message},
        now=now,
    )
    if outcome in ("accepted", "declined"):
        answer = blocks.proposal_answer(
            _tr(series.employee, settings),
            series_view(session, series),
            accepted=outcome == "accepted",
        )
        post_message(
            session,
            team_id=series.team_id,
            key=f"{key}:answer",
            message=answer,
            now=now,
            thread_of=series_key(series.id),
        )


# ----------------------------------------------------------------------------- meetings


def _agenda(
    session: Session, meeting: OneOnOneMeeting, settings: Settings, now: datetime
) -> dict[str, Any]:
    series = meeting.series
    following = upcoming(session, series)
    next_at = following.scheduled_at if following is not None else None
    view = build_agenda(session, meeting, now, next_at)
    return agenda_message(_tr(series.manager, settings), view)


def post_agenda(
    session: Session, meeting: OneOnOneMeeting, settings: Settings, now: datetime
) -> None:
    series = meeting.series
    if not _reachable(series):
        return
    post_message(
        session,
        team_id=meeting.team_id,
        key=agenda_key(meeting.id),
        message=_agenda(session, meeting, settings, now),
        now=now,
        open_users=_pair(series),
    )


def refresh_agenda(
    session: Session, meeting: OneOnOneMeeting, settings: Settings, now: datetime
) -> None:
    """The agenda shows the meeting as it is now; a no-op before it was posted (it is built
    from the data when it is)."""
    key = agenda_key(meeting.id)
    if not _posted(session, meeting.team_id, key):
        return
    meeting.version += 1
    session.flush()
    message = _agenda(session, meeting, settings, now)
    _update(session, meeting.team_id, key, meeting.version, message, now)


def post_summary(
    session: Session, meeting: OneOnOneMeeting, settings: Settings, now: datetime
) -> None:
    key = agenda_key(meeting.id)
    if not _posted(session, meeting.team_id, key):
        return
    series = meeting.series
    following = upcoming(session, series)
    view = summary_view(session, meeting, now, following.scheduled_at if following else None)
    post_message(
        session,
        team_id=meeting.team_id,
        key=f"{key}:summary",
        message=summary_message(_tr(series.manager, settings), view),
        now=now,
        thread_of=key,
    )


def skipped(
    session: Session,
    meeting: OneOnOneMeeting,
    following: OneOnOneMeeting | None,
    away: list[Employee],
    settings: Settings,
    now: datetime,
) -> None:
    """Say that a meeting will not be held: in its agenda's thread when it has one (and the
    agenda shows it skipped), else in the series' thread; a meeting skipped because one of
    them is away gets a message of its own in the group DM, where they will look for it."""
    series = meeting.series
    if not _reachable(series):
        return
    skipper = session.get(Employee, meeting.skipped_by_id) if meeting.skipped_by_id else None
    message = blocks.skipped_note(
        _tr(series.manager, settings),
        scheduled_at=meeting.scheduled_at,
        tz=series.tz,
        by_slack_id=skipper.slack_id if skipper is not None else None,
        away=[person.slack_id for person in away],
        next_at=following.scheduled_at if following is not None else None,
    )
    key = f"1on1:skipped:{meeting.id}"
    where: dict[str, Any]
    if _posted(session, meeting.team_id, agenda_key(meeting.id)):
        refresh_agenda(session, meeting, settings, now)
        where = {"thread_of": agenda_key(meeting.id)}
    elif away or not _posted(session, meeting.team_id, series_key(series.id)):
        where = {"open_users": _pair(series)}
    else:
        where = {"thread_of": series_key(series.id)}
    post_message(session, team_id=meeting.team_id, key=key, message=message, now=now, **where)


def remind(session: Session, item: OneOnOneActionItem, settings: Settings, now: datetime) -> None:
    series = item.series
    other = series.employee if item.owner_id == series.manager_id else series.manager
    tr = _tr(item.owner, settings)
    message = blocks.reminder_message(tr, item_line(item, now, series.tz), other.slack_id)
    post_message(
        session,
        team_id=item.team_id,
        key=f"1on1:item:{item.id}:reminder",
        message=message,
        now=now,
        channel=item.owner.slack_id,
    )
