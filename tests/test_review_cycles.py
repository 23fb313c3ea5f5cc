"""Review cycles without Slack: creating, validating, opening on the day, who takes part,
the evidence of the period, when invitations go out, and the CLI."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.config import Settings
from bot.i18n import translators
from bot.review import (
    ReviewValidationError,
    create_cycle,
    gather,
    open_due_cycles,
)
from storage.db import Database
from storage.models import Employee, Team
from storage.reviews import Review, ReviewCycle
from tests.appserver import settings_for
from tests.review_fixtures import (
    TZ,
    Org,
    cycle_input,
    jakarta,
    keys,
    make_org,
    only_review_tasks,
    outbox,
    review_of,
    sales_cycle,
    seed_evidence,
    tick,
)


@pytest.fixture
def org(db: Database, workspace: str, clock: FixedClock) -> Org:
    with db.session() as session:
        org = make_org(session, clock.now())
        session.expunge_all()
        return org


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, "http://127.0.0.1:9/api/", KINERJA_DEFAULT_TZ=TZ)


def me(session: Session, person: Employee) -> Employee:
    found = session.get(Employee, person.id)
    assert found is not None
    return found


# ------------------------------------------------------------------------- cycles


def test_a_cycle_opening_today_invites_everyone_with_a_manager_in_the_team(
    db: Database, org: Org, clock: FixedClock
) -> None:
    with db.session() as session:
        result = sales_cycle(session, org, clock.now())
        assert result.opened and result.reviews == 3
        # Maya and Lina are in Sales but have no manager: left out, and named.
        assert sorted(p.slack_id for p in result.left_out) == ["ULINA", "UMGR"]
        reviews = session.scalars(select(Review).order_by(Review.id)).all()
        assert [(r.employee.slack_id, r.manager_id) for r in reviews] == [
            ("UEDI", org.manager.id),
            ("UEKO", org.manager.id),
            ("UEVA", org.manager.id),
        ]
        assert all(r.status == "not_started" for r in reviews)
    assert keys(db) == [f"review:{r.id}:invite" for r in reviews]


def test_everyone_with_a_manager_across_teams(db: Database, org: Org, clock: FixedClock) -> None:
    with db.session() as session:
        result = sales_cycle(session, org, clock.now(), everyone=True, team_ids=[])
        assert result.reviews == 4  # Eko, Edi, Eva and Sari
        assert {p.slack_id for p in result.left_out} == {"UADMIN", "UHR", "UMGR", "UOMGR", "ULINA"}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"self_due": date(2025, 12, 31)}, {"self_due": "review.error.due_before_period"}),
        ({"period_end": date(2025, 6, 1)}, {"period_end": "review.error.period_order"}),
        ({"manager_due": date(2026, 12, 1)}, {"manager_due": "review.error.manager_due_order"}),
        ({"opens_on": date(2026, 11, 1)}, {"opens_on": "review.error.opens_past"}),
        ({"opens_on": date(2026, 12, 5)}, {"opens_on": "review.error.opens_after_due"}),
        ({"name": "  "}, {"name": "review.error.name_required"}),
        ({"questions": ""}, {"questions": "review.error.questions_required"}),
        ({"competencies": "\n\n"}, {"competencies": "review.error.competencies_required"}),
        ({"scale": "Only one"}, {"scale": "review.error.scale_size"}),
        ({"team_ids": [], "everyone": False}, {"teams": "review.error.participants_required"}),
        ({"self_due": None}, {"self_due": "review.error.date_required"}),
    ],
)
def test_bad_cycles_are_refused_with_the_field_to_fix(
    db: Database, org: Org, clock: FixedClock, changes: dict, errors: dict
) -> None:
    changes.setdefault("team_ids", [org.sales.id])
    with db.session() as session, pytest.raises(ReviewValidationError) as raised:
        create_cycle(session, me(session, org.hr), cycle_input(**changes), now=clock.now(), tz=TZ)
    assert raised.value.errors == errors
    with db.session() as session:
        assert session.scalars(select(ReviewCycle)).all() == []


def test_a_cycle_with_no_participants_is_refused(db: Database, org: Org, clock: FixedClock) -> None:
    with db.session() as session:
        team = session.scalar(select(Team).where(Team.name == "People"))  # only Hana: no manager
        assert team is not None
        with pytest.raises(ReviewValidationError) as raised:
            sales_cycle(session, org, clock.now(), team_ids=[team.id])
    assert raised.value.errors == {"teams": "review.error.no_participants"}


def test_competency_keys_and_bilingual_labels_and_default_scale(
    db: Database, org: Org, clock: FixedClock
) -> None:
    with db.session() as session:
        cycle = sales_cycle(
            session, org, clock.now(), competencies="Teamwork | Kerja sama\nteamwork\n- Craft"
        ).cycle
        assert cycle.competencies == [
            {"key": "teamwork", "label_en": "Teamwork", "label_id": "Kerja sama"},
            {"key": "teamwork_2", "label_en": "teamwork", "label_id": "teamwork"},
            {"key": "craft", "label_en": "Craft", "label_id": "Craft"},
        ]
        assert [s["value"] for s in cycle.scale] == [1, 2, 3, 4, 5]
        assert cycle.scale[4] == {"value": 5, "label_en": "Outstanding", "label_id": "Luar biasa"}
        assert cycle.tz == TZ


def test_a_scheduled_cycle_opens_on_its_day_at_nine_once(
    db: Database,
    org: Org,
    clock: FixedClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_review_tasks(monkeypatch)
    monday = date(2026, 11, 30)
    with db.session() as session:
        result = sales_cycle(session, org, clock.now(), opens_on=monday)
        assert not result.opened and result.cycle.status == "scheduled"
    assert tick(db, settings, jakarta(monday, 8, 59)).total == 0
    assert keys(db) == []
    report = tick(db, settings, jakarta(monday, 9, 0))
    assert report.done["review_cycles"] == 4  # three invitations and HR's notice
    assert tick(db, settings, jakarta(monday, 9, 1)).total == 0
    with db.session() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        assert cycle.status == "open" and cycle.opened_at == jakarta(monday, 9, 0)
    assert keys(db, "review_cycle") == [f"review_cycle:{cycle.id}:opened"]
    assert len(keys(db, "review:")) == 3


def test_evidence_is_the_period_s_goals_check_ins_and_recognition(
    db: Database, org: Org, clock: FixedClock
) -> None:
    with db.session() as session:
        seed_evidence(session, me(session, org.eko), me(session, org.edi), clock.now())
        sales_cycle(session, org, clock.now())
        evidence = gather(session, review_of(session, org.eko))
        assert [(g.title, g.status, round(g.progress, 2)) for g in evidence.goals] == [
            ("Grow revenue <b>", "active", 0.2),
            ("Launch the webinar", "completed", 1.0),
        ]
        assert [(w.period, w.text) for w in evidence.wins] == [
            ("2026-W47", "Closed the ACME deal <!channel>")
        ]
        assert [o.text for o in evidence.obstacles] == ["Waiting for legal (2026-W47)"]
        assert [(k.giver.slack_id, k.message) for k in evidence.kudos] == [
            ("UEDI", "Thanks for the demo!")
        ]
        assert evidence.counts == {"goals": 2, "wins": 1, "obstacles": 1, "kudos": 1}


def test_the_cli_opens_lists_and_closes_cycles(
    db: Database,
    org: Org,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.shell.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KINERJA_DEFAULT_LOCALE", "en")  # the default questions' language
    today = date.today()  # the CLI runs on the real clock
    common = ["--start", f"{today.year}-01-01", "--end", f"{today.year}-12-31"]
    later = today + timedelta(days=30)
    bad = ["review", "open", "--name", "Bad", *common, "--self-due", f"{today.year - 1}-12-01"]
    assert main([*bad, "--manager-due", later.isoformat()]) == 1
    assert "self_due: The self-review can't be due before the period starts." in (
        capsys.readouterr().err
    )
    assert (
        main(
            [
                "review",
                "open",
                "--name",
                "X",
                *common,
                "--self-due",
                later.isoformat(),
                "--manager-due",
                later.isoformat(),
                "--team",
                "Nope",
            ]
        )
        == 1
    )
    assert "no team called 'Nope' (known: Ops, People, Sales)" in capsys.readouterr().err
    args = ["review", "open", "--name", "Year end", *common, "--self-due", later.isoformat()]
    assert main([*args, "--manager-due", later.isoformat(), "--team", "sales"]) == 0
    out = capsys.readouterr().out
    assert "review cycle 1 'Year end' opened: 3 people invited" in out
    assert "left out (no manager recorded): Lina (ULINA), Maya (UMGR)" in out
    assert main(["review", "list"]) == 0
    listed = capsys.readouterr().out
    assert "1: 'Year end' [open]" in listed and "reviews: not_started 3" in listed
    assert main(["review", "close", "1"]) == 0
    assert "closed; its reviews are read-only" in capsys.readouterr().out
    assert main(["review", "close", "1"]) == 1
    assert "already closed" in capsys.readouterr().err
    with db.session() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        assert (cycle.status, cycle.created_by, cycle.questions[0]) == (
            "closed",
            "cli",
            {
                "label_en": "What went well in this period, and what are you proud of?",
                "label_id": "Apa yang berjalan baik selama periode ini, dan apa yang Anda "
                "banggakan?",
            },
        )


def test_invitations_wait_for_each_person_s_working_hours(
    db: Database, org: Org, clock: FixedClock
) -> None:
    """The cycle opens at 09:00 in Jakarta; for Edi in New York that is 21:00 on Sunday."""
    monday_nine = jakarta(date(2026, 11, 30), 9)
    with db.session() as session:
        me(session, org.edi).tz = "America/New_York"
        sales_cycle(session, org, clock.now(), opens_on=date(2026, 11, 30))
        open_due_cycles(session, "T0001", monday_nine, translators("en"))
        due = {
            row.payload["_open_users"][0]: row.next_attempt_at
            for row in outbox(session)
            if row.idempotency_key.endswith(":invite")
        }
    assert due["UEKO"] == monday_nine
    assert due["UEDI"] == datetime(2026, 11, 30, 9, tzinfo=ZoneInfo("America/New_York"))
