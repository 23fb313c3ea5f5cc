"""1:1s everywhere else: the manager's digest and HR's (counts of 1:1s held and skipped, never
content), the CSV export in both scopes, a person's erasure, and a review's evidence."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.reporting import as_plain_text, hr_digest_message
from bot.blocks.reporting_team import manager_digest_message
from bot.blocks.review_modals import self_modal
from bot.config import Settings
from bot.i18n import Translator
from bot.oneonone import api as core
from bot.oneonone.counts import MeetingCounts, meeting_counts
from bot.oneonone.schedule import plan_next
from bot.oneonone.series import SeriesInput
from bot.reporting import erase_person
from bot.reporting.export import write_csv_files
from bot.reporting.export_scope import ExportScope
from bot.reporting.figures import hr_figures
from bot.reporting.team import manager_figures
from bot.review.evidence import gather
from storage.db import Database
from storage.models import Employee
from storage.oneonones import (
    OneOnOneActionItem,
    OneOnOneMeeting,
    OneOnOneNote,
    OneOnOnePrivateNote,
    OneOnOneSeries,
    OneOnOneTalkingPoint,
)
from tests.appserver import settings_for
from tests.conftest import TEAM_ID
from tests.oneonone_fixtures import START, make_org, meetings, wib

POINT = "TALK: the reorganisation rumours"
SHARED = "SHARED: Eko takes the on-call rota"
PRIVATE = "PRIVATE: Eko seems tired lately"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/")


def by_slack(session: Session, slack_id: str) -> Employee:
    return session.scalars(select(Employee).where(Employee.slack_id == slack_id)).one()


def held_meeting(session: Session, settings: Settings) -> OneOnOneMeeting:
    """Maya's 1:1 with Eko on 1 Dec, held, with what both of them wrote; Ida has none."""
    org = make_org(session)
    series = core.set_up(
        session,
        org.maya,
        org.eko.id,
        SeriesInput("weekly", "2026-12-01", "10:00"),
        settings=settings,
        now=START,
    )
    meeting = meetings(session)[0]
    meeting.status, meeting.opened_at = "open", wib(date(2026, 11, 30), 10)
    session.flush()
    plan_next(session, series, settings, START)
    now = wib(date(2026, 12, 1), 10, 30)
    for person, who in ((org.maya, "Maya"), (org.eko, "Eko")):
        core.add_talking_point(
            session, person, f"{POINT} ({who})", meeting_id=meeting.id, settings=settings, now=now
        )
        core.save_notes(
            session, person, meeting.id, f"{SHARED} ({who})", f"{PRIVATE} ({who})", now=now
        )
    core.add_action_item(
        session,
        org.maya,
        meeting.id,
        "Eko's item",
        "report",
        "2026-12-04",
        settings=settings,
        now=now,
    )
    core.add_action_item(
        session,
        org.maya,
        meeting.id,
        "Maya's item",
        "manager",
        "2026-12-04",
        settings=settings,
        now=now,
    )
    core.mark_held(session, org.maya, meeting.id, settings=settings, now=now)
    return meeting


def test_the_digests_count_1on1s_held_and_skipped_never_their_content(
    db: Database, workspace: str, settings: Settings
) -> None:
    with db.session() as session:
        held_meeting(session, settings)
        maya = by_slack(session, "UMAYA")
        series = session.scalars(select(OneOnOneSeries)).one()
        core.skip_next(session, maya, series.id, settings=settings, now=wib(date(2026, 12, 2), 9))
    now = wib(date(2026, 12, 14), 9)
    with db.session() as session:
        maya_id = by_slack(session, "UMAYA").id
        figures = manager_figures(session, TEAM_ID, now=now, org_tz="Asia/Jakarta")
        mine = figures[maya_id]
        assert mine.one_on_ones == MeetingCounts(held=1, skipped=1)
        assert [p.name for p in mine.without_one_on_one] == ["Ida Ayu"]
        digest = as_plain_text(manager_digest_message(Translator("en"), mine))
        organisation = hr_figures(session, TEAM_ID, now=now, org_tz="Asia/Jakarta")
        hr = as_plain_text(hr_digest_message(Translator("en"), organisation))
        hr_id = as_plain_text(hr_digest_message(Translator("id"), organisation))
    assert "1:1s, last 30 days" in digest
    assert "1 held · 1 skipped" in digest
    assert "No 1:1 series yet with 1: Ida Ayu" in digest
    assert "Organisation: 1 held · 1 skipped · 1 of 6 reports have a 1:1 series" in hr
    assert "Adi Admin: 0 held · 0 skipped · 0 of 3 reports with a series" in hr
    assert "Maya Sari: 1 held · 1 skipped · 1 of 2 reports with a series" in hr
    assert hr.index("Adi Admin") < hr.index("Maya Sari")  # fewest held first
    assert "Maya Sari: 1 berlangsung · 1 dilewati · 1 dari 2 bawahan dengan jadwal" in hr_id
    for text in (digest, hr, hr_id):
        for secret in (POINT, SHARED, PRIVATE, "Eko's item"):
            assert secret not in text
        assert "<@" not in text  # names, never mentions: a digest notifies nobody


def test_the_csv_export_has_meetings_and_action_items_text_only_for_the_operator(
    db: Database, workspace: str, settings: Settings, tmp_path: Path
) -> None:
    with db.session() as session:
        held_meeting(session, settings)
        for private_text in (False, True):
            scope = ExportScope.for_operator(TEAM_ID, private_text=private_text)
            write_csv_files(session, scope, tmp_path / str(private_text))

    def read(scope: bool, name: str) -> list[dict[str, str]]:
        with (tmp_path / str(scope) / f"{name}.csv").open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    hr_meetings, hr_items = read(False, "one_on_ones"), read(False, "action_items")
    assert list(hr_meetings[0]) == [
        "id",
        "series_id",
        "manager_slack_id",
        "manager_name",
        "employee_slack_id",
        "employee_name",
        "cadence",
        "occurs_on",
        "scheduled_at",
        "status",
        "skip_reason",
        "opened_at",
        "done_at",
        "talking_points",
    ]
    first = hr_meetings[0]
    assert (first["manager_slack_id"], first["employee_slack_id"], first["status"]) == (
        "UMAYA",
        "UEKO",
        "held",
    )
    assert (first["occurs_on"], first["talking_points"]) == ("2026-12-01", "2")
    assert "title" not in hr_items[0]
    assert {(i["owner_slack_id"], i["status"]) for i in hr_items} == {
        ("UEKO", "open"),
        ("UMAYA", "open"),
    }
    everything_meetings, everything_items = read(True, "one_on_ones"), read(True, "action_items")
    assert POINT in everything_meetings[0]["talking_points_text"]
    assert SHARED in everything_meetings[0]["shared_notes"]
    assert {i["title"] for i in everything_items} == {"Eko's item", "Maya's item"}
    whole = str([read(s, n) for s in (False, True) for n in ("one_on_ones", "action_items")])
    assert PRIVATE not in whole
    assert POINT not in str(hr_meetings) and SHARED not in str(hr_meetings)


def texts_of(session: Session, model: type) -> list[str]:
    column = model.title if model is OneOnOneActionItem else model.text  # type: ignore[attr-defined]
    return sorted(session.scalars(select(column)))


def test_erasing_the_report_removes_everything_written_in_their_1on1s(
    db: Database, workspace: str, settings: Settings
) -> None:
    with db.session() as session:
        held_meeting(session, settings)
        before = meeting_counts(session, TEAM_ID, START, START + timedelta(days=30))
    with db.session() as session:
        erasure = erase_person(session, TEAM_ID, "UEKO", actor="cli", now=START)
        assert erasure.ended == {"one_on_ones": 1, "action_items": 2}
    with db.session() as session:
        for model in (OneOnOneTalkingPoint, OneOnOneNote, OneOnOnePrivateNote):
            assert set(texts_of(session, model)) == {"[erased]"}, model
        assert set(texts_of(session, OneOnOneActionItem)) == {"[erased]"}
        assert {i.status for i in session.scalars(select(OneOnOneActionItem))} == {"cancelled"}
        series = session.scalars(select(OneOnOneSeries)).one()
        assert (series.status, series.ended_reason) == ("ended", "erased")
        assert [m.status for m in meetings(session)] == ["held", "cancelled"]
        after = meeting_counts(session, TEAM_ID, START, START + timedelta(days=30))
    assert after == before  # the 1:1 held still counts


def test_erasing_the_manager_removes_what_they_wrote_and_keeps_the_reports(
    db: Database, workspace: str, settings: Settings
) -> None:
    with db.session() as session:
        held_meeting(session, settings)
    with db.session() as session:
        erase_person(session, TEAM_ID, "UMAYA", actor="cli", now=START)
    with db.session() as session:
        for model in (OneOnOneTalkingPoint, OneOnOneNote, OneOnOnePrivateNote):
            kept = [t for t in texts_of(session, model) if t != "[erased]"]
            assert len(kept) == 1 and kept[0].endswith("(Eko)"), (model, kept)
        items = {i.title: i.status for i in session.scalars(select(OneOnOneActionItem))}
        assert items == {"Eko's item": "open", "[erased]": "cancelled"}


def test_a_review_lists_the_action_items_done_in_its_period(
    db: Database, workspace: str, settings: Settings
) -> None:
    from tests.review_fixtures import make_org as review_org
    from tests.review_fixtures import review_of, sales_cycle

    with db.session() as session:
        org = review_org(session, START)
        sales_cycle(session, org, START)
        core.set_up(
            session,
            org.manager,
            org.eko.id,
            SeriesInput("weekly", "2026-12-01", "10:00"),
            settings=settings,
            now=START,
        )
        meeting = meetings(session)[0]
        meeting.status = "open"
        session.flush()
        done = (("Ship the <b>pilot</b>", "report", 1), ("Book training", "manager", 2))
        for title, owner, days in done:
            item = core.add_action_item(
                session,
                org.manager,
                meeting.id,
                title,
                owner,
                "2026-12-04",
                settings=settings,
                now=START,
            )
            core.complete_action_item(
                session, org.eko, item.id, settings=settings, now=START + timedelta(days=days)
            )
        core.add_action_item(
            session,
            org.manager,
            meeting.id,
            "Still open",
            "report",
            "2026-12-04",
            settings=settings,
            now=START,
        )
        evidence = gather(session, review_of(session, org.eko))
        assert [(i.title, i.owner_slack_id) for i in evidence.action_items] == [
            ("Book training", "UMGR"),
            ("Ship the <b>pilot</b>", "UEKO"),
        ]
        shown = str(self_modal(Translator("en"), review_of(session, org.eko), evidence))
    assert "Action items done in 1:1s" in shown
    assert "• Ship the &lt;b&gt;pilot&lt;/b&gt; — <@UEKO>, Wed 25 Nov" in shown
    assert "• Book training — <@UMGR>, Thu 26 Nov" in shown
    assert "Still open" not in shown
