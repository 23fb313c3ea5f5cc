"""The 1:1 core without Slack: setting a series up and changing it, the report's proposal,
skipping, talking points, notes and action items — and who may do each, as a matrix."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.oneonone import api as core
from bot.oneonone.errors import Invalid, Refused
from bot.oneonone.series import SeriesInput
from storage.db import Database
from storage.models import AuditLog
from storage.oneonones import (
    MeetingStatus,
    OneOnOneMeeting,
    OneOnOneSeries,
    OneOnOneTalkingPoint,
)
from tests.appserver import settings_for
from tests.oneonone_fixtures import (
    START,
    WEEKLY,
    keys,
    make_org,
    meetings,
    open_meeting,
    outbox,
    set_up,
    the_series,
    who,
    wib,
)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


@pytest.fixture
def people(db: Database, workspace: str) -> dict[str, int]:
    with db.session() as session:
        org = make_org(session)
        return {
            n: getattr(org, n).id for n in ("maya", "eko", "ida", "budi", "tono", "hana", "adi")
        }


def test_the_manager_sets_up_a_series_and_the_report_is_told_in_their_group_dm(
    db: Database, settings: Settings, people: dict[str, int]
) -> None:
    series_id = set_up(db, settings, people)
    with db.session() as session:
        series = the_series(session)
        assert (series.manager_id, series.employee_id) == (people["maya"], people["eko"])
        assert (series.status, series.tz, series.local_time) == ("active", "Asia/Jakarta", "10:00")
        [planned] = meetings(session)
        assert planned.status == MeetingStatus.SCHEDULED
        assert planned.occurs_on == date(2026, 12, 1)
        assert planned.scheduled_at == wib(date(2026, 12, 1), 10)
        assert planned.agenda_at == wib(date(2026, 11, 30), 10)
        [told] = outbox(session)
        assert told.idempotency_key == f"1on1:series:{series_id}"
        assert told.payload["_open_users"] == ["UMAYA", "UEKO"]
        assert "every week on Tuesday at 10:00 (Asia/Jakarta)" in str(told.payload["blocks"])
        audit = session.scalars(select(AuditLog.action).where(AuditLog.action.like("oneonone%")))
        assert list(audit) == ["oneonone.series_started"]


@pytest.mark.parametrize(
    ("actor", "report"),
    [
        ("budi", "eko"),
        ("eko", "maya"),
        ("hana", "eko"),
        ("adi", "eko"),
        ("maya", "tono"),
        ("maya", "maya"),
    ],
)
def test_only_the_manager_of_record_sets_one_up(
    db: Database, settings: Settings, people: dict[str, int], actor: str, report: str
) -> None:
    with db.session() as session, pytest.raises(Refused) as refused:
        core.set_up(
            session,
            who(session, people, actor),
            people[report],
            WEEKLY,
            settings=settings,
            now=START,
        )
    assert refused.value.key == "oneonone.error.not_your_report"
    with db.session() as session:
        assert session.scalars(select(OneOnOneSeries)).all() == []


@pytest.mark.parametrize(
    ("raw", "errors"),
    [
        (SeriesInput("daily", "2026-12-01", "10:00"), {"cadence": "oneonone.error.cadence"}),
        (SeriesInput("weekly", "2026-11-23", "10:00"), {"starts_on": "oneonone.error.date_past"}),
        (SeriesInput("weekly", "2028-01-01", "10:00"), {"starts_on": "oneonone.error.date_far"}),
        (SeriesInput("weekly", "01/12/2026", "10:00"), {"starts_on": "oneonone.error.date"}),
        (SeriesInput("weekly", "2026-12-01", "20:00"), {"local_time": "oneonone.error.time_hours"}),
        (SeriesInput("weekly", "2026-12-01", "ten"), {"local_time": "oneonone.error.time"}),
        # Today (Tuesday 24 Nov, 10:00 in Jakarta) at 09:30 has passed.
        (SeriesInput("weekly", "2026-11-24", "09:30"), {"local_time": "oneonone.error.time_past"}),
    ],
)
def test_bad_input_names_each_field_and_keeps_nothing(
    db: Database,
    settings: Settings,
    people: dict[str, int],
    raw: SeriesInput,
    errors: dict[str, str],
) -> None:
    with pytest.raises(Invalid) as invalid:
        set_up(db, settings, people, raw)
    assert invalid.value.errors == errors
    with db.session() as session:
        assert session.scalars(select(OneOnOneSeries)).all() == []


def test_a_change_moves_the_planned_meeting_with_its_talking_points(
    db: Database, settings: Settings, people: dict[str, int]
) -> None:
    series_id = set_up(db, settings, people)
    with db.session() as session:
        eko = who(session, people, "eko")
        core.add_talking_point(
            session, eko, "Career path", series_id=series_id, settings=settings, now=START
        )
    set_up(db, settings, people, SeriesInput("biweekly", "2026-12-03", "14:00"))
    with db.session() as session:
        [planned] = meetings(session)
        assert planned.occurs_on == date(2026, 12, 3)
        assert planned.scheduled_at == wib(date(2026, 12, 3), 14)
        assert planned.agenda_at == wib(date(2026, 12, 2), 14)
        [point] = session.scalars(select(OneOnOneTalkingPoint)).all()
        assert point.meeting_id == planned.id
        assert keys(session) == [
            f"1on1:series:{series_id}",
            f"1on1:series:{series_id}:v2",
            f"1on1:series:{series_id}:note:2:changed",
        ]
        [note] = outbox(session, f"1on1:series:{series_id}:note")
        assert note.payload["_thread_of"] == f"1on1:series:{series_id}"
        assert "every two weeks on Thursday at 14:00" in note.payload["text"]


def test_pause_resume_and_end_are_the_managers(
    db: Database, settings: Settings, people: dict[str, int]
) -> None:
    series_id = set_up(db, settings, people)
    with db.session() as session, pytest.raises(Refused) as refused:
        core.pause(session, who(session, people, "eko"), series_id, settings=settings, now=START)
    assert refused.value.key == "oneonone.error.manager_only"
    with db.session() as session:
        maya = who(session, people, "maya")
        assert core.pause(session, maya, series_id, settings=settings, now=START)
        assert not core.pause(session, maya, series_id, settings=settings, now=START)
    # Resumed after the planned meeting's day: it moves to the next one ahead, once.
    later = wib(date(2026, 12, 2), 11)
    with db.session() as session:
        maya = who(session, people, "maya")
        assert core.resume(session, maya, series_id, settings=settings, now=later)
        [planned] = meetings(session)
        assert planned.occurs_on == date(2026, 12, 8)
    with db.session() as session:
        assert core.end(
            session, who(session, people, "maya"), series_id, settings=settings, now=later
        )
        series = the_series(session)
        assert (series.status, series.current) == ("ended", None)
        assert [m.status for m in meetings(session)] == ["cancelled"]
        assert keys(session, f"1on1:series:{series_id}:note")[-1].endswith(":ended")
    # The pair may start again: a new series beside the ended one.
    set_up(db, settings, people, SeriesInput("monthly", "2026-12-08", "10:00"), now=later)
    with db.session() as session:
        assert [s.status for s in session.scalars(select(OneOnOneSeries))] == ["ended", "active"]


def test_skipping_the_next_meeting_moves_its_talking_points_on(
    db: Database, settings: Settings, people: dict[str, int]
) -> None:
    series_id = set_up(db, settings, people)
    with db.session() as session:
        eko = who(session, people, "eko")
        core.add_talking_point(
            session, eko, "Training budget", series_id=series_id, settings=settings, now=START
        )
        skipped = core.skip_next(session, eko, series_id, settings=settings, now=START)
        assert skipped.skipped_by_id == eko.id
    with db.session() as session:
        first, second = meetings(session)
        assert (first.status, first.skip_reason) == ("skipped", "asked")
        assert (second.status, second.occurs_on) == ("scheduled", date(2026, 12, 8))
        [point] = session.scalars(select(OneOnOneTalkingPoint)).all()
        assert point.meeting_id == second.id
        [note] = outbox(session, "1on1:skipped:")
        assert note.payload["_thread_of"] == f"1on1:series:{series_id}"
        assert "<@UEKO> skipped the 1:1 on" in note.payload["text"]
        assert "Talking points move to the next one" in note.payload["text"]


def test_the_report_proposes_another_time_and_the_manager_answers(
    db: Database, settings: Settings, people: dict[str, int]
) -> None:
    series_id = set_up(db, settings, people)
    thursday = SeriesInput("", "2026-12-03", "14:00")
    with db.session() as session, pytest.raises(Refused) as refused:
        core.propose(
            session,
            who(session, people, "maya"),
            series_id,
            thursday,
            "",
            settings=settings,
            now=START,
        )
    assert refused.value.key == "oneonone.error.report_only"
    with db.session() as session:
        proposal = core.propose(
            session,
            who(session, people, "eko"),
            series_id,
            thursday,
            "Mornings are <!here> busy",
            settings=settings,
            now=START,
        )
        assert proposal.number == 1
        [posted] = outbox(session, f"1on1:series:{series_id}:proposal")
        assert posted.payload["_thread_of"] == f"1on1:series:{series_id}"
        assert "&lt;!here&gt;" in str(posted.payload["blocks"])
        assert "<!here>" not in str(posted.payload["blocks"])
    with db.session() as session, pytest.raises(Refused):
        core.answer_proposal(
            session,
            who(session, people, "eko"),
            series_id,
            1,
            accept=True,
            settings=settings,
            now=START,
        )
    with db.session() as session:
        maya = who(session, people, "maya")
        core.answer_proposal(session, maya, series_id, 1, accept=True, settings=settings, now=START)
        series = the_series(session)
        assert (series.starts_on, series.local_time, series.proposed_on) == (
            date(2026, 12, 3),
            "14:00",
            None,
        )
        [planned] = meetings(session)
        assert planned.scheduled_at == wib(date(2026, 12, 3), 14)
        assert f"1on1:series:{series_id}:proposal:1:accepted" in keys(session)
        [answer] = outbox(session, f"1on1:series:{series_id}:proposal:1:answer")
        assert "<@UEKO>, <@UMAYA> accepted your proposal" in answer.payload["text"]
    with db.session() as session, pytest.raises(Refused) as refused:
        core.answer_proposal(
            session,
            who(session, people, "maya"),
            series_id,
            1,
            accept=False,
            settings=settings,
            now=START,
        )
    assert refused.value.key == "oneonone.error.proposal_gone"
    with db.session() as session:
        core.propose(
            session,
            who(session, people, "eko"),
            series_id,
            SeriesInput("", "2026-12-04", "09:00"),
            "",
            settings=settings,
            now=START,
        )
        core.answer_proposal(
            session,
            who(session, people, "maya"),
            series_id,
            2,
            accept=False,
            settings=settings,
            now=START,
        )
        assert the_series(session).local_time == "14:00"
        assert f"1on1:series:{series_id}:proposal:2:declined" in keys(session)


def test_a_private_note_is_read_back_by_its_writer_only(
    db: Database, settings: Settings, people: dict[str, int]
) -> None:
    meeting_id = open_meeting(db, settings, people)
    with db.session() as session:
        maya = who(session, people, "maya")
        core.save_notes(session, maya, meeting_id, "We agreed on X", "Maya's secret", now=START)
    with db.session() as session:
        mine = core.notes_form(session, who(session, people, "maya"), meeting_id)
        theirs = core.notes_form(session, who(session, people, "eko"), meeting_id)
    assert (mine.shared, mine.private, mine.other_shared) == ("We agreed on X", "Maya's secret", "")
    assert (theirs.shared, theirs.private, theirs.other_shared) == ("", "", "We agreed on X")
    assert "Maya's secret" not in repr(theirs)
    with db.session() as session:  # an empty field removes that note
        core.save_notes(
            session, who(session, people, "maya"), meeting_id, "We agreed on X", "", now=START
        )
        assert core.notes_form(session, who(session, people, "maya"), meeting_id).private == ""


def test_what_is_typed_is_checked_and_cleaned(
    db: Database, settings: Settings, people: dict[str, int]
) -> None:
    meeting_id = open_meeting(db, settings, people)

    def point(text: str) -> Any:
        with db.session() as session:
            return core.add_talking_point(
                session,
                who(session, people, "eko"),
                text,
                meeting_id=meeting_id,
                settings=settings,
                now=START,
            )

    for text, key in (("  ", "oneonone.error.point_empty"), ("x" * 501, "oneonone.error.too_long")):
        with pytest.raises(Invalid) as invalid:
            point(text)
        assert invalid.value.errors == {"text": key}
    assert point("  Tabs\x00 and bells\x07 go \n").text == "Tabs and bells go"
    for n in range(29):
        point(f"point {n}")
    with pytest.raises(Invalid) as invalid:
        point("one too many")
    assert invalid.value.errors == {"text": "oneonone.error.points_full"}

    def item(title: str, owner: str, due: str) -> Any:
        with db.session() as session:
            return core.add_action_item(
                session,
                who(session, people, "maya"),
                meeting_id,
                title,
                owner,
                due,
                settings=settings,
                now=START,
            )

    with pytest.raises(Invalid) as invalid:
        item("", "boss", "2026-11-23")
    assert invalid.value.errors == {
        "title": "oneonone.error.title_empty",
        "owner": "oneonone.error.owner",
        "due_on": "oneonone.error.due_past",
    }
    with pytest.raises(Invalid) as invalid:
        core_notes_too_long(db, people, meeting_id)
    assert set(invalid.value.errors) == {"shared", "private"}
    assert item("Book the course", "manager", "2026-11-24").owner_id == people["maya"]


def core_notes_too_long(db: Database, people: dict[str, int], meeting_id: int) -> None:
    with db.session() as session:
        core.save_notes(
            session, who(session, people, "eko"), meeting_id, "x" * 3001, "y" * 3001, now=START
        )


def test_a_meeting_moves_through_its_states_once(
    db: Database, settings: Settings, people: dict[str, int]
) -> None:
    meeting_id = open_meeting(db, settings, people)
    with db.session() as session:
        maya = who(session, people, "maya")
        assert core.mark_held(session, maya, meeting_id, settings=settings, now=START)
        assert not core.mark_held(session, maya, meeting_id, settings=settings, now=START)
    with db.session() as session, pytest.raises(Refused) as refused:
        core.skip_meeting(
            session, who(session, people, "eko"), meeting_id, settings=settings, now=START
        )
    assert refused.value.key == "oneonone.error.meeting_held"
    with db.session() as session:
        planned = session.scalars(
            select(OneOnOneMeeting).where(OneOnOneMeeting.status == "scheduled")
        ).one()
        with pytest.raises(Refused) as refused:
            core.mark_held(
                session, who(session, people, "eko"), planned.id, settings=settings, now=START
            )
        assert refused.value.key == "oneonone.error.meeting_scheduled"
        with pytest.raises(Refused) as refused:
            core.notes_form(session, who(session, people, "eko"), planned.id)
        assert refused.value.key == "oneonone.error.notes_closed"
        with pytest.raises(Refused) as refused:
            core.add_talking_point(
                session,
                who(session, people, "eko"),
                "late",
                meeting_id=meeting_id,
                settings=settings,
                now=START,
            )
        assert refused.value.key == "oneonone.error.meeting_over"
