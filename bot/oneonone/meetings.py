"""During and after a meeting: talking points, notes, action items, Done, skipping it.

Either of the pair may do each of these (bot/oneonone/rules.py); anyone else is told the
meeting does not exist. Talking points go to a meeting that is still ahead or open; notes
and action items to one that is open or was held. A change the agenda shows updates it in
place (bot/oneonone/notify.py).

Notes are kept per person: each one's shared notes (both of them read them; Done's summary
quotes them) and each one's private notes, which only their writer ever reads — they are
written here and read back only by `notes_form` for that same writer, never rendered into a
message, a Home, a digest or an export for anyone else.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import audit
from bot.clock import zone_of
from bot.config import Settings
from bot.oneonone import notify
from bot.oneonone.agenda import POINTS_MAX
from bot.oneonone.errors import Invalid, NotFound, Refused
from bot.oneonone.rules import Side, other_side, require_participant
from bot.oneonone.schedule import current_meeting, skip
from bot.oneonone.series import get_series
from bot.oneonone.views import ItemForm, NotesForm
from bot.sanitize import clean_text
from storage.models import Employee
from storage.oneonones import (
    ActionItemStatus,
    MeetingStatus,
    OneOnOneActionItem,
    OneOnOneMeeting,
    OneOnOneNote,
    OneOnOnePrivateNote,
    OneOnOneTalkingPoint,
    SeriesStatus,
)

POINT_LIMIT = 500
NOTES_LIMIT = 3000
TITLE_LIMIT = 200
DUE_AHEAD = timedelta(days=366)
AHEAD = (MeetingStatus.SCHEDULED.value, MeetingStatus.OPEN.value)
HAPPENED = (MeetingStatus.OPEN.value, MeetingStatus.HELD.value)


def get_meeting(session: Session, actor: Employee, meeting_id: int) -> tuple[OneOnOneMeeting, Side]:
    meeting = session.get(OneOnOneMeeting, meeting_id)
    if meeting is None or meeting.team_id != actor.team_id:
        raise NotFound(meeting_id)
    return meeting, require_participant(actor, meeting.series)


def meeting_for_points(
    session: Session,
    actor: Employee,
    *,
    meeting_id: int | None = None,
    series_id: int | None = None,
) -> OneOnOneMeeting:
    """The meeting a talking point goes to: the one named, or the series' next."""
    if meeting_id is not None:
        meeting, _ = get_meeting(session, actor, meeting_id)
    elif series_id is not None:
        series, _ = get_series(session, actor, series_id)
        if series.status == SeriesStatus.ENDED.value:
            raise Refused("oneonone.error.series_ended")
        found = current_meeting(session, series)
        if found is None:
            raise Refused("oneonone.error.nothing_planned")
        meeting = found
    else:
        raise NotFound(None)
    if meeting.status not in AHEAD:
        raise Refused("oneonone.error.meeting_over")
    return meeting


def add_talking_point(
    session: Session,
    actor: Employee,
    text: str,
    *,
    meeting_id: int | None = None,
    series_id: int | None = None,
    settings: Settings,
    now: datetime,
) -> OneOnOneTalkingPoint:
    meeting = meeting_for_points(session, actor, meeting_id=meeting_id, series_id=series_id)
    cleaned = clean_text(text)
    if not cleaned:
        raise Invalid({"text": "oneonone.error.point_empty"})
    if len(cleaned) > POINT_LIMIT:
        raise Invalid({"text": "oneonone.error.too_long"}, max=POINT_LIMIT)
    count = session.scalar(
        select(func.count())
        .select_from(OneOnOneTalkingPoint)
        .where(OneOnOneTalkingPoint.meeting_id == meeting.id)
    )
    if (count or 0) >= POINTS_MAX:
        raise Invalid({"text": "oneonone.error.points_full"}, max=POINTS_MAX)
    point = OneOnOneTalkingPoint(
        team_id=meeting.team_id, meeting_id=meeting.id, author_id=actor.id, text=cleaned,
        created_at=now,
    )  # fmt: skip
    session.add(point)
    meeting.updated_at = now
    session.flush()
    notify.refresh_agenda(session, meeting, settings, now)
    return point


def notes_form(session: Session, actor: Employee, meeting_id: int) -> NotesForm:
    """The actor's own notes of the meeting — the only place a private note is read back."""
    meeting, _ = get_meeting(session, actor, meeting_id)
    if meeting.status not in HAPPENED:
        raise Refused("oneonone.error.notes_closed")
    other = other_side(meeting.series, actor)
    shared = {
        note.author_id: note.text
        for note in session.scalars(
            select(OneOnOneNote).where(OneOnOneNote.meeting_id == meeting.id)
        )
    }
    private = session.scalar(
        select(OneOnOnePrivateNote.text).where(
            OneOnOnePrivateNote.meeting_id == meeting.id,
            OneOnOnePrivateNote.author_id == actor.id,
        )
    )
    return NotesForm(
        meeting_id=meeting.id,
        scheduled_at=meeting.scheduled_at,
        tz=meeting.series.tz,
        other_slack_id=other.slack_id,
        shared=shared.get(actor.id, ""),
        private=private or "",
        other_shared=shared.get(other.id, ""),
    )


def _upsert(
    session: Session,
    model: type[OneOnOneNote] | type[OneOnOnePrivateNote],
    meeting: OneOnOneMeeting,
    author: Employee,
    text: str,
    now: datetime,
) -> None:
    row: Any = session.scalar(
        select(model).where(model.meeting_id == meeting.id, model.author_id == author.id)
    )
    if not text:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = model(
            team_id=meeting.team_id, meeting_id=meeting.id, author_id=author.id, created_at=now
        )
        session.add(row)
    row.text = text
    row.updated_at = now


def save_notes(
    session: Session, actor: Employee, meeting_id: int, shared: str, private: str, *, now: datetime
) -> None:
    """Both kinds of the actor's notes, as typed (empty removes them). Nothing is posted:
    shared notes reach the other person through the Take notes modal and Done's summary;
    private notes reach nobody."""
    meeting, _ = get_meeting(session, actor, meeting_id)
    if meeting.status not in HAPPENED:
        raise Refused("oneonone.error.notes_closed")
    texts = {"shared": clean_text(shared), "private": clean_text(private)}
    errors = {
        field: "oneonone.error.too_long" for field, t in texts.items() if len(t) > NOTES_LIMIT
    }
    if errors:
        raise Invalid(errors, max=NOTES_LIMIT)
    _upsert(session, OneOnOneNote, meeting, actor, texts["shared"], now)
    _upsert(session, OneOnOnePrivateNote, meeting, actor, texts["private"], now)
    session.flush()


def item_form(
    session: Session, actor: Employee, meeting_id: int, settings: Settings, now: datetime
) -> ItemForm:
    meeting, _ = get_meeting(session, actor, meeting_id)
    if meeting.status not in HAPPENED:
        raise Refused("oneonone.error.items_closed")
    series = meeting.series
    return ItemForm(
        meeting_id=meeting.id,
        manager_slack_id=series.manager.slack_id,
        employee_slack_id=series.employee.slack_id,
        today=now.astimezone(zone_of(actor.tz, settings.default_tz)).date(),
    )


def add_action_item(
    session: Session,
    actor: Employee,
    meeting_id: int,
    title: str,
    owner: str,
    due_on: str,
    *,
    settings: Settings,
    now: datetime,
) -> OneOnOneActionItem:
    """`owner` is "manager" or "report" (the modal's choice); the due date is today or later
    in the actor's zone, at most a year ahead."""
    meeting, _ = get_meeting(session, actor, meeting_id)
    if meeting.status not in HAPPENED:
        raise Refused("oneonone.error.items_closed")
    series = meeting.series
    errors: dict[str, str] = {}
    cleaned = " ".join(clean_text(title).split())
    if not cleaned:
        errors["title"] = "oneonone.error.title_empty"
    elif len(cleaned) > TITLE_LIMIT:
        errors["title"] = "oneonone.error.too_long"
    owner_row = {"manager": series.manager, "report": series.employee}.get(owner)
    if owner_row is None:
        errors["owner"] = "oneonone.error.owner"
    today = now.astimezone(zone_of(actor.tz, settings.default_tz)).date()
    due: date | None = None
    try:
        due = date.fromisoformat(due_on.strip())
    except ValueError:
        errors["due_on"] = "oneonone.error.date"
    else:
        if due < today:
            errors["due_on"] = "oneonone.error.due_past"
        elif due > today + DUE_AHEAD:
            errors["due_on"] = "oneonone.error.date_far"
    if errors or owner_row is None or due is None:
        raise Invalid(errors, max=TITLE_LIMIT)
    item = OneOnOneActionItem(
        team_id=meeting.team_id,
        series_id=series.id,
        meeting_id=meeting.id,
        owner_id=owner_row.id,
        created_by_id=actor.id,
        title=cleaned,
        due_on=due,
        status=ActionItemStatus.OPEN.value,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    session.refresh(item, ["owner"])
    notify.refresh_agenda(session, meeting, settings, now)
    return item


def complete_action_item(
    session: Session, actor: Employee, item_id: int, *, settings: Settings, now: datetime
) -> tuple[OneOnOneActionItem, bool]:
    """Either of the pair marks it done (a second click changes nothing). The open agenda
    of the series shows it gone from the open items."""
    item = session.get(OneOnOneActionItem, item_id)
    if item is None or item.team_id != actor.team_id:
        raise NotFound(item_id)
    require_participant(actor, item.series)
    if item.status != ActionItemStatus.OPEN.value:
        return item, False
    item.status = ActionItemStatus.DONE.value
    item.done_at = now
    item.done_by_id = actor.id
    item.updated_at = now
    session.flush()
    for meeting in session.scalars(
        select(OneOnOneMeeting).where(
            OneOnOneMeeting.series_id == item.series_id,
            OneOnOneMeeting.status == MeetingStatus.OPEN.value,
        )
    ):
        notify.refresh_agenda(session, meeting, settings, now)
    return item, True


def mark_held(
    session: Session, actor: Employee, meeting_id: int, *, settings: Settings, now: datetime
) -> bool:
    """Done: the meeting was held. The agenda says so and the summary goes in its thread;
    a second click changes nothing."""
    meeting, _ = get_meeting(session, actor, meeting_id)
    if meeting.status == MeetingStatus.HELD.value:
        return False
    if meeting.status != MeetingStatus.OPEN.value:
        raise Refused(f"oneonone.error.meeting_{meeting.status}")
    meeting.status = MeetingStatus.HELD.value
    meeting.done_at = now
    meeting.done_by_id = actor.id
    meeting.updated_at = now
    session.flush()
    audit.record(
        session, team_id=meeting.team_id, actor=actor.slack_id, action="oneonone.meeting_held",
        subject=f"meeting:{meeting.id}", at=now,
    )  # fmt: skip
    notify.refresh_agenda(session, meeting, settings, now)
    notify.post_summary(session, meeting, settings, now)
    return True


def skip_meeting(
    session: Session, actor: Employee, meeting_id: int, *, settings: Settings, now: datetime
) -> bool:
    """Skip this meeting (its agenda is open, or it is still ahead); its talking points move
    on to the next one."""
    meeting, _ = get_meeting(session, actor, meeting_id)
    if meeting.status == MeetingStatus.SKIPPED.value:
        return False
    if meeting.status not in AHEAD:
        raise Refused(f"oneonone.error.meeting_{meeting.status}")
    following = skip(session, meeting, settings, now, by=actor, reason="asked")
    audit.record(
        session, team_id=meeting.team_id, actor=actor.slack_id, action="oneonone.meeting_skipped",
        subject=f"meeting:{meeting.id}", detail={"occurs_on": meeting.occurs_on.isoformat()},
        at=now,
    )  # fmt: skip
    notify.skipped(session, meeting, following, [], settings, now)
    notify.series_changed_quietly(session, meeting.series, settings, now)
    return True
