"""The 1:1 cycle's scheduled work, moved through time by the tick: agendas open a working day
before each meeting in the manager's working hours, once; a meeting when either of the pair is
away is skipped and they are told; a pair that no longer holds ends its series; an action item
is reminded once, the working day before it is due."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.oneonone import api as core
from bot.oneonone.series import SeriesInput
from storage.db import Database
from storage.models import Employee
from storage.oneonones import OneOnOneTalkingPoint
from tests.appserver import settings_for
from tests.oneonone_fixtures import (
    START,
    keys,
    make_org,
    meetings,
    only_oneonone_tasks,
    outbox,
    the_series,
    tick,
    wib,
)

MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _only_oneonones(monkeypatch: pytest.MonkeyPatch) -> None:
    only_oneonone_tasks(monkeypatch)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


@pytest.fixture
def series_id(db: Database, workspace: str, settings: Settings) -> int:
    """Maya's weekly 1:1 with Eko, Tuesdays at 10:00 in Jakarta, from 1 December."""
    with db.session() as session:
        org = make_org(session)
        series = core.set_up(
            session,
            org.maya,
            org.eko.id,
            SeriesInput("weekly", "2026-12-01", "10:00"),
            settings=settings,
            now=START,
        )
        return series.id


def test_the_agenda_opens_a_working_day_before_once_and_plans_the_next(
    db: Database, settings: Settings, series_id: int
) -> None:
    assert tick(settings, db, wib(MONDAY, 9, 59))["oneonone_agendas"] == 0
    assert tick(settings, db, wib(MONDAY, 10))["oneonone_agendas"] == 1
    assert tick(settings, db, wib(MONDAY, 10, 1))["oneonone_agendas"] == 0
    with db.session() as session:
        first, second = meetings(session)
        assert (first.status, first.opened_at) == ("open", wib(MONDAY, 10))
        assert (second.status, second.occurs_on) == ("scheduled", date(2026, 12, 8))
        [agenda] = outbox(session, f"1on1:agenda:{first.id}")
        assert agenda.payload["_open_users"] == ["UMAYA", "UEKO"]
        assert f"1on1:series:{series_id}:v2" in keys(session)  # its "next" now says 8 Dec
    # The next agenda closes this one, which nobody marked done: lapsed, its buttons gone.
    tick(settings, db, wib(date(2026, 12, 7), 10))
    with db.session() as session:
        first, second, third = meetings(session)
        assert (first.status, second.status, third.status) == ("lapsed", "open", "scheduled")
        [update] = outbox(session, f"1on1:agenda:{first.id}:v")
        assert "Not marked done before the next agenda opened" in str(update.payload["blocks"])
        assert "oneonone_done" not in str(update.payload["blocks"])


def test_an_agenda_due_outside_working_hours_waits_for_them(
    db: Database, settings: Settings, workspace: str
) -> None:
    """Set up on Monday evening for Tuesday 09:30: the agenda was due Monday 09:30 and opens
    at 09:00 on Tuesday, not at night."""
    evening = wib(MONDAY, 19)
    with db.session() as session:
        org = make_org(session)
        core.set_up(
            session,
            org.maya,
            org.eko.id,
            SeriesInput("weekly", "2026-12-01", "09:30"),
            settings=settings,
            now=evening,
        )
    assert tick(settings, db, evening)["oneonone_agendas"] == 0
    assert tick(settings, db, wib(TUESDAY, 8, 59))["oneonone_agendas"] == 0
    assert tick(settings, db, wib(TUESDAY, 9))["oneonone_agendas"] == 1


def test_a_meeting_when_either_is_away_is_skipped_and_they_are_told(
    db: Database, settings: Settings, series_id: int
) -> None:
    with db.session() as session:
        eko = session.scalars(select(Employee).where(Employee.slack_id == "UEKO")).one()
        eko.away_until = date(2026, 12, 2)
        core.add_talking_point(
            session, eko, "Conference budget", series_id=series_id, settings=settings, now=START
        )
    assert tick(settings, db, wib(MONDAY, 10))["oneonone_agendas"] == 1
    with db.session() as session:
        first, second = meetings(session)
        assert (first.status, first.skip_reason, first.skipped_by_id) == ("skipped", "away", None)
        assert second.occurs_on == date(2026, 12, 8)
        [point] = session.scalars(select(OneOnOneTalkingPoint)).all()
        assert point.meeting_id == second.id
        assert keys(session, "1on1:agenda:") == []
        [note] = outbox(session, "1on1:skipped:")
        assert note.payload["_open_users"] == ["UMAYA", "UEKO"]
        assert ":palm_tree: No 1:1 on" in note.payload["text"]
        assert "away — <@UEKO>" in note.payload["text"]
    # Back by the next one: its agenda opens, with the talking point.
    with db.session() as session:
        session.scalars(select(Employee).where(Employee.slack_id == "UEKO")).one().away_until = None
    assert tick(settings, db, wib(date(2026, 12, 7), 10))["oneonone_agendas"] == 1
    with db.session() as session:
        [agenda] = outbox(session, "1on1:agenda:")
        assert "Conference budget" in str(agenda.payload["blocks"])


def test_a_series_whose_pair_no_longer_holds_ends(
    db: Database, settings: Settings, series_id: int
) -> None:
    with db.session() as session:
        eko = session.scalars(select(Employee).where(Employee.slack_id == "UEKO")).one()
        budi = session.scalars(select(Employee).where(Employee.slack_id == "UBUDI")).one()
        eko.manager_id = budi.id
    assert tick(settings, db, wib(MONDAY, 10))["oneonone_agendas"] == 1
    with db.session() as session:
        series = the_series(session)
        assert (series.status, series.ended_reason) == ("ended", "pair_changed")
        assert [m.status for m in meetings(session)] == ["cancelled"]
        [note] = outbox(session, f"1on1:series:{series_id}:note")
        assert "<@UEKO> no longer reports to <@UMAYA>" in note.payload["text"]
        assert keys(session, "1on1:agenda:") == []


def test_a_meeting_whose_day_passed_without_its_agenda_lapses(
    db: Database, settings: Settings, series_id: int
) -> None:
    """The bot was down from Monday morning to Tuesday evening: Tuesday's meeting is not
    announced after the fact; the next one is planned."""
    assert tick(settings, db, wib(TUESDAY, 18))["oneonone_agendas"] == 1
    with db.session() as session:
        first, second = meetings(session)
        assert (first.status, second.status) == ("lapsed", "scheduled")
        assert keys(session, "1on1:agenda:") == []


def test_an_action_item_is_reminded_once_the_working_day_before(
    db: Database, settings: Settings, series_id: int
) -> None:
    tick(settings, db, wib(MONDAY, 10))
    with db.session() as session:
        maya = session.scalars(select(Employee).where(Employee.slack_id == "UMAYA")).one()
        meeting = meetings(session)[0]
        friday = core.add_action_item(
            session,
            maya,
            meeting.id,
            "Plan",
            "report",
            "2026-12-04",
            settings=settings,
            now=wib(TUESDAY, 10),
        )
        monday = core.add_action_item(
            session,
            maya,
            meeting.id,
            "Budget",
            "manager",
            "2026-12-07",
            settings=settings,
            now=wib(TUESDAY, 10),
        )
        items = (friday.id, monday.id)
    thursday, friday_day = date(2026, 12, 3), date(2026, 12, 4)
    assert tick(settings, db, wib(thursday, 8, 59))["oneonone_reminders"] == 0
    assert tick(settings, db, wib(thursday, 9))["oneonone_reminders"] == 1
    assert tick(settings, db, wib(thursday, 16))["oneonone_reminders"] == 0
    # Due Monday: reminded on Friday, the working day before.
    assert tick(settings, db, wib(friday_day, 9, 30))["oneonone_reminders"] == 1
    with db.session() as session:
        first, second = (outbox(session, f"1on1:item:{i}:reminder")[0] for i in items)
        assert first.payload["channel"] == "UEKO"
        assert "Due Fri 4 Dec: *Plan*" in first.payload["text"]
        assert second.payload["channel"] == "UMAYA"


def test_no_reminder_for_an_item_made_that_day_or_for_someone_away(
    db: Database, settings: Settings, series_id: int
) -> None:
    tick(settings, db, wib(MONDAY, 10))
    thursday = date(2026, 12, 3)
    with db.session() as session:
        maya = session.scalars(select(Employee).where(Employee.slack_id == "UMAYA")).one()
        meeting = meetings(session)[0]
        core.add_action_item(
            session,
            maya,
            meeting.id,
            "Late",
            "report",
            "2026-12-04",
            settings=settings,
            now=wib(thursday, 8),
        )
        core.add_action_item(
            session,
            maya,
            meeting.id,
            "Away",
            "manager",
            "2026-12-04",
            settings=settings,
            now=wib(TUESDAY, 10),
        )
        maya.away_until = date(2026, 12, 4)
    assert tick(settings, db, wib(thursday, 10))["oneonone_reminders"] == 0
    with db.session() as session:
        assert keys(session, "1on1:item:") == []
