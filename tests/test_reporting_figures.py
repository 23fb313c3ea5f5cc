"""The digest's figures against an organisation whose answers are known
(tests/reporting_fixtures.py), in both languages, and the number of SQL statements they take."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from bot.blocks.reporting import as_plain_text, hr_digest_message
from bot.blocks.reporting_team import manager_digest_message
from bot.clock import zone_of
from bot.i18n import Translator
from bot.monitoring.schedule import load_schedules
from bot.planning import goal_progress
from bot.reporting import DigestFigures, goals_at_risk, hr_figures, manager_figures
from bot.reporting.periods import report_window
from storage.db import Database
from storage.goals import Goal
from storage.models import Workspace
from storage.schema import metadata
from tests.reporting_fixtures import (
    DIGEST_AT,
    OBSTACLE_TEXT,
    SECRET_REVIEW,
    SECRET_WIN,
    TEAM_ID,
    WEEKS,
    Seeded,
    seed,
)
from tests.reporting_scale import seed_many

TZ = "Asia/Jakarta"


@pytest.fixture
def seeded(db: Database, workspace: str) -> Seeded:
    with db.session() as session:
        return seed(session)


def figures(db: Database, at: datetime = DIGEST_AT) -> DigestFigures:
    with db.session() as session:
        return hr_figures(session, TEAM_ID, now=at, org_tz=TZ)


def test_this_period_is_the_last_whose_check_in_day_has_come(seeded: Seeded, db: Database) -> None:
    monday = figures(db)
    assert [p.key for p in monday.window.org_trend] == WEEKS
    assert monday.period.key == "2026-W48"  # what the digest reports on, not the sending week
    friday_afternoon = figures(db, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))  # 16:00 Jakarta
    assert friday_afternoon.window.org_trend[-1].key == "2026-W49"


def test_participation_and_mood_by_team(seeded: Seeded, db: Database) -> None:
    result = figures(db)
    by_name = {t.name: t for t in result.teams}
    assert list(by_name) == ["Ops", "Sales", None]
    sales, ops, nobody = by_name["Sales"], by_name["Ops"], by_name[None]
    assert (sales.current.answered, sales.current.expected, sales.current.mood) == (2, 3, 3.0)
    assert (ops.current.answered, ops.current.expected, ops.current.mood) == (2, 2, 4.5)
    assert (nobody.current.answered, nobody.current.expected, nobody.current.mood) == (0, 1, None)
    assert [p.participation for p in sales.points] == [1.0] * 7 + [pytest.approx(2 / 3)]
    assert [p.participation for p in ops.points] == [0.5] * 7 + [1.0]
    assert [p.expected for p in nobody.points] == [0] * 7 + [1]
    org = result.organisation
    assert (org.current.answered, org.current.expected) == (4, 6)
    assert org.current.mood == pytest.approx(3.75)
    assert (org.points[-2].answered, org.points[-2].expected) == (4, 5)
    assert org.points[-2].mood == pytest.approx(3.25)


def test_goal_confidence_trend(seeded: Seeded, db: Database) -> None:
    confidence = figures(db).confidence
    assert len(confidence) == 8
    latest, before = confidence[-1], confidence[-2]
    assert (latest.on_track, latest.at_risk, latest.off_track) == (2, 1, 1)
    assert (before.on_track, before.at_risk, before.off_track) == (2, 0, 0)
    assert [c.total for c in confidence[:-2]] == [0] * 6


def test_goals_at_risk_worst_first(seeded: Seeded, db: Database) -> None:
    at_risk = figures(db).goals_at_risk
    g = seeded.goals
    assert [x.goal_id for x in at_risk] == [g["G3"].id, g["G1"].id, g["G2"].id, g["G5"].id]
    progress = {x.goal_id: x.progress for x in at_risk}
    assert progress[g["G3"].id] == pytest.approx(0.8)
    assert progress[g["G1"].id] == pytest.approx(0.7)
    assert progress[g["G2"].id] == 0.0
    assert progress[g["G5"].id] == pytest.approx(0.35)
    assert at_risk[0].confidence == "off_track" and at_risk[1].confidence == "at_risk"
    assert at_risk[0].expected == pytest.approx(152 / 183)
    assert (at_risk[0].owner_name, at_risk[0].team_name) == ("Sari", "Ops")


def test_progress_agrees_with_the_planning_cycle(seeded: Seeded, db: Database) -> None:
    with db.session() as session:
        window = report_window(DIGEST_AT, zone_of(None, TZ), load_schedules(session, TEAM_ID))
        mine = {g.goal_id: g.progress for g in goals_at_risk(session, TEAM_ID, window)}
        for goal_id, value in mine.items():
            assert value == pytest.approx(goal_progress(session.get_one(Goal, goal_id)))


def test_obstacles_reviews_recognition(seeded: Seeded, db: Database) -> None:
    result = figures(db)
    obstacles = result.obstacles
    assert obstacles.open_total == 4
    assert obstacles.by_age == {"week": 1, "two_weeks": 1, "month": 1, "older": 1}
    assert [(o.employee_name, o.manager_name, o.days_open) for o in obstacles.escalated] == [
        ("Sule", "Omar", 60),
        ("Sari", "Omar", 29),
    ]
    [cycle] = result.cycles
    assert cycle.name == "H2 2026" and cycle.total == 5
    assert cycle.counts == {
        "not_started": 2,
        "self_submitted": 1,
        "manager_submitted": 1,
        "approved": 1,
        "acknowledged": 0,
    }
    assert (cycle.overdue_self, cycle.overdue_manager) == (2, 0)
    rec = result.recognition
    assert (rec.kudos, rec.givers, rec.recipients) == (3, 3, 3)
    assert [(v[0], v[4]) for v in rec.by_value] == [("teamwork", 2), (None, 1)]
    assert [(name, count) for _, name, count in rec.top] == [("Eko", 2), ("Edi", 1), ("Sule", 1)]
    waiting = 1 if "nominations" in metadata.tables else None  # issue 6's table
    assert result.nominations_waiting == waiting


def everything(message: dict[str, Any]) -> str:
    return message["text"] + "\n" + as_plain_text(message)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            [
                "Weekly HR digest · week of 23 Nov – 29 Nov",
                "*Whole organisation*: 4/6 checked in (67%)",
                "*Sales*: 2/3 checked in (67%)",
                "*Ops*: 2/2 checked in (100%)",
                "*No team*: 0/1 checked in (0%)",
                "Average mood: 3.8 out of 5",
                "2 on track · 1 at risk · 1 off track",
                "*Goals at risk* (4)",
                "• *Cut cloud costs* — Sari (Ops): 80% done, 83% expected by now · rated off track",
                "*Open obstacles* (4)",
                "• Raised by Sule (manager: Omar) — open 60 days",
                "*H2 2026*: 5 reviews — not started 2 · self-review in 1",
                "Overdue: 2 self-reviews (due 27 Nov 2026)",
                "3 kudos from 3 colleagues to 3 people in the last 7 days",
                "Most recognised: Eko (2), Edi (1), Sule (1)",
            ],
        ),
        (
            "id",
            [
                "Ringkasan mingguan HR · minggu 23 Nov – 29 Nov",
                "*Seluruh organisasi*: 4/6 mengisi check-in (67%)",
                "*Sales*: 2/3 mengisi check-in (67%)",
                "*Tanpa tim*: 0/1 mengisi check-in (0%)",
                "Rata-rata suasana hati: 3,8 dari 5",
                "2 sesuai rencana · 1 berisiko · 1 melenceng",
                "*Sasaran berisiko* (4)",
                "• *Cut cloud costs* — Sari (Ops): 80% tercapai, seharusnya 83% saat ini",
                "*Hambatan terbuka* (4)",
                "• Disampaikan oleh Sule (atasan: Omar) — terbuka 60 hari",
                "*H2 2026*: 5 reviu — belum dimulai 2 · reviu diri masuk 1",
                "Terlambat: 2 reviu diri (tenggat 27 Nov 2026)",
                "3 apresiasi dari 3 rekan untuk 3 orang dalam 7 hari terakhir",
                "Paling banyak diapresiasi: Eko (2), Edi (1), Sule (1)",
            ],
        ),
    ],
)
def test_the_digest_says_it_in_both_languages(
    seeded: Seeded, db: Database, locale: str, expected: list[str]
) -> None:
    shown = everything(hr_digest_message(Translator(locale), figures(db)))
    for line in expected:
        assert line in shown
    if "nominations" in metadata.tables:
        waiting = {"en": "Waiting for HR's decision: 1", "id": "Menunggu keputusan HR: 1"}
        assert waiting[locale] in shown
    for secret in (SECRET_REVIEW, SECRET_WIN, OBSTACLE_TEXT, "Budget freeze", "CRM access"):
        assert secret not in shown


def test_manager_figures_are_their_direct_reports_only(seeded: Seeded, db: Database) -> None:
    with db.session() as session:
        managers = manager_figures(session, TEAM_ID, now=DIGEST_AT, org_tz=TZ)
    maya, omar = managers[seeded["Maya"].id], managers[seeded["Omar"].id]
    assert set(managers) == {maya.manager_id, omar.manager_id}
    assert [(p.name, p.status) for p in maya.people] == [
        ("Edi", "answered"),
        ("Eko", "answered"),
        ("Esti", "waiting"),
    ]
    assert sorted(o.employee_name for o in maya.obstacles) == ["Edi", "Eko"]
    assert [g.owner_name for g in maya.goals_at_risk] == ["Eko", "Edi"]
    assert [(r.employee_name, r.stage, r.overdue) for r in maya.reviews_due] == [
        ("Eko", "self", True),
        ("Edi", "manager", False),
    ]
    assert [o.employee_name for o in omar.obstacles] == ["Sule", "Sari"]
    assert all(o.escalated for o in omar.obstacles)
    assert [(r.employee_name, r.stage) for r in omar.reviews_due] == [
        ("Sule", "self"),
        ("Sari", "approve"),
    ]
    shown = everything(manager_digest_message(Translator("id"), omar))
    assert "Tim Anda · minggu 23 Nov – 29 Nov" in shown
    assert ":white_check_mark: Sudah mengisi (2): Sari, Sule" in shown
    for other in ("Eko", "Edi", "Esti", "Maya", "Lina", OBSTACLE_TEXT, "CRM access"):
        assert other not in shown


def test_one_manager_asked_alone_gets_the_same_figures(seeded: Seeded, db: Database) -> None:
    maya = seeded["Maya"].id
    with db.session() as session:
        alone = manager_figures(session, TEAM_ID, now=DIGEST_AT, org_tz=TZ, manager_ids={maya})
        everyone = manager_figures(session, TEAM_ID, now=DIGEST_AT, org_tz=TZ)
    assert list(alone) == [maya]
    assert alone[maya].people == everyone[maya].people
    assert alone[maya].obstacles == everyone[maya].obstacles
    assert alone[maya].reviews_due == everyone[maya].reviews_due
    assert alone[maya].goals_at_risk == everyone[maya].goals_at_risk


@contextmanager
def counted(db: Database, session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    session.execute(text("SELECT 1"))  # the transaction (and SQLite's BEGIN) is already open
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def statements_for(db: Database, team_id: str) -> tuple[int, int]:
    with db.session() as session, counted(db, session) as statements:
        hr_figures(session, team_id, now=DIGEST_AT, org_tz=TZ)
        hr = len(statements)
        manager_figures(session, team_id, now=DIGEST_AT, org_tz=TZ)
        return hr, len(statements) - hr


def test_a_constant_number_of_statements_whatever_the_head_count(
    db: Database, workspace: str
) -> None:
    """10 people in one workspace, 200 in another: the same statements. HR's digest reads at
    most 20 (the four cycles' figures, then feedback's counts and the 1:1s held per manager),
    a manager's at most 12."""
    with db.session() as session:
        session.add(Workspace(team_id="T0200", name="Big", created_at=DIGEST_AT))
        session.flush()
        small = seed_many(session, TEAM_ID, 10)
        big = seed_many(session, "T0200", 200)
    assert (small.people, big.people) == (10, 200)
    with db.session() as session:
        assert (
            hr_figures(session, "T0200", now=DIGEST_AT, org_tz=TZ).organisation.current.expected
            == 198
        )
    small_counts, big_counts = statements_for(db, TEAM_ID), statements_for(db, "T0200")
    assert small_counts == big_counts
    hr, managers = big_counts
    assert hr <= 20 and managers <= 12
