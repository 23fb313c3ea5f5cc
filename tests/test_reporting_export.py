"""Exports and personal-data rights on the seeded organisation (tests/reporting_fixtures.py):
the CSV files read back to what is stored; a person's export holds what is stored about them;
erasing them leaves no trace of their ids or text and every aggregate as it was."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, String, Text, cast, func, select
from sqlalchemy.orm import Session

from bot import audit
from bot.org.settings import set_setting
from bot.outbox import enqueue
from bot.reporting import (
    PersonNotFound,
    erase_person,
    export_person,
    hr_figures,
    write_csv_files,
)
from bot.reporting.export_scope import ExportScope
from bot.reward.kudos import give_kudos
from storage.checkins import Checkin, CheckinPrompt, CheckinReply
from storage.db import Database
from storage.goals import Goal, GoalEvent
from storage.kudos import CompanyValue, Kudos, KudosRecipient
from storage.models import AuditLog, OutboxMessage
from storage.reviews import Review
from storage.schema import metadata
from tests.outbox_rows import outbox_id
from tests.reporting_fixtures import DIGEST_AT, SECRET_WIN, TEAM_ID, Seeded, kudos, seed

KINDS = ("goals", "key_results", "checkins", "obstacles", "reviews", "kudos")


@pytest.fixture
def seeded(db: Database, workspace: str) -> Seeded:
    with db.session() as session:
        return seed(session)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_files_read_back_to_what_is_stored(
    seeded: Seeded, db: Database, tmp_path: Path
) -> None:
    with db.session() as session:
        kudos(session, seeded["Edi"], [seeded["Eko"], seeded["Sule"]], date(2026, 11, 28), None,
              message="=HYPERLINK(\"http://evil\")")  # fmt: skip
    with db.session() as session:
        everything = ExportScope.for_operator(TEAM_ID, private_text=True)
        counts = write_csv_files(session, everything, tmp_path)
        for kind, model in zip(KINDS[:3], (Goal, None, Checkin), strict=True):
            if model is not None:
                assert counts[kind] == session.scalar(select(func.count()).select_from(model))
        stored = session.get_one(Checkin, 1)
        g1 = session.get_one(Goal, seeded.goals["G1"].id)
    assert set(counts) >= set(KINDS)
    for kind in counts:
        with (tmp_path / f"{kind}.csv").open(encoding="utf-8") as handle:
            assert handle.readline().startswith("id,") or kind == "nominations"
    goals = {int(r["id"]): r for r in read(tmp_path / "goals.csv")}
    row = goals[g1.id]
    assert (row["title"], row["owner_slack_id"], row["status"]) == (
        "Close ten deals",
        "UEKO",
        "active",
    )
    assert row["due_date"] == "2026-12-31" and float(row["progress"]) == pytest.approx(0.7)
    assert datetime.fromisoformat(row["created_at"]) == g1.created_at
    assert goals[seeded.goals["G5"].id]["team"] == "Sales"
    checkin = read(tmp_path / "checkins.csv")[0]
    assert int(checkin["id"]) == stored.id and int(checkin["mood"]) == stored.mood
    assert datetime.fromisoformat(checkin["submitted_at"]) == stored.submitted_at
    assert checkin["acknowledged_at"] == ""
    reviews = read(tmp_path / "reviews.csv")
    assert {json.dumps(json.loads(r["self_answers"])) for r in reviews} >= {"{}"}
    key_results = read(tmp_path / "key_results.csv")
    assert {(r["kind"], r["done"]) for r in key_results} >= {("check", "false")}
    given = read(tmp_path / "kudos.csv")
    assert given[-1]["recipient_slack_ids"] == "UEKO;USULE"
    assert given[-1]["message"] == '\'=HYPERLINK("http://evil")'  # no formula runs
    assert given[0]["value"] == "teamwork"
    obstacles = read(tmp_path / "obstacles.csv")
    assert [r["status"] for r in obstacles].count("resolved") == 1


def test_kinerja_export_writes_the_files(
    seeded: Seeded, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from bot.shell.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "export"
    assert main(["export", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{out / 'checkins.csv'}: 32 rows" in printed
    assert {p.name for p in out.iterdir()} >= {f"{k}.csv" for k in KINDS}


def more_about_eko(session: Session, seeded: Seeded) -> None:
    """What the real cycles leave behind about a person: outbox messages naming or quoting
    them, audit rows, a setting they changed, replies, history, a nomination."""
    eko, sari, maya = seeded["Eko"], seeded["Sari"], seeded["Maya"]
    value = session.scalar(select(CompanyValue).where(CompanyValue.key == "teamwork"))
    assert value is not None
    give_kudos(session, sari, [eko], "Great work Eko, thank you!", value.key, "command", DIGEST_AT)
    enqueue(session, team_id=TEAM_ID, key="checkin:summary:quote",
            method="chat.postMessage", now=DIGEST_AT,
            payload={"channel": "UMAYA", "text": f">{SECRET_WIN}"})  # fmt: skip
    quote = session.get_one(OutboxMessage, outbox_id(session, "checkin:summary:quote"))
    quote.status, quote.result = "sent", {"channel": "DUMAYA", "ts": "1.000001"}
    audit.record(session, team_id=TEAM_ID, actor="UEKO", action="checkin.submitted",
                 subject="2026-W48", detail={"by": "UEKO"}, at=DIGEST_AT)  # fmt: skip
    set_setting(session, TEAM_ID, "reporting.digest_time", "09:00", actor="UEKO", now=DIGEST_AT)
    checkin = session.scalars(select(Checkin).where(Checkin.employee_id == eko.id)).first()
    assert checkin is not None
    session.add(CheckinReply(team_id=TEAM_ID, checkin_id=checkin.id, author_id=maya.id,
                             text="Nice one Eko!", created_at=DIGEST_AT))  # fmt: skip
    g1 = seeded.goals["G1"].id
    session.add(GoalEvent(team_id=TEAM_ID, goal_id=g1, actor_id=eko.id, at=DIGEST_AT,
                          action="edited", detail={"title": "Close ten deals"}))  # fmt: skip
    nominations = metadata.tables.get("nominations")
    if nominations is not None:
        review = session.scalar(select(Review).where(Review.employee_id == eko.id))
        assert review is not None
        session.execute(nominations.insert().values(
            team_id=TEAM_ID, review_id=review.id, employee_id=eko.id, manager_id=maya.id,
            reward_type="bonus", justification="Eko closed the Garuda deal", status="pending",
            created_at=DIGEST_AT, version=1,
        ))  # fmt: skip
    session.flush()


def aggregates(session: Session) -> dict[str, Any]:
    figures = hr_figures(session, TEAM_ID, now=DIGEST_AT, org_tz="Asia/Jakarta")
    counted = {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (Checkin, CheckinPrompt, Kudos, KudosRecipient, Goal, Review)
    }
    teams = figures.teams
    return {
        **counted,
        "participation": [(t.name, [(p.expected, p.answered) for p in t.points]) for t in teams],
        "kudos": (figures.recognition.kudos, figures.recognition.recipients),
        "goals_at_risk": len(figures.goals_at_risk),
        "obstacles": figures.obstacles.open_total,
    }  # fmt: skip


def traces(session: Session, patterns: list[str]) -> list[str]:
    """Every text or JSON value of every table matching one of the patterns."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON):
                continue
            value = cast(column, Text) if isinstance(column.type, JSON) else column
            for (text,) in session.execute(select(value).where(value.is_not(None))):
                for pattern in patterns:
                    if re.search(pattern, text, re.I):
                        found.append(f"{table.name}.{column.name}: {text[:120]}")
    return found


def test_a_persons_export_and_erasure_round_trip(seeded: Seeded, db: Database) -> None:
    with db.session() as session:
        more_about_eko(session, seeded)
    with db.session() as session:
        data = export_person(session, TEAM_ID, "UEKO", now=DIGEST_AT)
        before = aggregates(session)
    text = json.dumps(data)
    assert data["person"]["email"] == "eko@acme.example"
    records = data["records"]
    assert len(records["checkins"]) == 8 and SECRET_WIN in text
    assert {"key_results", "goals", "obstacles", "reviews", "kudos", "kudos_recipients",
            "checkin_prompts", "checkin_goal_updates", "checkin_replies", "goal_events",
            "audit_log", "outbox", "workspace_settings"} <= set(records)  # fmt: skip
    assert any("mentions" in r["_refers_as"] for r in records["outbox"])
    patterns = [r"\bUEKO\b|DUEKO", r"eko@acme\.example", r"\bEko\b", "UNIQUE-WIN-PHRASE"]
    with db.session() as session:
        assert traces(session, patterns)  # there is something to erase
        result = erase_person(session, TEAM_ID, "UEKO", actor="UHANA", now=DIGEST_AT)
    with db.session() as session:
        assert traces(session, patterns) == []
        # History stays as it was; what was waiting for Eko no longer waits: his review of the
        # open cycle (not started) is withdrawn, his goal at risk abandoned, his obstacle closed.
        assert result.ended == {"obstacles": 1, "goals": 1, "reviews": 1}
        ended, after = ("reviews", "goals_at_risk", "obstacles"), aggregates(session)
        assert {k: after[k] for k in ended} == {k: before[k] - 1 for k in ended}
        assert {k: v for k, v in after.items() if k not in ended} == {
            k: v for k, v in before.items() if k not in ended
        }
        with pytest.raises(PersonNotFound):
            export_person(session, TEAM_ID, "UEKO", now=DIGEST_AT)
        [erased] = session.scalars(select(AuditLog).where(AuditLog.action == "person.erased"))
        assert erased.subject == f"employee:{result.employee_id}" and erased.actor == "UHANA"
        quoted = session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == "checkin:summary:quote")
        )
        assert quoted is not None and quoted.status == "sent"  # quoted them, sent long ago
        assert quoted.payload == {"erased": True} and quoted.result is None
        to_eko = session.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("kudos:%"))
        ).all()
        assert to_eko and all(m.status == "failed" for m in to_eko)  # named them: cancelled
        anonymous = export_person(session, TEAM_ID, f"ERASED-{result.employee_id}", now=DIGEST_AT)
    assert anonymous["person"]["active"] is False and anonymous["person"]["email"] is None
    assert "Garuda" not in json.dumps(anonymous)


def test_kinerja_person_export_and_erase(
    seeded: Seeded, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from bot.shell.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "eko.json"
    assert main(["person", "export", "UEKO", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["person"]["slack_id"] == "UEKO"
    assert main(["person", "erase", "UEKO"]) == 2  # not without --yes
    assert main(["person", "erase", "UEKO", "--yes"]) == 0
    assert "erased UEKO" in capsys.readouterr().out
    assert main(["person", "export", "UEKO"]) == 1
    assert re.search(r"UEKO was erased on \d{4}-\d\d-\d\d", capsys.readouterr().err)
    assert main(["person", "export", "UNOBODY"]) == 1
    assert "nobody with Slack id UNOBODY" in capsys.readouterr().err
